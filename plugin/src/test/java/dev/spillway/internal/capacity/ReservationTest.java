package dev.spillway.internal.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.internal.metrics.SpillwayMeters;
import dev.spillway.CapacityExhaustedException;
import dev.spillway.test.Rendezvous;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Placement rounds of one writer against a cluster of three fake servers (n0, where the writer runs and its
 * origin, n1 and n2) over real ledgers and the stock rendezvous assignment of 12 partitions. Chunk copies take
 * 100 bytes, so budgets read as chunk counts.
 */
class ReservationTest {
    private static final long COPY = 100;
    private static final int PARTITIONS = 12;
    private static final String[] NAMES = {"n0", "n1", "n2"};
    private static final UUID A = Rendezvous.id("n0");
    private static final UUID B = Rendezvous.id("n1");
    private static final UUID C = Rendezvous.id("n2");
    private static final FixedOwners NO_BACKUPS = FixedOwners.rendezvous(PARTITIONS, 0, NAMES);
    private static final FixedOwners ONE_BACKUP = FixedOwners.rendezvous(PARTITIONS, 1, NAMES);
    private static final UUID WRITER = UUID.randomUUID();

    @Test
    @DisplayName("Local first: while the origin's ledger has room, every chunk goes to the origin's primary "
        + "partitions, only the origin is asked, and no ledger is read")
    void localFirst() {
        FakePeers peers = cluster(1000, 5000, 5000);
        int[] parts = reservation(peers, NO_BACKUPS, false).place(4, true);
        assertThat(primaries(NO_BACKUPS, parts)).containsExactly(A, A, A, A);
        assertThat(peers.asked()).containsExactly(Map.of(A, 400L));
        assertThat(peers.ledgerReads()).isZero();
        assertThat(reserved(peers)).isEqualTo(Map.of(A, 400L, B, 0L, C, 0L));
    }

    @Test
    @DisplayName("Past the origin, chunks go to the peer with the most room first, and each node is asked for "
        + "exactly its share")
    void peersByRoom() {
        FakePeers peers = cluster(200, 1000, 450);
        int[] parts = reservation(peers, NO_BACKUPS, false).place(10, true);
        // n0 takes 2; then n1 (1000) until it has less left than n2 (450): 6 chunks, then n2 1, then n1 1.
        assertThat(primaries(NO_BACKUPS, parts).subList(0, 3)).containsExactly(A, A, B);
        assertThat(chunksByPrimary(NO_BACKUPS, parts)).isEqualTo(Map.of(A, 2L, B, 7L, C, 1L));
        assertThat(peers.asked()).containsExactly(Map.of(A, 200L), Map.of(B, 700L, C, 100L));
        assertThat(reserved(peers)).isEqualTo(Map.of(A, 200L, B, 700L, C, 100L));
    }

    @Test
    @DisplayName("A peer that grants less than its share (a competing writer took the rest) keeps what it "
        + "granted; the next round places the rest elsewhere")
    void grantSmallerThanAsked() {
        FakePeers peers = cluster(0, 1000, 550);
        peers.competingWriterTakes(B, 700);
        int[] parts = reservation(peers, NO_BACKUPS, false).place(5, true);
        assertThat(chunksByPrimary(NO_BACKUPS, parts)).isEqualTo(Map.of(B, 3L, C, 2L));
        assertThat(peers.asked()).containsExactly(Map.of(B, 500L), Map.of(C, 200L));
        assertThat(reserved(peers)).isEqualTo(Map.of(A, 0L, B, 700L + 300L, C, 200L));
    }

    @Test
    @DisplayName("A peer that grants nothing of its share (a competing writer took all of it): the next round "
        + "places the chunks elsewhere")
    void grantOfNothing() {
        FakePeers peers = cluster(0, 1000, 550);
        peers.competingWriterTakes(B, 1000);
        int[] parts = reservation(peers, NO_BACKUPS, false).place(3, true);
        assertThat(chunksByPrimary(NO_BACKUPS, parts)).isEqualTo(Map.of(C, 3L));
        assertThat(reserved(peers)).isEqualTo(Map.of(A, 0L, B, 1000L, C, 300L));
    }

    @Test
    @DisplayName("When the cluster cannot take every chunk, place(n, true) refuses them, naming the bytes still "
        + "needed and the bytes the cluster could grant")
    void allOrNothingRefusal() {
        FakePeers peers = cluster(0, 250, 150);
        // n1 and n2 take 3 chunks between them, with 50 bytes left on each: 7 chunks (700 bytes) find no room.
        assertThatThrownBy(() -> reservation(peers, NO_BACKUPS, false).place(10, true))
            .isInstanceOfSatisfying(CapacityExhaustedException.class, e -> {
                assertThat(e.neededBytes()).isEqualTo(700);
                assertThat(e.availableBytes()).isEqualTo(100);
            })
            .hasMessageContaining("checkpoint app/1 needs 700 B (700 bytes) of region space for 7 more chunk(s) "
                + "in 1 copy, but the cluster can grant 100 B (100 bytes) [n0=0 B, n1=50 B, n2=50 B]");
    }

