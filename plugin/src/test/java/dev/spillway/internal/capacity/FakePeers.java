package dev.spillway.internal.capacity;

import dev.spillway.internal.metrics.SpillwayMeters;
import dev.spillway.test.MutableClock;
import dev.spillway.test.Rendezvous;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@link Peers} over real {@link CapacityLedger}s, one per server node, on a clock the test moves: the cluster a
 * {@link Reservation} talks to, without Ignite. It records every ledger read and what each node was asked for. A
 * competing writer can take a node's room just before the node grants (so it grants less than asked), and a node
 * can stop answering (it drops out of the ledger reads and grants and renews nothing).
 */
final class FakePeers implements Peers {
    static final Duration LEASE_TIMEOUT = Duration.ofSeconds(30);
    /** The fake regions' page size: 0, so the tests' byte counts stay exact (FailoverModelTest counts pages). */
    static final int PAGE_SIZE = 0;
    /** Every server's failover limit, as a fraction of its region. */
    static final double FAILOVER_LIMIT = 0.97;

    private final MutableClock clock = new MutableClock();
    private final UUID localId;
    private final int partitions;
    private final Map<UUID, Server> servers = new LinkedHashMap<>();
    private final List<Map<UUID, Long>> asked = new ArrayList<>();
    private int ledgerReads;

    private final class Server {
        final AtomicLong used = new AtomicLong();
        final long[] partitionBytes = new long[partitions];
        final long[] logicalBytes = new long[partitions];
        final CapacityLedger ledger;
        long takenBeforeGrant;
        boolean stopped;

        Server(String name, long regionMaxSize, long budget, long failoverBytes) {
            ledger = new CapacityLedger(name, regionMaxSize, budget, failoverBytes, PAGE_SIZE, used::get, clock,
                LEASE_TIMEOUT, SpillwayMeters.NONE);
        }
    }

    /**
     * @param local the consistent id of the node the writer runs on
     * @param partitions the chunk cache's partitions
     */
    FakePeers(String local, int partitions) {
        this.localId = Rendezvous.id(local);
        this.partitions = partitions;
    }

    /**
     * Adds a server whose region has {@code regionMaxSize} bytes, of which it may fill {@code budget}, and may not
     * reach {@code failoverBytes} after a loss.
     */
    FakePeers server(String name, long regionMaxSize, long budget, long failoverBytes) {
        servers.put(Rendezvous.id(name), new Server(name, regionMaxSize, budget, failoverBytes));
        return this;
    }

    /** Adds a server whose failover limit is {@link #FAILOVER_LIMIT} of its region. */
    FakePeers server(String name, long regionMaxSize, long budget) {
        return server(name, regionMaxSize, budget, (long)(regionMaxSize * FAILOVER_LIMIT));
    }

    /** Adds a server whose whole region is its budget. */
    FakePeers server(String name, long budget) {
        return server(name, budget, budget);
    }

    /** One copy of {@code bytes} stored in partition {@code p} on each of its owners (primary first). */
    void stored(int p, long bytes, UUID... owners) {
        named(p, bytes, owners[0]);
        servers.get(owners[0]).partitionBytes[p] += bytes;
        for (UUID owner : owners)
            servers.get(owner).used.addAndGet(bytes);
    }

    /** A committed checkpoint of {@code primary}'s catalogs names {@code bytes} of partition {@code p} (one copy). */
    void named(int p, long bytes, UUID primary) {
        servers.get(primary).logicalBytes[p] += bytes;
    }

    /** A delete: the catalog of {@code primary} stops counting {@code bytes} of partition {@code p}; pages stay used. */
    void forget(int p, long bytes, UUID primary) {
        servers.get(primary).partitionBytes[p] -= bytes;
    }

    /** Another writer leases {@code bytes} of the node's room just before the node's next grant. */
    void competingWriterTakes(UUID node, long bytes) {
        servers.get(node).takenBeforeGrant = bytes;
    }

    /** The node stops answering, as a node that left does. */
    void stop(UUID node) {
        servers.get(node).stopped = true;
    }

    MutableClock clock() {
        return clock;
    }

    CapacityLedger ledger(UUID node) {
        return servers.get(node).ledger;
    }

    /** The asks of every grant call, in order. */
    List<Map<UUID, Long>> asked() {
        return asked;
    }

    int ledgerReads() {
        return ledgerReads;
    }

    @Override
    public UUID localId() {
        return localId;
    }

    @Override
    public String name(UUID node) {
        Server s = servers.get(node);
        return s == null ? node.toString() : s.ledger.snapshot().node();
    }

    @Override
    public long localFree() {
        Server local = servers.get(localId);
        return local == null ? 0 : local.ledger.free();
    }

    @Override
    public Set<UUID> serverIds() {
        return Set.copyOf(running().keySet());
    }

    @Override
    public boolean anyLeft(Set<UUID> nodes) {
        return !running().keySet().containsAll(nodes);
    }

    @Override
    public List<LedgerView> ledgers() {
        ledgerReads++;
        List<LedgerView> views = new ArrayList<>();
        running().forEach((id, s) -> views.add(new LedgerView(id, s.ledger.snapshot(), s.ledger.failoverBytes(),
            s.ledger.pageSize(), s.partitionBytes.clone(), new long[partitions], s.logicalBytes.clone())));
        return views;
    }

    @Override
    public Map<UUID, Grant> grant(UUID writer, Map<UUID, Long> asks) {
        asked.add(Map.copyOf(asks));
        Map<UUID, Grant> grants = new HashMap<>();
        running().forEach((id, s) -> {
            long ask = asks.getOrDefault(id, 0L);
            if (ask <= 0)
                return;
            if (s.takenBeforeGrant > 0) {
                s.ledger.grant(UUID.randomUUID(), s.takenBeforeGrant);
                s.takenBeforeGrant = 0;
            }
            grants.put(id, s.ledger.grant(writer, ask));
        });
        return grants;
    }

    @Override
    public boolean renew(Map<UUID, long[]> leases) {
        boolean all = true;
        for (Map.Entry<UUID, long[]> e : leases.entrySet()) {
            Server s = servers.get(e.getKey());
            all &= !s.stopped && s.ledger.renew(e.getValue());
        }
        return all;
    }

    @Override
    public void release(Map<UUID, long[]> leases, boolean wait) {
        leases.forEach((id, ids) -> servers.get(id).ledger.release(ids));
    }

    private Map<UUID, Server> running() {
        Map<UUID, Server> running = new LinkedHashMap<>(servers);
        running.values().removeIf(s -> s.stopped);
        return running;
    }
}
