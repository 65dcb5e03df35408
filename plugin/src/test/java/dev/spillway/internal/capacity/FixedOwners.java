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

    private FixedOwners(Topology topology, Map<UUID, UUID[][]> ownersWithout) {
        this.topology = topology;
        this.ownersWithout = ownersWithout;
    }

    static FixedOwners rendezvous(int partitions, int backups, String... names) {
        List<ClusterNode> nodes = Rendezvous.nodes(names);
        return new FixedOwners(Topology.of(Rendezvous.owners(nodes, partitions, backups)),
            Rendezvous.ownersWithoutEach(nodes, partitions, backups));
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
        return AffinityOwners.failoverModel(topology.owners(), ownersWithout, views, settledBytes(views));
    }

    /** The topology does not change: every partition is at its owners already. */
    @Override
    public Map<UUID, Long> settledBytes(List<Peers.LedgerView> views) {
        return Owners.settledBytes(topology.owners(), views);
    }
}