    @Test
    @DisplayName("place(n, false) places the chunks that fit, and leases exactly their bytes")
    void placeWhatFits() {
        FakePeers peers = cluster(0, 250, 150);
        int[] parts = reservation(peers, NO_BACKUPS, false).place(10, false);
        assertThat(chunksByPrimary(NO_BACKUPS, parts)).isEqualTo(Map.of(B, 2L, C, 1L));
        assertThat(reserved(peers)).isEqualTo(Map.of(A, 0L, B, 200L, C, 100L));
    }

    @Test
    @DisplayName("With one backup, every chunk's primary and backup owner hold leases covering their copies")
    void backupsAreLeased() {
        FakePeers peers = cluster(1000, 1000, 1000);
        int[] parts = reservation(peers, ONE_BACKUP, false).place(6, true);
        assertThat(primaries(ONE_BACKUP, parts)).containsOnly(A);
        Map<UUID, Long> copies = Arrays.stream(parts).boxed().flatMap(p -> Arrays.stream(ONE_BACKUP.owners(p)))
            .collect(Collectors.groupingBy(Function.identity(), Collectors.summingLong(n -> COPY)));
        assertThat(copies.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(12 * COPY);
        copies.forEach((node, bytes) -> assertThat(peers.ledger(node).snapshot().reserved())
            .as("bytes leased on %s", node).isGreaterThanOrEqualTo(bytes));
    }

    @Test
    @DisplayName("With N-1 safety, a chunk is refused when the loss of a node would leave a survivor no room "
        + "for it, although the ledgers have room; without, the same chunk is placed")
    void failoverModelBinds() {
        // Every partition holds 75 bytes; after losing any of three nodes each survivor holds all 12 partitions
        // (1 backup): 900 bytes against a limit of 970, 70 bytes of headroom for a 100-byte copy.
        FakePeers peers = storedInEveryPartition(75);
        assertThat(peers.ledgers()).allSatisfy(v -> assertThat(v.capacity().free()).isGreaterThanOrEqualTo(COPY));
        assertThatThrownBy(() -> reservation(peers, ONE_BACKUP, true).place(1, true))
            .isInstanceOf(CapacityExhaustedException.class)
            .hasMessageContaining("N-1 safety: losing node n")
            .hasMessageContaining("70 B of room, 30 bytes short of one more chunk copy (100 bytes)");
        assertThat(peers.asked()).isEmpty();
        assertThat(reservation(peers, ONE_BACKUP, false).place(1, true)).hasSize(1);
    }

    @Test
    @DisplayName("With N-1 safety, only as many chunks are placed as every node loss leaves room for, counting "
        + "the chunks placed in earlier rounds")
    void failoverModelCountsPlacedChunks() {
        // 65 bytes a partition: 780 bytes on each survivor of a loss, 190 of headroom: one more copy fits, not two.
        FakePeers peers = storedInEveryPartition(65);
        assertThat(reservation(peers, ONE_BACKUP, true).place(3, false)).hasSize(1);
        assertThatThrownBy(() -> reservation(peers, ONE_BACKUP, true).place(3, true))
            .hasMessageContaining("for 2 more chunk(s)")
            .hasMessageContaining("N-1 safety");
    }

    @Test
    @DisplayName("With N-1 safety, each survivor is held to the failover limit its own ledger states (its pages' "
        + "limit), not the writer's")
    void eachSurvivorHeldToItsOwnLimit() {
        // As above, 900 bytes on each survivor of a loss. Limits of 1000 leave room for a 100-byte copy...
        FakePeers roomy = storedInEveryPartition(75, 1000, 1000, 1000);
        assertThat(reservation(roomy, ONE_BACKUP, true).place(1, true)).hasSize(1);
        // ...but not where one node's limit is 950: it would be left 50 bytes.
        FakePeers oneTight = storedInEveryPartition(75, 1000, 1000, 950);
        assertThatThrownBy(() -> reservation(oneTight, ONE_BACKUP, true).place(1, true))
            .isInstanceOf(CapacityExhaustedException.class)
            .hasMessageContaining("would leave survivor n2 50 B of room");
    }

    @Test
    @DisplayName("Renew extends the leases on every node they were taken on; release gives their space back")
    void renewAndRelease() {
        FakePeers peers = cluster(200, 1000, 450);
        Reservation r = leasedOnEveryNode(peers);
        peers.clock().advance(Duration.ofSeconds(20));
        assertThat(r.renew()).isTrue();
        peers.clock().advance(Duration.ofSeconds(20));
        assertThat(reserved(peers)).isEqualTo(Map.of(A, 200L, B, 700L, C, 100L));
        r.release();
        assertThat(reserved(peers)).isEqualTo(Map.of(A, 0L, B, 0L, C, 0L));
        assertThat(peers.ledger(B).free()).isEqualTo(1000);
        r.release();
        assertThat(r.renew()).isTrue();
    }

    @Test
    @DisplayName("A lease that lapsed (the clock past the lease timeout) makes renew false")
    void lapsedLease() {
        FakePeers peers = cluster(200, 1000, 450);
        Reservation r = leasedOnEveryNode(peers);
        peers.clock().advance(FakePeers.LEASE_TIMEOUT.plusMillis(1));
        assertThat(r.renew()).isFalse();
    }

    @Test
    @DisplayName("A lease on a node that stopped answering makes renew false")
    void leaseOnAStoppedNode() {
        FakePeers peers = cluster(200, 1000, 450);
        Reservation r = leasedOnEveryNode(peers);
        peers.stop(C);
        assertThat(r.renew()).isFalse();
    }

    @Test
    @DisplayName("A server still receiving partitions (a rebalance under way) counts their bytes: no lease takes the "
        + "room they are about to fill")
    void arrivingBytesCount() {
        // Every partition holds 50 bytes, stored on its primary; its backup copy is still on its way (a survivor
        // receiving a lost node's partitions shows only part of them in its region).
        FakePeers peers = new FakePeers("n0", PARTITIONS);
        for (String name : NAMES)
            peers.server(name, 1000, 800);
        Map<UUID, Long> settled = new java.util.HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            peers.stored(p, 50, ONE_BACKUP.owners(p)[0]);
            for (UUID owner : ONE_BACKUP.owners(p))
                settled.merge(owner, 50L, Long::sum);
        }
        reservation(peers, FixedOwners.backupsArriving(PARTITIONS, 1, NAMES), false).place(100, false);
        for (UUID node : List.of(A, B, C))
            assertThat(reserved(peers).get(node) + settled.get(node)).as("leased and settled bytes on %s", node)
                .isLessThanOrEqualTo(800);
        assertThat(reserved(peers).values().stream().mapToLong(Long::longValue).sum()).isPositive();
    }

