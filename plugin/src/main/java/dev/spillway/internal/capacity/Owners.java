package dev.spillway.internal.capacity;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.metrics.SpillwayMeters;
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
        return of(ignite, config, SpillwayMeters.NONE);
    }

    /** As {@link #of(Ignite, SpillwayConfiguration)}, its cache's hits and misses counted in {@code meters}. */
    static Owners of(Ignite ignite, SpillwayConfiguration config, SpillwayMeters meters) {
        return new AffinityOwners(ignite, config, meters);
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
     * now but holds no complete copy of yet ({@link #receiving}), one copy each, from the ledgers' partition bytes,
     * and the pages of each partition itself ({@link FailoverModel#newPartitionBytes}; Ignite may have allocated
     * those already: this errs towards counting them twice). A server that has just joined, or a survivor
     * receiving a lost node's partitions as their new backup, shows none of the rows in its region until the
     * rebalance ends: admission counts them with this. A partition that lost every copy brings no rows, and its new
     * owner counts only its pages.
     */
    default Map<UUID, Long> arrivingBytes(List<Peers.LedgerView> views) {
        return arrivingBytes(receiving(), views);
    }

    /**
     * The owners of every partition in the assignment over the servers there are now, primary first: where every
     * rebalance under way ends.
     */
    UUID[][] ideal();

    /**
     * For each partition, the servers of {@link #ideal} that hold no complete copy of it yet: a rebalance is
     * bringing it to them. Here, those Ignite does not map the partition to yet ({@link #receiving(UUID[][],
     * UUID[][])}); over Ignite, those whose copy is not OWNING, since after a loss Ignite maps a partition to its
     * new backups at once, while their copies are still moving.
     */
    default UUID[][] receiving() {
        return receiving(now().owners(), ideal());
    }

    /**
     * The version of the assignment {@link #now} reads: it changes with every join and leave, and again when a
     * rebalance ends and the owners Ignite maps to switch. Equal versions mean no partition changed owners between
     * them.
     */
    long version();

    /** Whether a rebalance is moving any partition: some server is receiving a partition ({@link #receiving}). */
    default boolean moving() {
        for (UUID[] nodes : receiving()) {
            if (nodes.length > 0)
                return true;
        }
        return false;
    }

    /** For each partition, the nodes of {@code ideal} that {@code holding} does not list, in ideal's order. */
    static UUID[][] receiving(UUID[][] holding, UUID[][] ideal) {
        UUID[][] receiving = new UUID[ideal.length][];
        for (int p = 0; p < ideal.length; p++) {
            List<UUID> held = Arrays.asList(holding[p]);
            receiving[p] = Arrays.stream(ideal[p]).filter(n -> !held.contains(n)).toArray(UUID[]::new);
        }
        return receiving;
    }

    /** The bytes each server is receiving, from {@code views} and the servers receiving each partition. */
    static Map<UUID, Long> arrivingBytes(UUID[][] receiving, List<Peers.LedgerView> views) {
        long[] bytes = partitionBytes(views, receiving.length);
        Map<UUID, Integer> pageSize = pageSizes(views);
        Map<UUID, Long> arriving = new HashMap<>();
        for (int p = 0; p < receiving.length; p++) {
            for (UUID node : receiving[p]) {
                arriving.merge(node, bytes[p] + FailoverModel.newPartitionBytes(pageSize.getOrDefault(node, 0),
                    bytes[p] > 0), Long::sum);
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
