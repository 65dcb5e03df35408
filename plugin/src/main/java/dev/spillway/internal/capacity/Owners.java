package dev.spillway.internal.capacity;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ignite.Ignite;

/**
 * Who owns each chunk-cache partition: now, and after the loss of any one server. Over Ignite: {@link #of}; in
 * tests, a fixed assignment.
 *
 * <p>Public for the engine ({@code internal.store}) and the node's assembly. Not API: see {@code
 * dev.spillway.internal}.
 */
public interface Owners {
    /** The owners of node {@code ignite}'s cluster, from the chunk cache's affinity and the rendezvous function. */
    static Owners of(Ignite ignite, SpillwayConfiguration config) {
        return new AffinityOwners(ignite, config);
    }

    /** The owners of every chunk-cache partition now, primary first. */
    Topology now();

    /**
     * The failover model of the cluster as the ledgers read: the measured usage of every server's region, the
     * bytes of every partition, the owners now and the owners after the loss of each server.
     */
    FailoverModel failoverModel(List<Peers.LedgerView> views);

    /**
     * The region bytes each server holds once every partition has reached its owners in the assignment over the
     * servers there are now (one copy of each partition per owner, from the ledgers' partition bytes). A server
     * that has just joined, or a survivor receiving a lost node's partitions, shows little usage until its
     * rebalance ends: admission counts what is arriving with this.
     */
    Map<UUID, Long> settledBytes(List<Peers.LedgerView> views);

    /**
     * The bytes each server holds once its rebalance ends, from {@code views} and the owners of each partition in
     * the assignment every rebalance is moving towards ({@code ideal}, primary first).
     */
    static Map<UUID, Long> settledBytes(UUID[][] ideal, List<Peers.LedgerView> views) {
        long[] bytes = new long[ideal.length];
        for (Peers.LedgerView v : views) {
            for (int p = 0; p < bytes.length; p++)
                bytes[p] += v.partitionBytes()[p];
        }
        Map<UUID, Long> settled = new HashMap<>();
        for (int p = 0; p < ideal.length; p++) {
            for (UUID owner : ideal[p])
                settled.merge(owner, bytes[p], Long::sum);
        }
        return settled;
    }

    /** What admission counts as used on the server of {@code view}: its region now, or what is arriving, the more. */
    static long used(Peers.LedgerView view, Map<UUID, Long> settled) {
        return Math.max(view.capacity().used(), settled.getOrDefault(view.nodeId(), 0L));
    }
}