    /** n0 (where the writer runs), n1 and n2 with the budgets given, in bytes. */
    private static FakePeers cluster(long budgetA, long budgetB, long budgetC) {
        return new FakePeers("n0", PARTITIONS).server("n0", budgetA).server("n1", budgetB).server("n2", budgetC);
    }

    /**
     * Regions of 1000 bytes with a budget of 800 and a failover limit of 970, the owners of every partition holding
     * {@code bytes} of it.
     */
    private static FakePeers storedInEveryPartition(long bytes) {
        return storedInEveryPartition(bytes, 970, 970, 970);
    }

    /** As {@link #storedInEveryPartition(long)}, with the failover limits of n0, n1 and n2 given, in bytes. */
    private static FakePeers storedInEveryPartition(long bytes, long... failoverBytes) {
        FakePeers peers = new FakePeers("n0", PARTITIONS);
        for (int i = 0; i < NAMES.length; i++)
            peers.server(NAMES[i], 1000, 800, failoverBytes[i]);
        for (int p = 0; p < PARTITIONS; p++)
            peers.stored(p, bytes, ONE_BACKUP.owners(p));
        return peers;
    }

    /** A reservation holding leases of 200 bytes on n0, 700 on n1 and 100 on n2 (as placed by peersByRoom). */
    private static Reservation leasedOnEveryNode(FakePeers peers) {
        Reservation r = reservation(peers, NO_BACKUPS, false);
        r.place(10, true);
        return r;
    }

    private static Reservation reservation(FakePeers peers, FixedOwners owners, boolean n1Safe) {
        Reservation reservation = new Reservation(peers, owners, n1Safe, WRITER, A, COPY, "app", SpillwayMeters.NONE);
        reservation.label("app/1");
        return reservation;
    }

    /** The primary node of each chunk, in order. */
    private static List<UUID> primaries(FixedOwners owners, int[] partitions) {
        return Arrays.stream(partitions).mapToObj(p -> owners.owners(p)[0]).toList();
    }

    private static Map<UUID, Long> chunksByPrimary(FixedOwners owners, int[] partitions) {
        return primaries(owners, partitions).stream()
            .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    /** Bytes leased on each node, to this writer and any other. */
    private static Map<UUID, Long> reserved(FakePeers peers) {
        return Map.of(A, peers.ledger(A).snapshot().reserved(), B, peers.ledger(B).snapshot().reserved(),
            C, peers.ledger(C).snapshot().reserved());
    }
}
