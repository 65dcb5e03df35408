package dev.spillway.internal.capacity;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import java.util.Arrays;
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
     * The bytes of partitions each server is receiving: those it owns in the assignment over the servers there are
     * now but not yet in the one Ignite maps to (a rebalance is bringing them), one copy each, from the ledgers'
     * partition bytes. A server that has just joined, or a survivor receiving a lost node's partitions as their new
     * backup, shows none of them in its region until the rebalance ends: admission counts them with this. A
     * partition that lost every copy brings nothing, and its new owner counts nothing for it.
     */
    Map<UUID, Long> arrivingBytes(List<Peers.LedgerView> views);

    /** Whether a rebalance is moving any partition: the owners Ignite maps to are not all those it moves towards. */
    boolean moving();

    /**
     * The bytes each server is receiving, from {@code views}, the owners Ignite maps each partition to now
     * ({@code current}) and those of the assignment every rebalance moves towards ({@code ideal}), primary first.
     */
    static Map<UUID, Long> arrivingBytes(UUID[][] current, UUID[][] ideal, List<Peers.LedgerView> views) {
        long[] bytes = new long[ideal.length];
        for (Peers.LedgerView v : views) {
            for (int p = 0; p < bytes.length; p++)
                bytes[p] += v.partitionBytes()[p];
        }
        Map<UUID, Long> arriving = new HashMap<>();
        for (int p = 0; p < ideal.length; p++) {
            List<UUID> now = Arrays.asList(current[p]);
            for (UUID owner : ideal[p]) {
                if (!now.contains(owner))
                    arriving.merge(owner, bytes[p], Long::sum);
            }
        }
        return arriving;
    }

    /** What admission counts as used on the server of {@code view}: its region now and what is arriving. */
    static long used(Peers.LedgerView view, Map<UUID, Long> arriving) {
        return view.capacity().used() + arriving.getOrDefault(view.nodeId(), 0L);
    }
}
