package dev.spillway.internal.capacity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.internal.metrics.SpillwayMeters;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;

/**
 * {@link Owners} from Ignite: the chunk cache's affinity for the owners now (recomputed when the version of its
 * assignment changes, minor versions included), the partition map for the copies still moving, and the stock
 * rendezvous function over the survivors for the owners after each possible loss ({@link IgniteAdapter#assignment}).
 */
final class AffinityOwners implements Owners {
    /** Server sets whose assignments after each loss are kept: the current one and a few it may come back to. */
    private static final int KEPT_TOPOLOGIES = 4;

    private final Ignite ignite;
    private final SpillwayConfiguration config;
    private volatile Cached cached = new Cached(-1, null, null);
    /**
     * For a set of servers (their ids in join order), the owners of every partition after the loss of each: a
     * rendezvous assignment per server, recomputed otherwise for every failover model (every admission with
     * backups, every capacity read). Measured on 4 nodes of 128 partitions (p50 of 300 calls, warm): a failover
     * model took 0.19-0.21 ms without the cache, 0.13-0.16 ms with it (1 miss, 1,207 hits in that run); a 64 KB
     * save took 9-21 ms. The cost grows with servers squared times partitions.
     */
    private final Cache<List<UUID>, Map<UUID, UUID[][]>> lossAssignments = Caffeine.newBuilder()
        .maximumSize(KEPT_TOPOLOGIES).recordStats().build();

    /** The owners now and where every rebalance ends, both of one version of the chunk cache's assignment. */
    private record Cached(long version, Topology topology, UUID[][] ideal) {
    }

    AffinityOwners(Ignite ignite, SpillwayConfiguration config, SpillwayMeters meters) {
        this.ignite = ignite;
        this.config = config;
        meters.cache("spillway.loss.assignments", lossAssignments);
    }

    @Override
    public Topology now() {
        return current().topology();
    }

    @Override
    public UUID[][] ideal() {
        return current().ideal();
    }

    @Override
    public long version() {
        return current().version();
    }

    /**
     * The servers of the ideal assignment whose copy is not OWNING in this node's partition map: read afresh each
     * time, as copies become complete without the assignment's version changing.
     */
    @Override
    public UUID[][] receiving() {
        Cached c = current();
        UUID[][] owning = IgniteAdapter.owning(ignite, Layout.CHUNK_CACHE);
        return Owners.receiving(owning == null ? c.topology().owners() : owning, c.ideal());
    }

    /**
     * The owners of the chunk cache's assignment now, computed again when its version changes: the version of the
     * assignment, not the topology version, as a join's partitions reach the newcomer only when its rebalance
     * ends, which changes the minor version alone. Every join and leave changes it, so the servers the ideal
     * assignment is made over are those there are now.
     */
    private Cached current() {
        long version = IgniteAdapter.affinityVersion(ignite, Layout.CHUNK_CACHE);
        Cached c = cached;
        if (c.version() == version)
            return c;
        Affinity<ChunkKey> affinity = ignite.affinity(Layout.CHUNK_CACHE);
        List<List<UUID>> owners = new ArrayList<>(affinity.partitions());
        for (int p = 0; p < affinity.partitions(); p++)
            owners.add(affinity.mapPartitionToPrimaryAndBackups(p).stream().map(ClusterNode::id).toList());
        List<ClusterNode> servers = new ArrayList<>(IgnitePeers.servers(ignite).nodes());
        Topology topology = Topology.of(owners);
        UUID[][] ideal = ids(IgniteAdapter.assignment(servers, config.getPartitions(), config.getBackups()));
        c = new Cached(version, topology, ideal);
        cached = c;
        return c;
    }

    @Override
    public FailoverModel failoverModel(List<Peers.LedgerView> views) {
        List<ClusterNode> servers = new ArrayList<>(IgnitePeers.servers(ignite).nodes());
        servers.sort(Comparator.comparingLong(ClusterNode::order));
        Map<UUID, UUID[][]> without = lossAssignments.get(servers.stream().map(ClusterNode::id).toList(),
            ids -> ownersAfterEachLoss(servers));
        return failoverModel(now().owners(), without, views, arrivingBytes(views));
    }

    /** For each of {@code servers}, the owners of every partition after its loss. */
    private Map<UUID, UUID[][]> ownersAfterEachLoss(List<ClusterNode> servers) {
        Map<UUID, UUID[][]> without = new HashMap<>();
        for (ClusterNode lost : servers) {
            List<ClusterNode> survivors = new ArrayList<>(servers);
            survivors.remove(lost);
            without.put(lost.id(), ids(IgniteAdapter.assignment(survivors, config.getPartitions(),
                config.getBackups())));
        }
        return Map.copyOf(without);
    }

    /**
     * The failover model of the ledgers read: the bytes of each partition summed over the nodes, each node's used
     * bytes, and its limit as its ledger states it (its region times its own failover limit, which follows its
     * page size when left unset; the writer's own configuration does not come into it).
     *
     * @param owners the owners of each partition now, primary first
     * @param ownersWithout for each server, the owners of each partition after its loss
     * @param arriving the bytes each server is receiving ({@link Owners#arrivingBytes}), counted as used
     */
    static FailoverModel failoverModel(UUID[][] owners, Map<UUID, UUID[][]> ownersWithout,
                                       List<Peers.LedgerView> views, Map<UUID, Long> arriving) {
        long[] partitionBytes = Owners.partitionBytes(views, owners.length);
        long[] pendingBytes = new long[owners.length];
        Map<UUID, Long> used = new HashMap<>();
        Map<UUID, Long> limit = new HashMap<>();
        for (Peers.LedgerView v : views) {
            for (int p = 0; p < pendingBytes.length; p++)
                pendingBytes[p] += v.pendingBytes()[p];
            used.put(v.nodeId(), Owners.used(v, arriving));
            limit.put(v.nodeId(), v.failoverBytes());
        }
        return new FailoverModel(owners, ownersWithout, partitionBytes, pendingBytes, used, limit,
            Owners.pageSizes(views));
    }

    private static UUID[][] ids(List<List<ClusterNode>> assignment) {
        UUID[][] ids = new UUID[assignment.size()][];
        for (int p = 0; p < ids.length; p++)
            ids[p] = assignment.get(p).stream().map(ClusterNode::id).toArray(UUID[]::new);
        return ids;
    }
}
