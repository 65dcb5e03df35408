package dev.spillway.internal.capacity;

import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import dev.spillway.test.Rendezvous;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ignite.cluster.ClusterNode;

/**
 * {@link Owners} of a cluster whose topology does not change: the stock rendezvous assignment over named nodes,
 * now and after the loss of each, and the failover model of the ledgers read as {@link AffinityOwners} reads it,
 * with each node's limit as its ledger states it.
 */
final class FixedOwners implements Owners {
    private final Topology topology;
    private final Map<UUID, UUID[][]> ownersWithout;
    /** The owners every rebalance moves towards; the topology's own when nothing moves. */
    private final UUID[][] ideal;

    private FixedOwners(Topology topology, Map<UUID, UUID[][]> ownersWithout, UUID[][] ideal) {
        this.topology = topology;
        this.ownersWithout = ownersWithout;
        this.ideal = ideal;
    }

    static FixedOwners rendezvous(int partitions, int backups, String... names) {
        List<ClusterNode> nodes = Rendezvous.nodes(names);
        Topology t = Topology.of(Rendezvous.owners(nodes, partitions, backups));
        return new FixedOwners(t, Rendezvous.ownersWithoutEach(nodes, partitions, backups), t.owners());
    }

    /**
     * A cluster whose backups are still arriving: Ignite maps each partition to its primary alone for now, and the
     * rebalance moves towards {@code backups} backups.
     */
    static FixedOwners backupsArriving(int partitions, int backups, String... names) {
        List<ClusterNode> nodes = Rendezvous.nodes(names);
        Topology now = Topology.of(Rendezvous.owners(nodes, partitions, 0));
        return new FixedOwners(now, Rendezvous.ownersWithoutEach(nodes, partitions, backups),
            Topology.of(Rendezvous.owners(nodes, partitions, backups)).owners());
    }

    @Override
    public Topology now() {
        return topology;
    }

    /** The owners of partition {@code p}, primary first. */
    UUID[] owners(int p) {
        return topology.owners()[p];
    }

    @Override
    public FailoverModel failoverModel(List<Peers.LedgerView> views) {
        return AffinityOwners.failoverModel(topology.owners(), ownersWithout, views, arrivingBytes(views));
    }

    /** The assignment never changes. */
    @Override
    public long version() {
        return 0;
    }

    @Override
    public UUID[][] ideal() {
        return ideal;
    }
}
