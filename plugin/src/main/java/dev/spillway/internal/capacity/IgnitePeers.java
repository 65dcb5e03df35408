package dev.spillway.internal.capacity;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.spillway.NodeCapacity;
import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCompute;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.compute.ComputeTaskTimeoutException;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.lang.IgniteFuture;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * {@link Peers} over Ignite: a call to the local node goes straight to its ledger; a call to a peer is one compute
 * job, sent to all the peers involved at once, which reaches the peer's ledger through its {@link LedgerHost}.
 */
final class IgnitePeers implements Peers {
    private final Ignite ignite;
    private final LedgerHost local;
    private final Duration timeout;
    /** The consistent ids of the servers this node has seen, by node id: names for servers that have left. */
    private final Cache<UUID, String> seen = Caffeine.newBuilder().maximumSize(SEEN_SERVERS).build();
    /** Servers whose names are kept after they leave: more than a cluster has, restarts included. */
    private static final int SEEN_SERVERS = 256;
    /** The pause before the ledgers are read again when a topology change left catalogs uncounted. */
    private static final long RECOUNT_PAUSE_NANOS = 20_000_000L;

    IgnitePeers(Ignite ignite, LedgerHost local, Duration timeout) {
        this.ignite = ignite;
        this.local = local;
        this.timeout = timeout;
    }

    /** Compute on {@code group}, each task failing once the operation timeout has passed. */
    private IgniteCompute compute(ClusterGroup group) {
        return ignite.compute(group).withTimeout(timeout.toMillis());
    }

    private IgniteCompute compute(ClusterNode node) {
        return compute(ignite.cluster().forNode(node));
    }

    static List<Class<?>> wireTypes() {
        return List.of(ReadLedger.class, LedgerState.class, GrantLease.class, Grant.class, RenewLeases.class,
            ReleaseLeases.class);
    }

    private ClusterGroup servers() {
        return servers(ignite);
    }

    /** The Spillway server nodes of {@code ignite}'s cluster now. */
    static ClusterGroup servers(Ignite ignite) {
        return ignite.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true");
    }

    @Override
    public UUID localId() {
        return ignite.cluster().localNode().id();
    }

    @Override
    public String name(UUID node) {
        ClusterNode n = ignite.cluster().node(node);
        if (n != null) {
            String name = String.valueOf(n.consistentId());
            seen.put(node, name);
            return name;
        }
        String name = seen.getIfPresent(node);
        return name == null ? node.toString() : name + " (left the cluster)";
    }

    @Override
    public long localFree() {
        return local == null ? 0 : local.ledger().free();
    }

    @Override
    public Set<UUID> serverIds() {
        Set<UUID> ids = new HashSet<>();
        for (ClusterNode n : servers().nodes())
            ids.add(n.id());
        return ids;
    }

    @Override
    public boolean anyLeft(Set<UUID> nodes) {
        for (UUID id : nodes) {
            if (ignite.cluster().node(id) == null)
                return true;
        }
        return false;
    }

