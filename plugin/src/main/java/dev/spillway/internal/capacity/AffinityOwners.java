package dev.spillway.internal.capacity;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;

/**
 * {@link Owners} from Ignite: the chunk cache's affinity for the owners now (recomputed when the version of its
 * assignment changes, minor versions included), and the stock rendezvous function over the survivors for the owners after each possible loss
 * ({@link IgniteAdapter#assignment}).
 */
final class AffinityOwners implements Owners {
    private final Ignite ignite;
    private final SpillwayConfiguration config;
    private volatile Cached cached = new Cached(-1, null);

    private record Cached(long version, Topology topology) {
    }

    AffinityOwners(Ignite ignite, SpillwayConfiguration config) {
        this.ignite = ignite;
        this.config = config;
    }

    @Override
    public Topology now() {
        // The version of the chunk cache's assignment, not the topology version: a join's partitions reach the
        // newcomer only when its rebalance ends, which changes the minor version alone.
        long version = IgniteAdapter.affinityVersion(ignite, Layout.CHUNK_CACHE);
        Cached c = cached;
        if (c.version() == version)
            return c.topology();
        Affinity<ChunkKey> affinity = ignite.affinity(Layout.CHUNK_CACHE);
        List<List<UUID>> owners = new ArrayList<>(affinity.partitions());
        for (int p = 0; p < affinity.partitions(); p++)
            owners.add(affinity.mapPartitionToPrimaryAndBackups(p).stream().map(ClusterNode::id).toList());
        Topology t = Topology.of(owners);
        cached = new Cached(version, t);
        return t;
    }

    @Override
    public FailoverModel failoverModel(List<Peers.LedgerView> views) {
        List<ClusterNode> servers = new ArrayList<>(IgnitePeers.servers(ignite).nodes());
        Map<UUID, UUID[][]> without = new HashMap<>();
        for (ClusterNode lost : servers) {
            List<ClusterNode> survivors = new ArrayList<>(servers);
            survivors.remove(lost);
            without.put(lost.id(), ids(IgniteAdapter.assignment(survivors, config.getPartitions(),
                config.getBackups())));
        }
        return failoverModel(now().owners(), without, views, arrivingBytes(views));
    }

    @Override
    public Map<UUID, Long> arrivingBytes(List<Peers.LedgerView> views) {
        return Owners.arrivingBytes(now().owners(), ideal(), views);
    }

    @Override
    public boolean moving() {
        UUID[][] now = now().owners();
        UUID[][] ideal = ideal();
        for (int p = 0; p < now.length; p++) {
            if (!Set.of(now[p]).equals(Set.of(ideal[p])))
                return true;
        }
        return false;
    }

    /** The owners of each partition in the assignment over the servers there are now, primary first. */
    private UUID[][] ideal() {
        List<ClusterNode> servers = new ArrayList<>(IgnitePeers.servers(ignite).nodes());
        return ids(IgniteAdapter.assignment(servers, config.getPartitions(), config.getBackups()));
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
        long[] partitionBytes = new long[owners.length];
        long[] pendingBytes = new long[owners.length];
        Map<UUID, Long> used = new HashMap<>();
        Map<UUID, Long> limit = new HashMap<>();
        for (Peers.LedgerView v : views) {
            for (int p = 0; p < partitionBytes.length; p++) {
                partitionBytes[p] += v.partitionBytes()[p];
                pendingBytes[p] += v.pendingBytes()[p];
            }
            used.put(v.nodeId(), Owners.used(v, arriving));
            limit.put(v.nodeId(), v.failoverBytes());
        }
        return new FailoverModel(owners, ownersWithout, partitionBytes, pendingBytes, used, limit);
    }

    private static UUID[][] ids(List<List<ClusterNode>> assignment) {
        UUID[][] ids = new UUID[assignment.size()][];
        for (int p = 0; p < ids.length; p++)
            ids[p] = assignment.get(p).stream().map(ClusterNode::id).toArray(UUID[]::new);
        return ids;
    }
}
