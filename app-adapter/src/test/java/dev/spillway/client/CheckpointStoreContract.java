package dev.spillway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointIntegrityException;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.ClusterStatus;
import dev.spillway.InvalidArgumentException;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.wire.Layout;
import dev.spillway.wire.ChunkKey;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.ignite.IgniteCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The checkpoint facade's behaviour, written once and run against every way to reach it: a server node
 * (embedded), a thick client node, and a thin client. Each subclass starts a three-node cluster of its own with
 * {@link #CONFIG} and gives the path under test; checks that look behind the facade (the chunk cache, another
 * node's view) go through the cluster's server nodes.
 */
abstract class CheckpointStoreContract {
    static final int CHUNK = 256 << 10;
    static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(48L << 20)
        .setChunkSize(CHUNK)
        .setBackups(1)
        .setRetention(2)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30))
        .setMaintenanceInterval(Duration.ofMillis(200));

    private final Set<String> apps = new HashSet<>();

    /** The cluster of the subclass. */
    abstract SpillwayCluster cluster();

    /** The facade on the path under test. */
    abstract CheckpointStore store();

    /** The consistent id of the server whose partitions the path under test fills first, or null if it varies. */
    abstract String home();

    /** The facade on server node 1, to look at what the path under test did from elsewhere. */
    CheckpointStore elsewhere() {
        return Spillway.store(cluster().node(1));
    }

    String app(String name) {
        apps.add(name);
        return name;
    }

    @AfterEach
    void deleteEverything() {
        for (String app : apps) {
            for (CheckpointInfo info : elsewhere().list(app))
                elsewhere().delete(app, info.checkpointId());
        }
        apps.clear();
        SpillwayCluster.awaitCondition("no lease outstanding", Duration.ofSeconds(10),
            () -> elsewhere().capacity().stream().allMatch(c -> c.leases() == 0));
        assertThat(cluster().failures()).isEmpty();
    }

    @Test
    @DisplayName("save and restore: byte-equal through the path and from another node; info and list agree")
    void saveAndRestore() {
        String app = app("save-restore");
        byte[] state = TestData.random(3 * CHUNK + 1234, 1);
        CheckpointInfo info = store().save(app, state);

        assertThat(info.application()).isEqualTo(app);
        assertThat(info.size()).isEqualTo(state.length);
        assertThat(info.chunks()).isEqualTo(4);
        assertThat(store().restoreLatest(app)).isEqualTo(state);
        assertThat(store().restore(app, info.checkpointId())).isEqualTo(state);
        assertThat(elsewhere().restoreLatest(app)).isEqualTo(state);
        assertThat(store().list(app)).containsExactly(info);
        assertThat(store().latest(app)).contains(info);
    }

    @Test
    @DisplayName("streaming: a writer fed in odd pieces and a reader read in odd pieces give the same bytes")
    void streaming() throws Exception {
        String app = app("streaming");
        byte[] state = TestData.random(5 * CHUNK + 77, 2);
        CheckpointInfo info;
        try (CheckpointWriter writer = store().begin(app)) {
            for (int off = 0; off < state.length; off += 100_003)
                writer.write(state, off, Math.min(100_003, state.length - off));
            writer.write(0x5A);
            assertThat(writer.size()).isEqualTo(state.length + 1L);
            info = writer.commit();
        }
        byte[] expected = java.util.Arrays.copyOf(state, state.length + 1);
        expected[state.length] = 0x5A;
        try (CheckpointReader reader = store().openLatest(app)) {
            assertThat(reader.info()).isEqualTo(info);
            byte[] got = new byte[expected.length];
            int at = 0;
            for (int n; (n = reader.read(got, at, Math.min(65_537, got.length - at))) > 0; )
                at += n;
            assertThat(at).isEqualTo(expected.length);
            assertThat(reader.read()).isEqualTo(-1);
            assertThat(got).isEqualTo(expected);
        }
        try (InputStream in = store().open(app, info.checkpointId())) {
            assertThat(in.readAllBytes()).isEqualTo(expected);
        }
    }

    @Test
    @DisplayName("hand-over: arrays handed over are stored (whole chunks as they are, others copied), never changed")
    void handOver() {
        String app = app("hand-over");
        byte[][] parts = {TestData.random(CHUNK, 11), TestData.random(CHUNK, 12), TestData.random(100, 13),
            TestData.random(CHUNK, 14), TestData.random(CHUNK + 1, 15), TestData.random(CHUNK - 100, 16),
            TestData.random(CHUNK, 17)};
        byte[][] before = new byte[parts.length][];
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i++) {
            before[i] = parts[i].clone();
            expected.writeBytes(parts[i]);
        }
        try (CheckpointWriter writer = store().begin(app, expected.size())) {
            assertThat(writer.chunkSize()).isEqualTo(CHUNK);
            for (byte[] part : parts)
                writer.handOver(part);
            // Bytes written the usual way after handed-over ones: buffers of the writer's own.
            writer.write(TestData.random(3 * CHUNK, 18));
            writer.commit();
        }
        expected.writeBytes(TestData.random(3 * CHUNK, 18));
        assertThat(store().restoreLatest(app)).isEqualTo(expected.toByteArray());
        assertThat(elsewhere().restoreLatest(app)).isEqualTo(expected.toByteArray());
        for (int i = 0; i < parts.length; i++)
            assertThat(parts[i]).as("array %d handed over", i).isEqualTo(before[i]);
    }

    @Test
    @DisplayName("locality: a state that fits the home server's budget is placed there whole")
    void locality() {
        String app = app("locality");
        CheckpointInfo info = store().save(app, TestData.random(4 << 20, 3));
        PlacementReport report = store().placement(app, info.checkpointId());
        assertThat(report.spilledChunks()).isZero();
        assertThat(report.localChunks()).isEqualTo(16);
        if (home() != null)
            assertThat(report.originNode()).isEqualTo(home());
        assertThat(info.originNode()).isEqualTo(report.originNode());
    }

    @Test
    @DisplayName("status: every server, each checkpoint with where its bytes are, and per node what it holds")
    void status() {
        String app = app("status");
        CheckpointInfo older = store().save(app, TestData.random(2 << 20, 4));
        CheckpointInfo newer = store().save(app, TestData.random(3 * CHUNK + 1, 5));

        ClusterStatus status = store().status();

        assertThat(status.nodes()).extracting(ClusterStatus.NodeStatus::node)
            .containsExactlyInAnyOrderElementsOf(elsewhere().capacity().stream().map(NodeCapacity::node).toList());
        assertThat(status.worstLossIfAny()).isPresent();
        assertThat(status.applications()).contains(app);
        List<ClusterStatus.Checkpoint> latest = status.latest(app, 5);
        assertThat(latest).extracting(ClusterStatus.Checkpoint::info).containsExactly(newer, older);
        for (ClusterStatus.Checkpoint c : latest) {
            assertThat(c.localBytes() + c.spilledBytes()).isEqualTo(c.info().size());
            assertThat(c.placement()).isEqualTo(store().placement(app, c.info().checkpointId()).nodes());
        }
        for (ClusterStatus.NodeStatus n : status.nodes()) {
            List<ClusterStatus.Checkpoint> holding = latest.stream().filter(c -> c.placement().stream()
                .anyMatch(p -> p.node().equals(n.node()) && p.chunks() > 0)).toList();
            assertThat(n.checkpoints()).as(n.node()).isGreaterThanOrEqualTo(holding.size());
            assertThat(n.applications()).as(n.node()).isGreaterThanOrEqualTo(holding.isEmpty() ? 0 : 1);
        }
        assertThat(status.nodes().stream().mapToLong(n -> n.localBytes() + n.spilledBytes()).sum())
            .isEqualTo(status.checkpoints().stream().mapToLong(c -> c.info().size()).sum());
    }

    @Test
    @DisplayName("live bytes: a save raises them by its copies, a delete lowers them at once")
    void liveBytesFallOnDelete() {
        String app = app("live-bytes");
        long before = totalLive();
        CheckpointInfo info = store().save(app, TestData.random(8 << 20, 6));
        long saved = totalLive() - before;
        // One copy on its primary and one on its backup, each chunk's page overhead included.
        assertThat(saved).isBetween(2L * (8 << 20), 2L * (9 << 20));
        store().delete(app, info.checkpointId());
        assertThat(totalLive() - before).as("live bytes right after the delete").isLessThan(saved / 100);
    }

    private long totalLive() {
        return store().capacity().stream().mapToLong(NodeCapacity::liveBytes).sum();
    }

    @Test
    @DisplayName("delete: the checkpoint is gone, its chunks removed, the earlier one is the latest again")
    void delete() {
        String app = app("delete");
        byte[] first = TestData.random(CHUNK, 4);
        CheckpointInfo kept = store().save(app, first);
        CheckpointInfo gone = store().save(app, TestData.random(2 * CHUNK, 5));
        store().delete(app, gone.checkpointId());

        assertThat(store().list(app)).containsExactly(kept);
        assertThat(store().restoreLatest(app)).isEqualTo(first);
        assertThat(TestData.chunkKeys(cluster().node(0), app, gone.checkpointId())).isEmpty();
        assertThatThrownBy(() -> store().restore(app, gone.checkpointId()))
            .isInstanceOf(CheckpointNotFoundException.class).hasMessageContaining("delete/" + gone.checkpointId());
        assertThatThrownBy(() -> store().delete(app, gone.checkpointId()))
            .isInstanceOf(CheckpointNotFoundException.class);
    }

    @Test
    @DisplayName("retention: with K = 2 the third commit removes the first, chunks included")
    void retention() {
        String app = app("retention");
        CheckpointInfo first = store().save(app, TestData.random(2 * CHUNK, 6));
        CheckpointInfo second = store().save(app, TestData.random(2 * CHUNK, 7));
        byte[] last = TestData.random(CHUNK / 2, 8);
        CheckpointInfo third = store().save(app, last);

        assertThat(store().list(app)).extracting(CheckpointInfo::checkpointId)
            .containsExactly(second.checkpointId(), third.checkpointId());
        assertThat(third.checkpointId()).isGreaterThan(second.checkpointId());
        SpillwayCluster.awaitCondition("the evicted checkpoint's chunks removed", Duration.ofSeconds(10),
            () -> TestData.chunkKeys(cluster().node(0), app, first.checkpointId()).isEmpty());
        assertThatThrownBy(() -> store().restore(app, first.checkpointId()))
            .isInstanceOf(CheckpointNotFoundException.class);
        assertThat(store().restoreLatest(app)).isEqualTo(last);
    }

    @Test
    @DisplayName("a reader whose checkpoint two newer commits evict fails at its first missing chunk, saying why")
    void readerOutlivedByRetention() throws IOException {
        String app = app("evicted-while-read");
        // More chunks than a reader fetches ahead (8 MB), so some are fetched after the eviction.
        byte[] old = TestData.random(48 * CHUNK, 21);
        CheckpointInfo first = store().save(app, old);
        try (CheckpointReader reader = store().open(app, first.checkpointId())) {
            assertThat(reader.readNBytes(CHUNK)).isEqualTo(Arrays.copyOf(old, CHUNK));
            store().save(app, TestData.random(CHUNK, 22));
            store().save(app, TestData.random(CHUNK, 23));
            SpillwayCluster.awaitCondition("the evicted checkpoint's chunks removed", Duration.ofSeconds(10),
                () -> TestData.chunkKeys(cluster().node(0), app, first.checkpointId()).isEmpty());
            assertThatThrownBy(reader::readAllBytes).isExactlyInstanceOf(CheckpointNotFoundException.class)
                .hasMessageContaining("Checkpoint " + app + "/" + first.checkpointId() + " was removed while it "
                    + "was read");
        }
    }

    @Test
    @DisplayName("what changed: a save whose state differs from the latest in two chunks stores (and sends) only "
        + "those; both restore byte-equal, also from another node")
    void storesWhatChanged() {
        String app = app("what-changed");
        byte[] first = TestData.random(12 * CHUNK, 31);
        CheckpointInfo one = store().save(app, first);
        assertThat(one.storedBytes()).isEqualTo(first.length);
        byte[] second = first.clone();
        second[2 * CHUNK + 5]++;
        second[9 * CHUNK]++;
        CheckpointInfo two = store().save(app, second);
        assertThat(two.storedBytes()).isEqualTo(2L * CHUNK);
        assertThat(TestData.chunkKeys(cluster().node(0), app, two.checkpointId())).hasSize(2);
        assertThat(store().restore(app, two.checkpointId())).isEqualTo(second);
        assertThat(elsewhere().restore(app, one.checkpointId())).isEqualTo(first);
        assertThat(elsewhere().list(app)).extracting(CheckpointInfo::storedBytes)
            .containsExactly((long)first.length, 2L * CHUNK);
    }

    @Test
    @DisplayName("unchanged: bytes the application marks unchanged since the base are named, not read or sent; "
        + "the restore is byte-equal")
    void unchangedBytes() {
        String app = app("unchanged");
        byte[] first = TestData.random(10 * CHUNK + 100, 32);
        CheckpointInfo base = store().save(app, first);
        byte[] second = first.clone();
        second[4 * CHUNK + 1]++;
        CheckpointInfo info;
        try (CheckpointWriter w = store().begin(app)) {
            assertThat(w.baseCheckpointId()).isEqualTo(base.checkpointId());
            w.unchanged(4L * CHUNK);
            w.write(second, 4 * CHUNK, CHUNK);
            w.unchanged(first.length - 5L * CHUNK);
            info = w.commit();
        }
        // The short last chunk is read back from the base (the state could have gone on past it), then found stored.
        assertThat(info.storedBytes()).as("only the changed chunk").isEqualTo(CHUNK);
        assertThat(elsewhere().restore(app, info.checkpointId())).isEqualTo(second);
    }

    @Test
    @DisplayName("capacity exhausted: refused with needed and available bytes; the previous checkpoint is intact")
    void capacityExhausted() {
        String app = app("exhausted");
        byte[] previous = TestData.random(CHUNK, 9);
        store().save(app, previous);
        long clusterFree = store().capacity().stream().mapToLong(NodeCapacity::free).sum();

        // Refused at the begin: a first checkpoint, whose every chunk is new. (A save against a base is refused only
        // as chunks turn out new and find no room: most may be stored already.)
        String first = app("exhausted-first");
        assertThatThrownBy(() -> store().begin(first, clusterFree + (64 << 20)))
            .isInstanceOfSatisfying(CapacityExhaustedException.class, e -> {
                assertThat(e.neededBytes()).isGreaterThan(e.availableBytes());
                assertThat(e.getMessage()).contains("Capacity exhausted", "exhausted-first/",
                    Long.toString(e.neededBytes()));
            });
        assertThatThrownBy(() -> store().begin(app, Long.MAX_VALUE)).isInstanceOf(CapacityExhaustedException.class);
        // A size far past the whole cluster is refused before anything is sized for it (536 million chunks here
        // would be 2 GB of partition arrays, more than this JVM's heap).
        assertThatThrownBy(() -> store().begin(app, (long)(Integer.MAX_VALUE / 4) * CHUNK))
            .isInstanceOf(CapacityExhaustedException.class).hasMessageContaining("Capacity exhausted");
        // A writer that runs into the limit as bytes arrive fails with the same error and leaves nothing behind.
        assertThatThrownBy(() -> {
            try (CheckpointWriter w = store().begin(app)) {
                byte[] piece = TestData.random(4 << 20, 10);
                for (long written = 0; written < clusterFree + (64 << 20); written += piece.length) {
                    // Every chunk new: a chunk whose content is stored already would take no room.
                    for (int at = 0; at < piece.length; at += CHUNK)
                        piece[at]++;
                    w.write(piece);
                }
            }
        }).isInstanceOf(CapacityExhaustedException.class);
        assertThat(store().list(app)).hasSize(1);
        assertThat(store().restoreLatest(app)).isEqualTo(previous);
        SpillwayCluster.awaitCondition("the refused writer's chunks removed", Duration.ofSeconds(10),
            () -> TestData.chunkKeys(cluster().node(0), app, -1).size() == 1);
    }

    @Test
    @DisplayName("integrity: a corrupted chunk fails restore with an error naming the checkpoint and the chunk")
    void integrity() {
        String app = app("integrity");
        CheckpointInfo info = store().save(app, TestData.random(3 * CHUNK, 11));
        ChunkKey victim = TestData.chunkKeys(cluster().node(0), app, info.checkpointId()).stream()
            .filter(k -> k.index() == 2).findFirst().orElseThrow();
        IgniteCache<ChunkKey, byte[]> chunks = cluster().node(0).cache(Layout.CHUNK_CACHE);
        byte[] bytes = chunks.get(victim);
        bytes[100] ^= 0x01;
        chunks.put(victim, bytes);

        assertThatThrownBy(() -> store().restoreLatest(app))
            .isInstanceOfSatisfying(CheckpointIntegrityException.class, e -> {
                assertThat(e.chunkIndex()).isEqualTo(2);
                assertThat(e.checkpointId()).isEqualTo(info.checkpointId());
                assertThat(e.getMessage()).contains("integrity/" + info.checkpointId(), "chunk 2", "CRC32C");
            });
        // A stream fails at the bad chunk, after the good chunks' bytes, never returning the bad one's.
        byte[] got = new byte[3 * CHUNK];
        assertThatThrownBy(() -> {
            try (CheckpointReader in = store().openLatest(app)) {
                int at = 0;
                for (int n; (n = in.read(got, at, got.length - at)) > 0; )
                    at += n;
            }
        }).isInstanceOf(CheckpointIntegrityException.class);
    }

    @Test
    @DisplayName("abort and close without commit: the previous checkpoint stays the latest, nothing is left")
    void abort() {
        String app = app("abort");
        byte[] previous = TestData.random(CHUNK, 12);
        CheckpointInfo kept = store().save(app, previous);
        CheckpointWriter aborted = store().begin(app);
        aborted.write(TestData.random(3 * CHUNK, 13));
        aborted.abort();
        CheckpointWriter closed = store().begin(app);
        closed.write(TestData.random(2 * CHUNK + 5, 14));
        closed.close();

        assertThat(store().latest(app)).contains(kept);
        assertThat(store().restoreLatest(app)).isEqualTo(previous);
        assertThat(TestData.chunkKeys(cluster().node(0), app, aborted.checkpointId())).isEmpty();
        assertThat(TestData.chunkKeys(cluster().node(0), app, closed.checkpointId())).isEmpty();
        assertThat(elsewhere().capacity()).allSatisfy(c -> assertThat(c.leases()).isZero());
    }

    @Nested
    @DisplayName("bad input")
    class BadInput {
        @Test
        @DisplayName("application ids: null, blank, too long, control characters")
        void applicationIds() {
            assertThatThrownBy(() -> store().save(null, new byte[1])).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("application=null");
            assertThatThrownBy(() -> store().begin("  ")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("application=\"  \" is blank");
            assertThatThrownBy(() -> store().restoreLatest("x".repeat(201)))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("has 201 characters; allowed: 1 to 200 characters");
            assertThatThrownBy(() -> store().list("a\nb")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("control character");
        }

        @Test
        @DisplayName("sizes and ids: negative sizes, null states, ids that are not ids or do not exist")
        void sizesAndIds() {
            assertThatThrownBy(() -> store().begin("bad", -1)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("expectedSize=-1 is negative");
            assertThatThrownBy(() -> store().save("bad", null)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("state=null");
            assertThatThrownBy(() -> store().restore("bad", 0)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("checkpointId=0");
            assertThatThrownBy(() -> store().restoreLatest("never-saved"))
                .isInstanceOf(CheckpointNotFoundException.class).hasMessageContaining("never-saved");
            assertThatThrownBy(() -> store().restore("never-saved", 7))
                .isInstanceOf(CheckpointNotFoundException.class).hasMessageContaining("never-saved/7");
            assertThatThrownBy(() -> store().delete("never-saved", 7))
                .isInstanceOf(CheckpointNotFoundException.class);
            assertThatThrownBy(() -> store().placement("never-saved", 7))
                .isInstanceOf(CheckpointNotFoundException.class);
            assertThat(store().list("never-saved")).isEmpty();
            assertThat(store().latest("never-saved")).isEmpty();
        }

        @Test
        @DisplayName("a writer used after commit or close, and an empty state")
        void writerStateAndEmptyState() {
            String app = app("writer-state");
            CheckpointWriter committed = store().begin(app);
            committed.write(new byte[] {1, 2, 3});
            committed.commit();
            assertThatThrownBy(() -> committed.write(4)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is committed");
            assertThatThrownBy(committed::commit).isInstanceOf(IllegalStateException.class);
            committed.close();
            assertThat(store().restoreLatest(app)).containsExactly(1, 2, 3);

            CheckpointWriter closed = store().begin(app);
            closed.close();
            assertThatThrownBy(() -> closed.write(new byte[10])).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is aborted");

            CheckpointInfo empty = store().save(app, new byte[0]);
            assertThat(empty.size()).isZero();
            assertThat(store().restoreLatest(app)).isEmpty();
        }
    }
}
