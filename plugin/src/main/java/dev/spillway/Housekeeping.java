package dev.spillway;

/**
 * What a server node's background housekeeping found on its last passes: the claims it watches (checkpoints being
 * written or removed, in the catalog entries this node is primary for), the orphaned chunks its sweep found (chunks
 * no claim or manifest names, on partitions this node is primary for), and whether Ignite is moving chunk
 * partitions. A claim is reclaimed once unrenewed for a lease timeout (two when the catalog's primary changed
 * meanwhile), orphaned chunks once unnamed for a lease timeout: a figure well past that means housekeeping is stuck.
 * Ages are by this node's clock alone. From {@link SpillwayPlugin#housekeeping()}.
 *
 * @param claims claims found at the last reclaiming pass, live writers' included
 * @param longestUnrenewedClaimMillis the longest any of them had gone unrenewed
 * @param orphans checkpoints whose chunks the last sweep found unnamed (removed by it or left until they lapse)
 * @param longestOrphanMillis the longest any of them had been found unnamed
 * @param rebalancing whether a rebalance is moving chunk partitions: the owners Ignite maps to are not all those it
 *     moves towards
 */
public record Housekeeping(int claims, long longestUnrenewedClaimMillis, int orphans, long longestOrphanMillis,
                           boolean rebalancing) {
    /** A client node's: it holds no catalog entries and no chunks. */
    public static final Housekeeping NONE = new Housekeeping(0, 0, 0, 0, false);
}
