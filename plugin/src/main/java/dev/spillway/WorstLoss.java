package dev.spillway;

/**
 * The single server-node loss that would leave some survivor the least room, once Ignite has rebalanced the lost
 * copies onto the survivors (as predicted from the real bytes per partition and the affinity of the topology
 * without that node).
 *
 * @param lostNode consistent id of the node whose loss is worst
 * @param survivor consistent id of the survivor it would leave with the least room
 * @param predictedUsed the survivor's predicted region usage after that loss, in bytes
 * @param limit the survivor's limit: the region bytes no node may reach ({@code regionMaxSize * failoverLimit})
 */
public record WorstLoss(String lostNode, String survivor, long predictedUsed, long limit)
    implements java.io.Serializable {

    /** Room the survivor would have left; negative when the loss would overflow it. */
    public long headroom() {
        return limit - predictedUsed;
    }
}
