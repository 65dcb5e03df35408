package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.service.ServiceHost;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ignite.Ignite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every copy of every chunk (issue 13, item 4): a committed checkpoint has each chunk on its primary and on its
 * backup, also when nodes join or leave while it is written (Ignite warns that a streamer's receiver writing
 * primary and backup copies independently can leave them apart across a topology change). Saves run while a node
 * leaves and joins, three times; after each rebalance every owner's copy of every chunk is looked at where it is
 * stored (localPeek); then the node that holds the primaries stops and every checkpoint restores byte-equal.
 */
class ChunkCopiesIT {
    private static final int ROUNDS = 3;
    private static final int WRITERS = 3;
    private static final int STATE = 256 << 10;
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(16 << 10)
        .setBackups(1)
        .setRetention(1000)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30))
        .setMaintenanceInterval(Duration.ofMillis(200));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.CHUNK_COPIES_IT, CONFIG);

    @Test
    @DisplayName("saves while a node leaves and joins: every owner holds its copy of every chunk; restores byte-equal")
    void everyCopyOfEveryChunk() throws InterruptedException {
        CheckpointStore store = Spillway.store(cluster.node(0));
        Map<String, Map<Long, byte[]>> saved = new ConcurrentHashMap<>();
        AtomicInteger failed = new AtomicInteger();
        for (int round = 0; round < ROUNDS; round++) {
            int r = round;
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger done = new AtomicInteger();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                String app = "copies-" + w;
                Thread t = new Thread(() -> {
                    for (long s = r * 100_000L; writing.get(); s++) {
                        byte[] state = TestData.random(STATE, s * 7 + app.hashCode());
                        try {
                            CheckpointInfo info = store.save(app, state);
                            saved.computeIfAbsent(app, x -> new ConcurrentHashMap<>()).put(info.checkpointId(), state);
                        }
                        catch (RuntimeException e) {
                            failed.incrementAndGet();
                        }
                        done.incrementAndGet();
                    }
                }, "writer-" + w);
                t.start();
                writers.add(t);
            }
            // A leave and a join while the saves run, each with saves before and after it.
            awaitMoreSaves(done);
            cluster.stop(3);
            awaitMoreSaves(done);
            cluster.start(3);
            awaitMoreSaves(done);
            writing.set(false);
            for (Thread t : writers)
                t.join(60_000);
            cluster.awaitAffinitySettled();
            assertThat(missingCopies(saved)).as("round %d: chunk copies missing on their owners", round).isEmpty();
            // Keep the regions roomy for the next round: all but each application's latest go.
            for (String app : saved.keySet()) {
                List<CheckpointInfo> visible = store.list(app);
                for (int i = 0; i < visible.size() - 1; i++)
                    store.delete(app, visible.get(i).checkpointId());
                saved.get(app).keySet().retainAll(store.list(app).stream().map(CheckpointInfo::checkpointId).toList());
            }
        }
        System.out.printf("every copy of every chunk: %d checkpoints saved, %d saves failed%n",
            saved.values().stream().mapToInt(Map::size).sum(), failed.get());

        // The node that holds the primary copies (the writers' home) stops: the backups serve every checkpoint.
        cluster.stop(0);
        try {
            CheckpointStore elsewhere = Spillway.store(cluster.node(1));
            saved.forEach((app, states) -> states.forEach((id, state) ->
                assertThat(elsewhere.restore(app, id)).as("%s/%d", app, id).isEqualTo(state)));
        }
        finally {
            cluster.start(0);
            cluster.awaitAffinitySettled();
        }
    }

    private static void awaitMoreSaves(AtomicInteger done) {
        int before = done.get();
        SpillwayCluster.awaitCondition("saves under way", Duration.ofSeconds(60),
            () -> done.get() >= before + WRITERS * 3);
    }

    /** The copies of committed chunks that an owner of their partition does not hold, as "app/id#chunk on node". */
    private static List<String> missingCopies(Map<String, Map<Long, byte[]>> saved) {
        Ignite any = cluster.node(0);
        List<String> missing = new ArrayList<>();
        for (String app : saved.keySet()) {
            for (CheckpointInfo info : Spillway.store(any).list(app))
                missing.addAll(cluster.missingCopies(ServiceHost.of(any).engine().manifest(app, info.checkpointId())));
        }
        return missing;
    }
}
