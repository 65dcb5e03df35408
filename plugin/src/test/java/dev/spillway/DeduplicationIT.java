package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.service.ServiceHost;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkingWriter;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import javax.cache.Cache;
import org.apache.ignite.cache.CachePeekMode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Checkpoints that cost what changed (issue 17): a save stores only chunks whose content is not stored for the
 * application yet, retention and delete remove a stored chunk only once no kept checkpoint names it, the
 * application's hint skips unchanged bytes, and a node's death or a writer's loses nothing a checkpoint names and
 * leaves nothing behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeduplicationIT {
    private static final int CHUNK = 64 << 10;
    private static final int CHUNKS = 32;
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(48L << 20)
        .setChunkSize(CHUNK)
        .setBackups(1)
        .setPartitions(32)
        .setRetention(2)
        .setMetadataRegionSize(16L << 20);

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.DEDUPLICATION_IT, CONFIG);

    @Test
    @Order(1)
    @DisplayName("a save stores only the chunks whose content changed; both checkpoints restore byte-equal")
    void storesOnlyWhatChanged() {
        CheckpointStore store = Spillway.store(cluster.node(0));
        byte[] state = TestData.random(CHUNKS * CHUNK, 1);
        CheckpointInfo first = store.save("changed-only", state);
        byte[] changed = changeChunks(state, 3, 17);
        CheckpointInfo second = store.save("changed-only", changed);

        Manifest m = manifest("changed-only", second.checkpointId());
        assertThat(IntStream.range(0, m.chunks()).filter(m::ownChunk)).containsExactly(3, 17);
        assertThat(storedKeys("changed-only")).hasSize(CHUNKS + 2).isEqualTo(namedKeys("changed-only"));
        assertThat(cluster.missingCopies(m)).isEmpty();
        assertThat(store.restore("changed-only", first.checkpointId())).isEqualTo(state);
        assertThat(store.restore("changed-only", second.checkpointId())).isEqualTo(changed);
        assertThat(Spillway.store(cluster.node(2)).restoreLatest("changed-only")).isEqualTo(changed);
    }

    @Test
    @Order(2)
    @DisplayName("retention and delete remove a shared chunk only once no kept checkpoint names it")
    void sharedChunksOutliveTheirCheckpoint() {
        CheckpointStore store = Spillway.store(cluster.node(1));
        Random random = new Random(2);
        byte[] previous = null;
        byte[] state = TestData.random(CHUNKS * CHUNK, 2);
        for (int round = 0; round < 6; round++) {
            store.save("retained", state);
            awaitStoredAsNamed("retained");
            List<CheckpointInfo> kept = store.list("retained");
            assertThat(kept).hasSize(Math.min(2, round + 1));
            assertThat(store.restoreLatest("retained")).isEqualTo(state);
            if (previous != null)
                assertThat(store.restore("retained", kept.get(0).checkpointId())).isEqualTo(previous);
            previous = state;
            state = changeChunks(state, random.nextInt(CHUNKS), random.nextInt(CHUNKS));
        }
        List<CheckpointInfo> kept = store.list("retained");
        store.delete("retained", kept.get(0).checkpointId());
        awaitStoredAsNamed("retained");
        assertThat(store.restoreLatest("retained")).isEqualTo(previous);
        store.delete("retained", kept.get(1).checkpointId());
        SpillwayCluster.awaitCondition("every chunk of a deleted application removed", Duration.ofSeconds(10),
            () -> storedKeys("retained").isEmpty());
    }

    @Test
    @Order(3)
    @DisplayName("bytes the application marks unchanged are named without being sent; the restore is byte-equal")
    void applicationHint() {
        CheckpointStore store = Spillway.store(cluster.node(0));
        byte[] state = TestData.random(CHUNKS * CHUNK, 3);
        store.save("hinted", state);
        byte[] changed = changeChunks(state, 5);
        int before = storedKeys("hinted").size();
        CheckpointInfo info;
        try (CheckpointWriter w = store.begin("hinted")) {
            w.unchanged(5L * CHUNK);
            w.write(changed, 5 * CHUNK, CHUNK);
            w.unchanged((long)(CHUNKS - 6) * CHUNK);
            info = w.commit();
            assertThat(((ChunkingWriter)w).storedBytes()).isEqualTo(CHUNK);
        }
        assertThat(storedKeys("hinted")).hasSize(before + 1);
        assertThat(store.restore("hinted", info.checkpointId())).isEqualTo(changed);
    }

    @Test
    @Order(4)
    @DisplayName("a writer whose node dies mid-save: its claim is reclaimed, the chunks it pinned that nothing names "
        + "any more go with its own; a node's death loses no chunk a kept checkpoint names")
    void writerAndNodeLoss() {
        CheckpointStore home = Spillway.store(cluster.node(0));
        byte[] first = TestData.random(CHUNKS * CHUNK, 4);
        home.save("orphaned-pins", first);
        Set<ChunkKey> firstKeys = storedKeys("orphaned-pins");
        // A writer on node 2 begins against the first checkpoint (pinning its chunks) and stores a changed chunk.
        CheckpointWriter dying = Spillway.store(cluster.node(2)).begin("orphaned-pins");
        byte[] changed = changeChunks(first, 0);
        dying.write(changed, 0, 2 * CHUNK);
        // Two saves of new content evict the first checkpoint; its chunks stay, pinned by the writer's claim.
        byte[] second = TestData.random(CHUNKS * CHUNK, 5);
        byte[] third = changeChunks(second, 9);
        home.save("orphaned-pins", second);
        home.save("orphaned-pins", third);
        assertThat(storedKeys("orphaned-pins")).as("the first checkpoint's chunks, pinned")
            .containsAll(firstKeys);

        cluster.fail(2);
        SpillwayCluster.awaitCondition("the dead writer's chunks and the pinned ones removed", Duration.ofSeconds(30),
            () -> {
                ServiceHost.of(cluster.node(0)).engine().reclaim();
                ServiceHost.of(cluster.node(1)).engine().reclaim();
                return storedKeys("orphaned-pins").equals(namedKeys("orphaned-pins"));
            });
        assertThat(home.restoreLatest("orphaned-pins")).isEqualTo(third);
        assertThat(Spillway.store(cluster.node(1)).restore("orphaned-pins",
            home.list("orphaned-pins").get(0).checkpointId())).isEqualTo(second);
        assertThat(home.restoreLatest("changed-only")).as("shared chunks of an earlier test, after the loss")
            .isEqualTo(changeChunks(TestData.random(CHUNKS * CHUNK, 1), 3, 17));
        cluster.start(2);
    }

    @Test
    @Order(5)
    @DisplayName("compressed chunks; capacity and placement report what applications saved (logical) beside what "
        + "the regions hold (physical), and no reservation outlives the saves")
    void logicalAndPhysicalBytes() {
        CheckpointStore store = Spillway.store(cluster.node(0));
        long logicalBefore = total(store, NodeCapacity::logicalBytes);
        long liveBefore = total(store, NodeCapacity::liveBytes);
        byte[] text = TestData.compressible(CHUNKS * CHUNK, 6);
        CheckpointInfo a = store.save("reports", text);
        assertThat(a.storedBytes()).as("LZ4, the default").isLessThan(text.length / 2);
        PlacementReport placed = store.placement("reports", a.checkpointId());
        assertThat(placed.bytes()).isEqualTo(text.length);
        assertThat(placed.storedBytes()).isEqualTo(a.storedBytes());
        byte[] changed = changeChunks(text, 11);
        CheckpointInfo b = store.save("reports", changed);
        assertThat(b.storedBytes()).isLessThan(CHUNK);
        assertThat(store.restoreLatest("reports")).isEqualTo(changed);
        assertThat(store.restore("reports", a.checkpointId())).isEqualTo(text);

        long stored = a.storedBytes() + b.storedBytes();
        long logical = total(store, NodeCapacity::logicalBytes) - logicalBefore;
        long live = total(store, NodeCapacity::liveBytes) - liveBefore;
        assertThat(logical).as("two checkpoints, two copies each").isEqualTo(2L * 2 * text.length);
        assertThat(live).as("each stored chunk once per copy, compressed, with page overhead")
            .isBetween(2 * stored, 2 * stored + stored / 8 + 2L * (CHUNKS + 1) * 1024);
        assertThat(store.capacity()).allSatisfy(c -> assertThat(c.reserved()).isZero());
    }

    @Test
    @Order(6)
    @DisplayName("a save that names stored chunks for longer than the lease timeout keeps its claim: nothing placed, "
        + "the session renewed all the same, and it commits")
    void namingChunksKeepsTheSessionAlive() {
        CheckpointStore store = Spillway.store(cluster.node(0));
        byte[] state = TestData.random(CHUNKS * CHUNK, 8);
        store.save("long-unchanged", state);
        CheckpointInfo info;
        try (CheckpointWriter w = store.begin("long-unchanged")) {
            for (int c = 0; c < CHUNKS; c++) {
                // Found stored: named, nothing placed. Four lease timeouts pass over the whole state.
                w.write(state, c * CHUNK, CHUNK);
                cluster.clock().advance(CONFIG.getLeaseTimeout().dividedBy(8));
                for (int i : cluster.running())
                    ServiceHost.of(cluster.node(i)).engine().reclaim();
            }
            info = w.commit();
        }
        assertThat(info.storedBytes()).isZero();
        assertThat(store.restore("long-unchanged", info.checkpointId())).isEqualTo(state);
    }

    private static long total(CheckpointStore store, java.util.function.ToLongFunction<NodeCapacity> bytes) {
        return store.capacity().stream().mapToLong(bytes).sum();
    }

    /** A copy of {@code state} with one byte of each of {@code chunks} changed. */
    private static byte[] changeChunks(byte[] state, int... chunks) {
        byte[] changed = state.clone();
        for (int c : chunks)
            changed[c * CHUNK + 7] ^= 0x5A;
        return changed;
    }

    private static Manifest manifest(String application, long id) {
        return ServiceHost.of(cluster.node(0)).engine().manifest(application, id);
    }

    /** The keys of the application's stored chunks, every node's primary copies. */
    private static Set<ChunkKey> storedKeys(String application) {
        Set<ChunkKey> keys = new HashSet<>();
        for (int i : cluster.running()) {
            for (Cache.Entry<ChunkKey, byte[]> e : cluster.node(i).<ChunkKey, byte[]>cache(Layout.CHUNK_CACHE)
                .localEntries(CachePeekMode.PRIMARY)) {
                if (e.getKey().application().equals(application))
                    keys.add(e.getKey());
            }
        }
        return keys;
    }

    /** The keys the application's committed checkpoints name. */
    private static Set<ChunkKey> namedKeys(String application) {
        Set<ChunkKey> keys = new HashSet<>();
        CheckpointStore store = Spillway.store(cluster.node(cluster.running().get(0)));
        for (CheckpointInfo info : store.list(application)) {
            Manifest m = ServiceHost.of(cluster.node(cluster.running().get(0))).engine()
                .manifest(application, info.checkpointId());
            for (int i = 0; i < m.chunks(); i++)
                keys.add(m.key(i));
        }
        return keys;
    }

    /** Waits until the application's stored chunks are exactly those its kept checkpoints name. */
    private static void awaitStoredAsNamed(String application) {
        SpillwayCluster.awaitCondition("stored chunks of " + application + " exactly those its checkpoints name",
            Duration.ofSeconds(10), () -> storedKeys(application).equals(namedKeys(application)));
    }
}
