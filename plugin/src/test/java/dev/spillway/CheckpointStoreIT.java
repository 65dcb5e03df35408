package dev.spillway;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.wire.Layout;
import dev.spillway.wire.ChunkKey;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cluster.ClusterNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The core guarantees on three real server nodes, backups 0, small regions. */
class CheckpointStoreIT {
    // The facade's behaviour on every path (bad input, abort, integrity, retention, ...) is the contract in
    // app-adapter (CheckpointStoreContract); this class checks what it takes a node's view to see.
    private static final int CHUNK = 256 << 10;
    static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(48L << 20)
        .setHighWaterMark(0.8)
        .setChunkSize(CHUNK)
        .setBackups(0)
        .setRetention(2)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30))
        .setMaintenanceInterval(Duration.ofMillis(200));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.CHECKPOINT_STORE_IT, CONFIG);

    private static final Set<String> apps = ConcurrentHashMap.newKeySet();

    private static CheckpointStore store(int node) {
        return Spillway.store(cluster.node(node));
    }

    private static String app(String name) {
        apps.add(name);
        return name;
    }

    /** Deletes what a test saved, so every test starts on empty regions. */
    @AfterEach
    void deleteEverything() {
        for (String app : apps) {
            for (CheckpointInfo info : store(0).list(app))
                store(0).delete(app, info.checkpointId());
        }
        apps.clear();
        try {
            awaitCondition("no lease outstanding", Duration.ofSeconds(10),
                () -> store(0).capacity().stream().allMatch(c -> c.leases() == 0));
        }
        catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ": " + store(0).capacity(), e);
        }
        assertThat(cluster.failures()).isEmpty();
    }

    @Test
    @DisplayName("arrays handed over are never taken for the writer's own buffers, however many chunks follow")
    void handedOverArraysAreNotReused() {
        // The writer reuses its buffers after 32 MB of chunks; 130 chunks of 256 KB pass that.
        String app = app("hand-over-many");
        byte[] first = TestData.random(CHUNK, 51);
        byte[] second = TestData.random(CHUNK, 52);
        byte[] rest = TestData.random(130 * CHUNK, 53);
        try (CheckpointWriter writer = store(0).begin(app, 132L * CHUNK)) {
            writer.handOver(first);
            writer.handOver(second);
            writer.write(rest);
            writer.commit();
        }
        assertThat(Arrays.equals(first, TestData.random(CHUNK, 51))).as("first array unchanged").isTrue();
        assertThat(Arrays.equals(second, TestData.random(CHUNK, 52))).as("second array unchanged").isTrue();
        byte[] restored = store(1).restoreLatest(app);
        assertThat(Arrays.equals(restored, 0, CHUNK, first, 0, CHUNK)).as("first chunk restored").isTrue();
        assertThat(Arrays.equals(restored, CHUNK, 2 * CHUNK, second, 0, CHUNK)).as("second chunk restored").isTrue();
        assertThat(Arrays.equals(restored, 2 * CHUNK, restored.length, rest, 0, rest.length)).as("the rest restored")
            .isTrue();
    }

    @Test
    @DisplayName("every class Spillway puts on the wire is registered when a node starts, not by the first save")
    void wireTypesRegisteredAhead() {
        // A type first written by a save is registered with every node through discovery then, 10-20 ms each.
        List<String> expected = CheckpointEngine.wireTypes().stream().map(Class::getName).toList();
        awaitCondition("every wire type registered", Duration.ofSeconds(10), () -> expected.stream()
            .allMatch(name -> cluster.node(2).binary().type(name) != null));
        String app = app("wire-types");
        store(1).save(app, TestData.random(3 * CHUNK + 5, 41));
        assertThat(store(2).restoreLatest(app)).hasSize(3 * CHUNK + 5);
        store(0).capacity();
        store(1).delete(app, store(1).latest(app).orElseThrow().checkpointId());
        List<String> seen = cluster.node(0).binary().types().stream().map(t -> t.typeName())
            .filter(n -> n.startsWith("dev.spillway.")).toList();
        assertThat(expected).containsAll(seen);
    }

    private static ClusterNode primaryOf(ChunkKey key) {
        return cluster.node(0).affinity(Layout.CHUNK_CACHE).mapKeyToNode(key);
    }

    private static long free(int node) {
        String name = cluster.name(node);
        return store(0).capacity().stream().filter(c -> c.node().equals(name)).findFirst().orElseThrow().free();
    }

    @Test
    @DisplayName("Locality: a state that fits the origin's budget has every chunk primary on the origin")
    void locality() {
        String app = app("locality");
        byte[] state = TestData.random(8 << 20, 1);
        CheckpointInfo info = store(0).save(app, state);

        List<ChunkKey> keys = TestData.chunkKeys(cluster.node(1), app, info.checkpointId());
        assertThat(keys).hasSize(32);
        Ignite a = cluster.node(0);
        IgniteCache<ChunkKey, byte[]> local = a.cache(Layout.CHUNK_CACHE);
        for (ChunkKey key : keys) {
            assertThat(primaryOf(key).id()).as("primary of %s", key).isEqualTo(a.cluster().localNode().id());
            assertThat(local.localPeek(key, CachePeekMode.PRIMARY)).as("local peek of %s", key).isNotNull();
        }
        assertThat(store(0).restoreLatest(app)).isEqualTo(state);
        assertThat(store(2).restore(app, info.checkpointId())).isEqualTo(state);
        PlacementReport report = store(1).placement(app, info.checkpointId());
        assertThat(report.localChunks()).isEqualTo(32);
        assertThat(report.spilledChunks()).isZero();
        // Without backups a loss copies nothing: no failover forecast, the N-1 headroom is the free space.
        assertThat(store(0).worstLoss()).isEmpty();
        assertThat(store(0).capacity()).allSatisfy(c -> assertThat(c.safeHeadroom()).isEqualTo(c.free()));
    }

    @Test
    @DisplayName("Spill: past the origin's budget the rest lands on the peers; restore is byte-equal from A and B")
    void spill() {
        String app = app("spill");
        long freeA = free(0);
        byte[] state = TestData.random(64 << 20, 2);
        assertThat((long)state.length).isGreaterThan(freeA);

        CheckpointInfo info = store(0).save(app, state);

        List<ChunkKey> keys = TestData.chunkKeys(cluster.node(2), app, info.checkpointId());
        assertThat(keys).hasSize(256);
        Map<String, Long> perNode = new java.util.HashMap<>();
        for (ChunkKey key : keys)
            perNode.merge(String.valueOf(primaryOf(key).consistentId()), 1L, Long::sum);
        assertThat(perNode.keySet()).containsExactlyInAnyOrder(cluster.name(0), cluster.name(1), cluster.name(2));
        // Locality first: the origin took all it had room for before anything spilled.
        long localBytes = perNode.get(cluster.name(0)) * CHUNK;
        assertThat(localBytes).isGreaterThan(freeA * 9 / 10);
        assertThat(store(0).capacity()).allSatisfy(c -> assertThat(c.used()).isLessThanOrEqualTo(c.budget()));

        assertThat(store(0).restoreLatest(app)).isEqualTo(state);
        assertThat(store(1).restoreLatest(app)).isEqualTo(state);
        PlacementReport report = store(1).placement(app, info.checkpointId());
        assertThat(report.spilledChunks()).isEqualTo(256 - perNode.get(cluster.name(0)).intValue());
        assertThat(cluster.running()).containsExactly(0, 1, 2);
    }

    @Test
    @DisplayName("Exhaustion: a state larger than the cluster's free budget is refused with its numbers")
    void exhaustion() {
        String app = app("exhaustion");
        byte[] previous = TestData.random(4 << 20, 3);
        store(1).save(app, previous);
        long clusterFree = store(0).capacity().stream().mapToLong(NodeCapacity::free).sum();

        byte[] huge = TestData.random((int)clusterFree + (16 << 20), 4);
        assertThatThrownBy(() -> store(1).save(app, huge))
            .isInstanceOfSatisfying(CapacityExhaustedException.class, e -> {
                assertThat(e.neededBytes()).isGreaterThan(e.availableBytes());
                assertThat(e.availableBytes()).isPositive().isLessThanOrEqualTo(clusterFree);
                assertThat(e.getMessage()).contains("Capacity exhausted", "exhaustion/",
                    Long.toString(e.neededBytes()), Long.toString(e.availableBytes()));
            });
        assertThat(store(2).restoreLatest(app)).isEqualTo(previous);
        assertThat(store(0).list(app)).hasSize(1);
        assertThat(cluster.running()).containsExactly(0, 1, 2);
        assertThat(TestData.chunkKeys(cluster.node(0), app, -1)).hasSize(16);

        assertThatThrownBy(() -> store(0).begin(app, Long.MAX_VALUE))
            .isInstanceOf(CapacityExhaustedException.class);
    }

    @Test
    @DisplayName("Leases lapse: an abandoned writer's leases and claim are gone once the lease timeout passes")
    void abandonedWriterLapses() {
        String app = app("abandoned");
        byte[] previous = TestData.random(1 << 20, 5);
        store(0).save(app, previous);
        CheckpointWriter abandoned = store(0).begin(app, 20 << 20);
        abandoned.write(TestData.random(8 << 20, 6));
        awaitCondition("some chunks stored", Duration.ofSeconds(10),
            () -> !TestData.chunkKeys(cluster.node(0), app, abandoned.checkpointId()).isEmpty());
        assertThat(store(0).capacity().stream().mapToInt(NodeCapacity::leases).sum()).isPositive();

        // The catalog's primary judges the claim from when it first saw it: time passes at each look until then.
        cluster.clock().advance(CONFIG.getLeaseTimeout().plusSeconds(1));
        awaitCondition("leases lapsed and chunks reclaimed", Duration.ofSeconds(15), () -> {
            cluster.clock().advance(Duration.ofSeconds(1));
            return store(0).capacity().stream().allMatch(c -> c.leases() == 0 && c.reserved() == 0)
                && TestData.chunkKeys(cluster.node(0), app, abandoned.checkpointId()).isEmpty();
        });
        assertThatThrownBy(abandoned::commit).isInstanceOf(SpillwayException.class)
            .hasMessageContaining("lost its reservation");
        assertThat(store(0).restoreLatest(app)).isEqualTo(previous);
    }

    @Test
    @DisplayName("Without backups, a node that leaves with chunks of an unfinished checkpoint makes its commit fail")
    void nodeLeavesWithUncommittedChunks() {
        String app = app("lost-chunks");
        byte[] previous = TestData.random(1 << 20, 14);
        CheckpointInfo kept = store(0).save(app, previous);
        // The spilled chunks go to whichever peer has more room: stop that one.
        int[] victim = {-1};
        try (CheckpointWriter writer = store(0).begin(app)) {
            writer.write(TestData.random((int)free(0) + (8 << 20), 15));
            awaitCondition("chunks spilled to a peer", Duration.ofSeconds(10), () -> {
                for (ChunkKey k : TestData.chunkKeys(cluster.node(0), app, writer.checkpointId())) {
                    Object owner = primaryOf(k).consistentId();
                    for (int peer : new int[] {1, 2}) {
                        if (owner.equals(cluster.name(peer)))
                            victim[0] = peer;
                    }
                }
                return victim[0] > 0;
            });
            cluster.stop(victim[0]);
            assertThatThrownBy(writer::commit).isInstanceOf(SpillwayException.class)
                .hasMessageContaining("lost chunks with server(s) [" + cluster.name(victim[0])
                    + " (left the cluster)] that left");
        }
        finally {
            if (victim[0] > 0 && !cluster.isRunning(victim[0]))
                cluster.start(victim[0]);
            cluster.awaitAffinitySettled();
        }
        int survivor = victim[0] == 1 ? 2 : 1;
        assertThat(store(survivor).latest(app).orElseThrow().checkpointId()).isEqualTo(kept.checkpointId());
        assertThat(store(victim[0]).restoreLatest(app)).isEqualTo(previous);
    }

    @Test
    @DisplayName("Retention: with K = 2 the third commit removes the first and the region's used size falls")
    void retention() {
        String app = app("retention");
        CheckpointInfo first = store(0).save(app, TestData.random(12 << 20, 10));
        CheckpointInfo second = store(0).save(app, TestData.random(12 << 20, 11));
        long usedBefore = store(0).capacity().stream().mapToLong(NodeCapacity::used).sum();

        byte[] third = TestData.random(1 << 20, 12);
        CheckpointInfo info = store(0).save(app, third);

        assertThat(store(1).list(app)).extracting(CheckpointInfo::checkpointId)
            .containsExactly(second.checkpointId(), info.checkpointId());
        // The evicted checkpoint is invisible at once; its chunks go on the maintenance thread right after.
        awaitCondition("the first checkpoint's chunks removed and its space freed", Duration.ofSeconds(10),
            () -> TestData.chunkKeys(cluster.node(0), app, first.checkpointId()).isEmpty()
                && store(0).capacity().stream().mapToLong(NodeCapacity::used).sum() < usedBefore - (8 << 20));
        assertThatThrownBy(() -> store(0).restore(app, first.checkpointId()))
            .isInstanceOf(CheckpointNotFoundException.class);
        assertThat(store(2).restoreLatest(app)).isEqualTo(third);
    }

    @Test
    @DisplayName("Concurrency: 8 applications x 10 checkpoints from three nodes; ids increase per application")
    void concurrency() throws Exception {
        int applications = 8;
        int checkpoints = 10;
        ExecutorService pool = Executors.newFixedThreadPool(applications);
        Map<String, byte[]> last = new ConcurrentHashMap<>();
        List<Future<List<Long>>> ids = new ArrayList<>();
        try {
            for (int a = 0; a < applications; a++) {
                String app = app("concurrent-" + a);
                int node = a % 3;
                int seed = a;
                ids.add(pool.submit(() -> {
                    List<Long> mine = new ArrayList<>();
                    for (int c = 0; c < checkpoints; c++) {
                        byte[] state = TestData.random((256 << 10) + 4096 * (seed * 10 + c), seed * 100L + c);
                        mine.add(store(node).save(app, state).checkpointId());
                        last.put(app, state);
                    }
                    return mine;
                }));
            }
            for (Future<List<Long>> f : ids)
                assertThat(f.get(5, TimeUnit.MINUTES)).isSorted().doesNotHaveDuplicates().hasSize(checkpoints);
        }
        finally {
            pool.shutdownNow();
        }
        for (int a = 0; a < applications; a++) {
            String app = "concurrent-" + a;
            assertThat(store((a + 1) % 3).restoreLatest(app)).as(app).isEqualTo(last.get(app));
            assertThat(store(0).list(app)).hasSize(2);
        }
    }
}
