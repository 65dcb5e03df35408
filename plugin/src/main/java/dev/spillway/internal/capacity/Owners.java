package dev.spillway.internal.capacity;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
     * partition bytes, and the pages of each partition itself ({@link FailoverModel#newPartitionBytes}; Ignite may
     * have allocated those already: this errs towards counting them twice). A server that has just joined, or a
     * survivor receiving a lost node's partitions as their new backup, shows none of the rows in its region until
     * the rebalance ends: admission counts them with this. A partition that lost every copy brings no rows, and its
     * new owner counts only its pages.
     */
    default Map<UUID, Long> arrivingBytes(List<Peers.LedgerView> views) {
        return arrivingBytes(now().owners(), ideal(), views);
    }

    /**
     * The owners of every partition in the assignment over the servers there are now, primary first: where every
     * rebalance under way ends.
     */
    UUID[][] ideal();

    /**
     * The version of the assignment {@link #now} reads: it changes with every join and leave, and again when a
     * rebalance ends and the owners Ignite maps to switch. Equal versions mean no partition changed owners between
     * them.
     */
    long version();

    /** Whether a rebalance is moving any partition: the owners Ignite maps to are not all those it moves towards. */
    default boolean moving() {
        return moving(now().owners(), ideal());
    }

    /** Whether any partition's owners in {@code now} differ from those in {@code ideal}, order aside. */
    static boolean moving(UUID[][] now, UUID[][] ideal) {
        for (int p = 0; p < now.length; p++) {
            if (!Set.of(now[p]).equals(Set.of(ideal[p])))
                return true;
        }
        return false;
    }

    /**
     * The bytes each server is receiving, from {@code views}, the owners Ignite maps each partition to now
     * ({@code current}) and those of the assignment every rebalance moves towards ({@code ideal}), primary first.
     */
    static Map<UUID, Long> arrivingBytes(UUID[][] current, UUID[][] ideal, List<Peers.LedgerView> views) {
        long[] bytes = partitionBytes(views, ideal.length);
        Map<UUID, Integer> pageSize = pageSizes(views);
        Map<UUID, Long> arriving = new HashMap<>();
        for (int p = 0; p < ideal.length; p++) {
            List<UUID> now = Arrays.asList(current[p]);
            for (UUID owner : ideal[p]) {
                if (!now.contains(owner)) {
                    arriving.merge(owner, bytes[p] + FailoverModel.newPartitionBytes(pageSize.getOrDefault(owner, 0),
                        bytes[p] > 0), Long::sum);
                }
            }
        }
        return arriving;
    }

    /** Each server's region page size, by node. */
    static Map<UUID, Integer> pageSizes(List<Peers.LedgerView> views) {
        Map<UUID, Integer> pageSize = new HashMap<>();
        for (Peers.LedgerView v : views)
            pageSize.put(v.nodeId(), v.pageSize());
        return pageSize;
    }

    /** One copy of each partition's bytes, summed over the ledgers' catalogs. */
    static long[] partitionBytes(List<Peers.LedgerView> views, int partitions) {
        long[] bytes = new long[partitions];
        for (Peers.LedgerView v : views) {
            for (int p = 0; p < partitions; p++)
                bytes[p] += v.partitionBytes()[p];
        }
        return bytes;
    }

    /** What admission counts as used on the server of {@code view}: its region now and what is arriving. */
    static long used(Peers.LedgerView view, Map<UUID, Long> arriving) {
        return view.capacity().used() + arriving.getOrDefault(view.nodeId(), 0L);
    }
}