    @Override
    public List<LedgerView> ledgers() {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ClusterGroup servers = servers();
            if (servers.nodes().isEmpty())
                return List.of();
            List<LedgerView> views = new ArrayList<>();
            BitSet uncounted = new BitSet();
            uncounted.set(0, Layout.CATALOG_PARTITIONS);
            for (LedgerState state : read(servers)) {
                LedgerView view = state.view();
                seen.put(view.nodeId(), view.capacity().node());
                views.add(view);
                uncounted.andNot(BitSet.valueOf(state.catalogs));
            }
            if (uncounted.isEmpty())
                return views;
            // A topology change moves catalog partitions between primaries: the new one may not count them yet.
            // Without them the bytes a loss would move look smaller than they are, so read again.
            if (System.nanoTime() > deadline) {
                throw new OperationTimeoutException("reading the server nodes' capacity ledgers (catalog partitions "
                    + uncounted + " counted by no server: a topology change was under way)", oneOf(servers), timeout,
                    null);
            }
            LockSupport.parkNanos(RECOUNT_PAUSE_NANOS);
        }
    }

    private Collection<LedgerState> read(ClusterGroup servers) {
        try {
            return compute(servers).broadcast(new ReadLedger());
        }
        catch (ComputeTaskTimeoutException e) {
            throw new OperationTimeoutException("reading the server nodes' capacity ledgers", oneOf(servers), timeout,
                e);
        }
        catch (IgniteException e) {
            throw new SpillwayException("Could not read the server nodes' capacity ledgers: " + e.getMessage(), e);
        }
    }

    private static String oneOf(ClusterGroup servers) {
        return "one of " + servers.nodes().stream().map(n -> String.valueOf(n.consistentId())).toList();
    }

    @Override
    public Map<UUID, Grant> grant(UUID writer, Map<UUID, Long> asks) {
        Map<UUID, Grant> grants = new HashMap<>();
        Map<UUID, IgniteFuture<Grant>> pending = new HashMap<>();
        for (Map.Entry<UUID, Long> ask : asks.entrySet()) {
            if (ask.getValue() <= 0)
                continue;
            if (isLocal(ask.getKey()))
                grants.put(ask.getKey(), local.ledger().grant(writer, ask.getValue()));
            else {
                ClusterNode node = ignite.cluster().node(ask.getKey());
                if (node != null)
                    pending.put(ask.getKey(), compute(node).callAsync(new GrantLease(writer, ask.getValue())));
            }
        }
        pending.forEach((node, fut) -> {
            try {
                grants.put(node, fut.get());
            }
            catch (IgniteException e) {
                // The node left, failed or did not answer in time: it grants nothing, the planner places the
                // chunks elsewhere (a grant it made late lapses with its lease).
            }
        });
        return grants;
    }

    @Override
    public boolean renew(Map<UUID, long[]> leases) {
        boolean all = true;
        Map<UUID, IgniteFuture<Boolean>> pending = new HashMap<>();
        for (Map.Entry<UUID, long[]> e : leases.entrySet()) {
            if (isLocal(e.getKey()))
                all &= local.ledger().renew(e.getValue());
            else {
                ClusterNode node = ignite.cluster().node(e.getKey());
                if (node == null)
                    return false;
                pending.put(e.getKey(), compute(node).callAsync(new RenewLeases(e.getValue())));
            }
        }
        for (Map.Entry<UUID, IgniteFuture<Boolean>> e : pending.entrySet()) {
            try {
                all &= e.getValue().get();
            }
            catch (ComputeTaskTimeoutException t) {
                throw new OperationTimeoutException("renewing leases", name(e.getKey()), timeout, t);
            }
            catch (IgniteException t) {
                all = false;
            }
        }
        return all;
    }

    @Override
    public void release(Map<UUID, long[]> leases, boolean wait) {
        List<IgniteFuture<Boolean>> pending = new ArrayList<>();
        for (Map.Entry<UUID, long[]> e : leases.entrySet()) {
            if (isLocal(e.getKey()))
                local.ledger().release(e.getValue());
            else {
                ClusterNode node = ignite.cluster().node(e.getKey());
                if (node != null)
                    pending.add(compute(node).callAsync(new ReleaseLeases(e.getValue())));
            }
        }
        if (!wait)
            return;
        for (IgniteFuture<Boolean> fut : pending) {
            try {
                fut.get();
            }
            catch (IgniteException e) {
                // The node left (its leases went with it) or did not answer in time (they lapse there).
            }
        }
    }

    private boolean isLocal(UUID node) {
        return local != null && localId().equals(node);
    }

    /** A ledger snapshot on the wire (Ignite's binary marshaller cannot write records). */
    static final class LedgerState {
        private final UUID nodeId;
        private final String node;
        private final long regionMaxSize;
        private final long budget;
        private final long failoverBytes;
        private final int pageSize;
        private final long used;
        private final long reserved;
        private final int leases;
        private final long[] partitionBytes;
        private final long[] pendingBytes;
        private final long[] logicalBytes;
        /** The catalog partitions counted, as {@link BitSet#toLongArray}. */
        private final long[] catalogs;

        LedgerState(UUID nodeId, NodeCapacity c, long failoverBytes, int pageSize, CatalogBytes bytes) {
            this.pageSize = pageSize;
            this.partitionBytes = bytes.all();
            this.pendingBytes = bytes.pending();
            this.logicalBytes = bytes.logical();
            this.catalogs = bytes.catalogs().toLongArray();
            this.nodeId = nodeId;
            this.node = c.node();
            this.regionMaxSize = c.regionMaxSize();
            this.budget = c.budget();
            this.failoverBytes = failoverBytes;
            this.used = c.used();
            this.reserved = c.reserved();
            this.leases = c.leases();
        }

        LedgerView view() {
            return new LedgerView(nodeId, new NodeCapacity(node, regionMaxSize, budget, used, reserved, leases,
                Math.max(0, budget - used - reserved)), failoverBytes, pageSize, partitionBytes, pendingBytes,
                logicalBytes);
        }
    }

    /** Reads the ledger of the node it runs on. */
    static final class ReadLedger implements IgniteCallable<LedgerState> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;

        @Override
        public LedgerState call() {
            LedgerHost host = LedgerHost.of(ignite);
            CapacityLedger ledger = host.ledger();
            return new LedgerState(ignite.cluster().localNode().id(), ledger.snapshot(), ledger.failoverBytes(),
                ledger.pageSize(), host.catalogBytes());
        }
    }

    /** Asks the node it runs on for a lease. */
    static final class GrantLease implements IgniteCallable<Grant> {
        private static final long serialVersionUID = 1L;
        private final UUID writer;
        private final long bytes;
        @IgniteInstanceResource
        private transient Ignite ignite;

        GrantLease(UUID writer, long bytes) {
            this.writer = writer;
            this.bytes = bytes;
        }

        @Override
        public Grant call() {
            return LedgerHost.of(ignite).ledger().grant(writer, bytes);
        }
    }

    static final class RenewLeases implements IgniteCallable<Boolean> {
        private static final long serialVersionUID = 1L;
        private final long[] leaseIds;
        @IgniteInstanceResource
        private transient Ignite ignite;

        RenewLeases(long[] leaseIds) {
            this.leaseIds = leaseIds;
        }

        @Override
        public Boolean call() {
            return LedgerHost.of(ignite).ledger().renew(leaseIds);
        }
    }

    static final class ReleaseLeases implements IgniteCallable<Boolean> {
        private static final long serialVersionUID = 1L;
        private final long[] leaseIds;
        @IgniteInstanceResource
        private transient Ignite ignite;

        ReleaseLeases(long[] leaseIds) {
            this.leaseIds = leaseIds;
        }

        @Override
        public Boolean call() {
            LedgerHost.of(ignite).ledger().release(leaseIds);
            return true;
        }
    }
}
