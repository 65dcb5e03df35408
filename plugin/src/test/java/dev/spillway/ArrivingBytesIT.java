package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.capacity.LedgerHost;
import dev.spillway.internal.capacity.Owners;
import dev.spillway.internal.capacity.Peers;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bytes still arriving count (issue 13, item 3): after a loss, each survivor receives the lost node's partitions
 * through a rebalance, slowed down here (a batch of 64 KB every 100 ms), and its region shows little of them until
 * it ends. Saves that spill meanwhile must not take the room those bytes are about to fill: every region, sampled
 * throughout, stays under its failover limit, also when a second node is lost after the rebalance, and no node
 * halts.
 */
class ArrivingBytesIT {
    private static final int STATE = 4 << 20;
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(64)
        .setRetention(1000)
        .setMetadataRegionSize(16L << 20)
        .setMaintenanceInterval(Duration.ofMillis(200));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.ARRIVING_BYTES_IT, CONFIG)
        .everyNode(cfg -> cfg.setRebalanceThrottle(100).setRebalanceBatchSize(64 << 10));

    @Test
    @DisplayName("spilling saves during a slowed rebalance after a loss: every region stays under its failover limit")
    void spillingDuringRebalance() throws InterruptedException {
        // Each node saves its own checkpoints until the cluster holds about 40% of its regions (backups included:
        // 3 rounds of four 4 MB states, each stored twice, of 4 x 64 MB).
        int saved = 0;
        for (int round = 0; round < 3; round++) {
            for (int i : cluster.indexes()) {
                try {
                    Spillway.store(cluster.node(i)).save("fill-" + i + "-" + round,
                        TestData.random(STATE, round * 10 + i));
                    saved++;
                }
                catch (CapacityExhaustedException e) {
                    // Admission keeps the fill survivable; what it refuses is not needed here.
                }
            }
        }
        long limit = Spillway.store(cluster.node(0)).worstLoss().orElseThrow().limit();
        Map<Integer, Long> most = new ConcurrentHashMap<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                for (int i : cluster.running()) {
                    try {
                        long used = cluster.node(i).dataRegionMetrics(Layout.CHECKPOINT_REGION).getTotalUsedSize();
                        most.merge(i, used, Math::max);
                    }
                    catch (RuntimeException e) {
                        // The node is stopping.
                    }
                }
                Thread.onSpinWait();
            }
        }, "region-sampler");
        sampler.start();
        try {
            cluster.stop(3);
            // Two saves that spill while the survivors receive node 3's partitions (counting none of them, two were
            // admitted onto the receiving nodes, and the second loss below halted a node).
            int admitted = 0;
            int refused = 0;
            for (int s = 0; s < 2; s++) {
                try {
                    Spillway.store(cluster.node(0)).save("spill-" + s, TestData.random(STATE, 1000 + s));
                    admitted++;
                }
                catch (CapacityExhaustedException e) {
                    refused++;
                }
            }
            SpillwayCluster.awaitStableUsage(Spillway.store(cluster.node(0)));
            // What admission let in must survive one more loss: the survivors' regions stay under their limits.
            cluster.stop(2);
            SpillwayCluster.awaitStableUsage(Spillway.store(cluster.node(0)));
            System.out.printf("after %d fill saves, during the rebalance: %d saves admitted, %d refused; most used "
                + "per node %s of a %d-byte limit%n", saved, admitted, refused, most, limit);
        }
        finally {
            sampling.set(false);
            sampler.join();
            cluster.start(2);
            cluster.start(3);
            cluster.awaitAffinitySettled();
        }
        assertThat(cluster.failures()).as("nodes that failed").isEmpty();
        most.forEach((node, used) -> assertThat(used).as("most used on node %d", node).isLessThanOrEqualTo(limit));
    }

    /**
     * Admission predicts a loss from the bytes the catalogs name, each catalog counted by its primary. Between a
     * node's loss and the end of the exchange that follows, the catalogs that node was primary for have a new
     * primary that does not count them yet: a read then found a third of the bytes missing, and saves admitted
     * on it overfilled the survivors (the chaos run's halt, issue 14). Every read must count every catalog.
     */
    @Test
    @DisplayName("while a node leaves and joins again, every read of the ledgers counts every catalog's bytes")
    void ledgersCountEveryCatalogThroughATopologyChange() throws InterruptedException {
        saveEight("counted-", 500);
        Peers peers = Peers.of(cluster.node(0), LedgerHost.of(cluster.node(0)), Duration.ofSeconds(30));
        long total = catalogBytes(peers.ledgers());
        AtomicLong least = new AtomicLong(Long.MAX_VALUE);
        AtomicLong reads = new AtomicLong();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (reading.get()) {
                try {
                    least.accumulateAndGet(catalogBytes(peers.ledgers()), Math::min);
                    reads.incrementAndGet();
                }
                catch (RuntimeException e) {
                    // A read the topology change refused: admission refuses then too, which is safe.
                }
            }
        }, "ledger-reader");
        reader.start();
        try {
            cluster.stop(3);
            cluster.awaitAffinitySettled();
            cluster.start(3);
            cluster.awaitAffinitySettled();
        }
        finally {
            reading.set(false);
            reader.join();
        }
        System.out.printf("%d reads of the ledgers while node 3 left and joined again: least catalog bytes %d of "
            + "%d%n", reads.get(), least.get(), total);
        // The other tests fill the regions from empty.
        deleteEight("counted-");
        assertThat(reads.get()).isPositive();
        assertThat(least.get()).as("catalog bytes in the leanest read").isGreaterThanOrEqualTo(total);
        assertThat(cluster.failures()).as("nodes that failed").isEmpty();
    }

    /**
     * After a loss Ignite maps each partition at once to the owners it will end with, new backups included while
     * their copies are still MOVING (only a new primary waits for its copy): the bytes a survivor is receiving are
     * told by the partitions' states, not by the assignment. Read from the assignment, they were 0 throughout the
     * rebalance, and saves admitted meanwhile overfilled a survivor (KillAtAdmissionLimitIT, a full build).
     */
    @Test
    @DisplayName("after a loss, the bytes each survivor is still receiving count until its copies are OWNING")
    void arrivingBytesFollowThePartitionStates() throws InterruptedException {
        saveEight("arriving-", 700);
        Peers peers = Peers.of(cluster.node(0), LedgerHost.of(cluster.node(0)), Duration.ofSeconds(30));
        Owners owners = Owners.of(cluster.node(0), CONFIG);
        long lost = 0;
        try {
            long before = owners.version();
            cluster.stop(3);
            // The rebalance is throttled to 64 KB per 100 ms: the lost copies take seconds to arrive.
            SpillwayCluster.awaitCondition("the exchange after the loss", Duration.ofSeconds(30),
                () -> owners.version() != before);
            lost = owners.arrivingBytes(peers.ledgers()).values().stream().mapToLong(Long::longValue).sum();
            assertThat(owners.moving()).as("a rebalance under way").isTrue();
        }
        finally {
            cluster.start(3);
            cluster.awaitAffinitySettled();
            deleteEight("arriving-");
        }
        // Node 3 held about a quarter of the 8 MB's 16 MB of copies: the survivors receive them again.
        assertThat(lost).as("bytes arriving on the survivors right after the loss").isGreaterThan(1L << 20);
    }

    /** Saves 1 MB checkpoints of applications {@code prefix}0 to 7, from the four nodes in turn. */
    private static void saveEight(String prefix, long seed) {
        for (int a = 0; a < 8; a++)
            Spillway.store(cluster.node(a % 4)).save(prefix + a, TestData.random(1 << 20, seed + a));
        SpillwayCluster.awaitStableUsage(Spillway.store(cluster.node(0)));
    }

    /** Deletes what {@link #saveEight} saved under {@code prefix}. */
    private static void deleteEight(String prefix) {
        CheckpointStore store = Spillway.store(cluster.node(0));
        for (int a = 0; a < 8; a++)
            store.list(prefix + a).forEach(c -> store.delete(c.application(), c.checkpointId()));
        SpillwayCluster.awaitStableUsage(store);
    }

    /** One copy of every chunk the catalogs name, summed over every partition. */
    private static long catalogBytes(List<Peers.LedgerView> views) {
        long sum = 0;
        for (Peers.LedgerView v : views) {
            for (long b : v.partitionBytes())
                sum += b;
        }
        return sum;
    }
}
