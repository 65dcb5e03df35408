package dev.spillway.internal.capacity;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import java.util.List;
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
}
