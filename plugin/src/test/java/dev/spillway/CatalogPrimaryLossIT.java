package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.service.ServiceHost;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ignite.cache.affinity.Affinity;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The catalog entry's primary leaves while commits are in flight, many times over (issue 13, item 1). Ignite sends
 * an ATOMIC update again to the new primary, which may already hold its result: every save that reported success
 * must restore byte-equal, and no visible checkpoint may lack a chunk. Each save changes one chunk of its writer's
 * state, so commits and deletes re-run this way name and drop chunks other checkpoints share (issue 17): in the end
 * the chunk cache holds exactly the chunks the kept checkpoints name.
 */
class CatalogPrimaryLossIT {
    private static final int ROUNDS = 8;
    private static final int WRITERS = 3;
    private static final int STATE = 40 << 10;
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
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.CATALOG_PRIMARY_LOSS_IT, CONFIG);

    @Test
    @DisplayName("the catalog's primary leaves during commits, 8 times: every saved checkpoint restores byte-equal")
    void commitsSurviveTheirCatalogPrimaryLeaving() throws InterruptedException {
        List<String> apps = appsWithCatalogPrimariesElsewhere();
        CheckpointStore store = Spillway.store(cluster.node(0));
        AtomicInteger saved = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        for (int round = 0; round < ROUNDS; round++) {
            String app = apps.get(round % WRITERS);
            int victim = primaryOf(app);
            Map<String, Map<Long, byte[]>> succeeded = new ConcurrentHashMap<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                String a = apps.get(w);
                long seed = round * 1000L + w * 100_000L;
                Thread t = new Thread(() -> {
                    byte[] state = TestData.random(STATE, seed);
                    for (long s = seed; writing.get(); s++) {
                        // One chunk changed a save: the others are the latest checkpoint's, named, not stored.
                        state = state.clone();
                        int chunk = (int)(s % 3);
                        byte[] changed = TestData.random(16 << 10, s + 7);
                        System.arraycopy(changed, 0, state, chunk << 14, Math.min(changed.length,
                            state.length - (chunk << 14)));
                        try {
                            CheckpointInfo info = store.save(a, state);
                            succeeded.computeIfAbsent(a, x -> new ConcurrentHashMap<>()).put(info.checkpointId(),
                                state);
                            saved.incrementAndGet();
                        }
                        catch (RuntimeException e) {
                            failed.incrementAndGet();
                        }
                    }
                }, "writer-" + w);
                t.start();
                writers.add(t);
            }
            // The primary leaves while saves run: some have finished before, and some finish after it has gone.
            int before = saved.get() + failed.get();
            SpillwayCluster.awaitCondition("writers under way", Duration.ofSeconds(30),
                () -> saved.get() + failed.get() >= before + WRITERS * 3);
            cluster.stop(victim);
            int stopped = saved.get() + failed.get();
            SpillwayCluster.awaitCondition("saves finished after the primary left", Duration.ofSeconds(30),
                () -> saved.get() + failed.get() >= stopped + WRITERS * 3);
            writing.set(false);
            for (Thread t : writers)
                t.join(60_000);
            cluster.start(victim);
            cluster.awaitAffinitySettled();

            for (String a : apps) {
                Map<Long, byte[]> mine = succeeded.getOrDefault(a, Map.of());
                for (Map.Entry<Long, byte[]> e : new TreeMap<>(mine).entrySet())
                    assertThat(store.restore(a, e.getKey())).as("round %d: %s/%d, reported saved", round, a,
                        e.getKey()).isEqualTo(e.getValue());
                List<CheckpointInfo> visible = store.list(a);
                for (CheckpointInfo info : visible)
                    assertThat(store.restore(a, info.checkpointId())).as("round %d: visible %s/%d", round, a,
                        info.checkpointId()).hasSize((int)info.size());
                // Keep the regions roomy for the next round: all but the latest go.
                for (int i = 0; i < visible.size() - 1; i++)
                    store.delete(a, visible.get(i).checkpointId());
            }
        }
        System.out.printf("catalog primary left %d times: %d saves committed, %d failed%n", ROUNDS, saved.get(),
            failed.get());
        assertThat(saved.get()).isGreaterThan(ROUNDS * WRITERS);
        // Shared chunks counted right through every re-run: none kept that nothing names (claims of failed saves
        // are reclaimed meanwhile), none missing.
        for (String a : apps) {
            SpillwayCluster.awaitCondition("the chunks of " + a + " exactly those its checkpoints name",
                Duration.ofSeconds(90), () -> stored(a).equals(named(a)));
        }
    }

    private static Set<ChunkKey> stored(String app) {
        return new HashSet<>(TestData.chunkKeys(cluster.node(0), app, -1));
    }

    private static Set<ChunkKey> named(String app) {
        Set<ChunkKey> keys = new HashSet<>();
        CheckpointEngine engine = ServiceHost.of(cluster.node(0)).engine();
        for (CheckpointInfo info : Spillway.store(cluster.node(0)).list(app)) {
            Manifest m = engine.manifest(app, info.checkpointId());
            for (int i = 0; i < m.chunks(); i++)
                keys.add(m.key(i));
        }
        return keys;
    }

    /** One application per writer whose catalog entry's primary is not node 0, where the writers run. */
    private static List<String> appsWithCatalogPrimariesElsewhere() {
        List<String> apps = new ArrayList<>();
        List<Integer> primaries = new ArrayList<>();
        for (int i = 0; apps.size() < WRITERS; i++) {
            String app = "catalog-loss-" + i;
            int p = primaryOf(app);
            if (p != 0 && (!primaries.contains(p) || i > 200)) {
                apps.add(app);
                primaries.add(p);
            }
        }
        return apps;
    }

    private static int primaryOf(String app) {
        Affinity<String> affinity = cluster.node(0).affinity(Layout.CATALOG_CACHE);
        String name = String.valueOf(affinity.mapKeyToNode(app).consistentId());
        return cluster.indexes().stream().filter(i -> cluster.name(i).equals(name)).findFirst().orElseThrow();
    }
}
