package dev.spillway.internal.capacity;

import dev.spillway.NodeCapacity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.ignite.Ignite;

/**
 * The writer's side of the reservation protocol: which Spillway servers there are, what their ledgers say, and
 * the lease calls (grant, renew, release). Over Ignite: {@link #of}; in tests, a fake over in-memory ledgers.
 *
 * <p>Public for the engine ({@code internal.store}) and the node's assembly. Not API: see {@code
 * dev.spillway.internal}.
 */
public interface Peers {
    /**
     * One server's ledger as read.
     *
     * @param failoverBytes the bytes its region may not reach after another node's loss: its region times its own
     *     failover limit (which, left unset, follows its page size)
     * @param pageSize its region's page size: a partition new to it costs it one page besides the rows
     * @param partitionBytes region bytes of one copy of each chunk-cache partition, counted over the catalogs this
     *     node is primary for: committed chunks, and chunks being written or removed; summed over all nodes it is
     *     the cluster's
     * @param pendingBytes the part of partitionBytes in chunks being written or removed
     * @param logicalBytes the bytes applications saved in each partition's chunks (one copy), as the same catalogs
     *     count them: each committed checkpoint's chunks at their written length, shared ones once per checkpoint
     */
    record LedgerView(UUID nodeId, NodeCapacity capacity, long failoverBytes, int pageSize, long[] partitionBytes,
                      long[] pendingBytes, long[] logicalBytes) {
    }

    /**
     * The peers of node {@code ignite}, reached with compute calls.
     *
     * @param local this node's own ledger, called directly; null on a client node
     */
    static Peers of(Ignite ignite, LedgerHost local, Duration timeout) {
        return new IgnitePeers(ignite, local, timeout);
    }

    /** The classes of the peers' calls that cross the wire, registered with Ignite ahead of their first use. */
    static List<Class<?>> wireTypes() {
        return IgnitePeers.wireTypes();
    }

    /** The id of the node this writer runs on. */
    UUID localId();

    /**
     * A node's consistent id, as every message names nodes; for a server no longer in the cluster, the name it had
     * when this node last saw it, followed by "(left the cluster)", or its id when this node never saw it.
     */
    String name(UUID node);

    /** What the local server node can still grant, or 0 on a client. */
    long localFree();

    /** The ids of the Spillway server nodes now. */
    Set<UUID> serverIds();

    /** Whether any of {@code nodes} has left the cluster. */
    boolean anyLeft(Set<UUID> nodes);

    /**
     * Every Spillway server node's ledger, in no particular order, read when every catalog was counted by one of
     * them: a read during a topology change that finds a catalog partition nobody counted is made again, for at
     * most the operation timeout.
     */
    List<LedgerView> ledgers();

    /** Asks each node for the bytes given; a node that cannot answer grants nothing. */
    Map<UUID, Grant> grant(UUID writer, Map<UUID, Long> asks);

    /** Renews the leases on every node; false when any of them has lapsed or its node is gone. */
    boolean renew(Map<UUID, long[]> leases);

    /**
     * Releases the leases; a node that is gone has dropped them already. With {@code wait} false the peers'
     * releases are sent but not waited for (after a commit nothing depends on them: until they land, the peers
     * count the bytes twice, which only errs on the safe side).
     */
    void release(Map<UUID, long[]> leases, boolean wait);
}
