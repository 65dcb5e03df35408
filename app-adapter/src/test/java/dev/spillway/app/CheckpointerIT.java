package dev.spillway.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointIntegrityException;
import dev.spillway.CheckpointStore;
import dev.spillway.InvalidArgumentException;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.wire.Layout;
import dev.spillway.wire.ChunkKey;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.ignite.IgniteCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class CheckpointerIT {
    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(1, TestPorts.CHECKPOINTER_IT, new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20)
        .setChunkSize(64 << 10)
        .setBackups(0)
        .setRetention(3)
        .setPartitions(32)
        .setMetadataRegionSize(16L << 20));

    private final List<String> apps = new ArrayList<>();

    private CheckpointStore store() {
        return Spillway.store(cluster.node(0));
    }

    private String app(String name) {
        apps.add(name);
        return name;
    }

    @AfterEach
    void deleteEverything() {
        for (String app : apps)
            store().list(app).forEach(i -> store().delete(app, i.checkpointId()));
    }

    /** A counter and a payload: the state of the tests' application. */
    static final class Counter implements Checkpointable {
        volatile long value;
        byte[] payload = new byte[0];
        final AtomicInteger writing = new AtomicInteger();
        final AtomicInteger mostAtOnce = new AtomicInteger();
        volatile CountDownLatch gate;
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile boolean fail;

        @Override
        public void writeState(OutputStream out) throws IOException {
            mostAtOnce.accumulateAndGet(writing.incrementAndGet(), Math::max);
            try {
                entered.countDown();
                if (gate != null)
                    gate.await(30, TimeUnit.SECONDS);
                if (fail)
                    throw new IOException("state unavailable");
                DataOutputStream data = new DataOutputStream(out);
                data.writeLong(value);
                data.writeInt(payload.length);
                data.write(payload);
                data.flush();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            finally {
                writing.decrementAndGet();
            }
        }

        @Override
        public void readState(InputStream in) throws IOException {
            DataInputStream data = new DataInputStream(in);
            value = data.readLong();
            payload = data.readNBytes(data.readInt());
        }
    }

    /** Fires periodic checkpoints when the test says so. */
    static final class ManualSchedule implements Schedule {
        Duration period;
        Runnable task;
        boolean closed;

        @Override
        public AutoCloseable every(Duration period, Runnable task) {
            this.period = period;
            this.task = task;
            return () -> closed = true;
        }

        void fire() {
            task.run();
        }
    }

    @Test
    @DisplayName("start-up restores the latest checkpoint; a fresh application starts empty")
    void restoresAtStartUp() {
        String app = app("restore");
        Counter first = new Counter();
        try (Checkpointer cp = Checkpointer.builder(store(), app, first).start()) {
            assertThat(cp.restored()).isEmpty();
            first.value = 41;
            first.payload = TestData.random(300_000, 1);
            cp.checkpoint();
            first.value = 42;
            CheckpointInfo info = cp.checkpoint();
            assertThat(cp.last()).contains(info);
            assertThat(info.size()).isEqualTo(8 + 4 + 300_000);
            assertThat(info.duration().isNegative()).isFalse();
            assertThat(info.committedAt()).isNotNull();
        }
        Counter resumed = new Counter();
        try (Checkpointer cp = Checkpointer.builder(store(), app, resumed).start()) {
            assertThat(resumed.value).isEqualTo(42);
            assertThat(resumed.payload).isEqualTo(first.payload);
            assertThat(cp.restored().orElseThrow().checkpointId()).isEqualTo(store().latest(app).orElseThrow()
                .checkpointId());
        }
    }

    @Test
    @DisplayName("periodic saves fire on the schedule's period and stop when closed")
    void periodic() {
        String app = app("periodic");
        ManualSchedule schedule = new ManualSchedule();
        Counter state = new Counter();
        Checkpointer cp = Checkpointer.builder(store(), app, state).period(Duration.ofSeconds(5)).schedule(schedule)
            .start();
        try {
            assertThat(schedule.period).isEqualTo(Duration.ofSeconds(5));
            state.value = 1;
            schedule.fire();
            SpillwayCluster.awaitCondition("the periodic save committed", Duration.ofSeconds(10),
                () -> cp.last().isPresent());
            state.value = 2;
            schedule.fire();
            SpillwayCluster.awaitCondition("the second periodic save committed", Duration.ofSeconds(10),
                () -> store().list(app).size() == 2);
        }
        finally {
            cp.close();
        }
        assertThat(schedule.closed).isTrue();
        Counter restored = new Counter();
        try (Checkpointer again = Checkpointer.builder(store(), app, restored).start()) {
            assertThat(restored.value).isEqualTo(2);
        }
    }

    @Test
    @DisplayName("requests during a save coalesce into one next save; two saves never run at once")
    void coalescing() throws Exception {
        String app = app("coalesce");
        Counter state = new Counter();
        state.gate = new CountDownLatch(1);
        try (Checkpointer cp = Checkpointer.builder(store(), app, state).start()) {
            CompletableFuture<CheckpointInfo> first = cp.request();
            assertThat(state.entered.await(10, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<CheckpointInfo>> during = new ArrayList<>();
            for (int i = 0; i < 5; i++)
                during.add(cp.request());
            assertThat(during).allSatisfy(f -> assertThat(f).isSameAs(during.get(0)));
            assertThat(during.get(0)).isNotSameAs(first);
            state.gate.countDown();

            CheckpointInfo a = first.get(10, TimeUnit.SECONDS);
            CheckpointInfo b = during.get(0).get(10, TimeUnit.SECONDS);
            assertThat(b.checkpointId()).isGreaterThan(a.checkpointId());
            assertThat(store().list(app)).hasSize(2);
            assertThat(state.mostAtOnce.get()).isEqualTo(1);
        }
    }

    @Test
    @DisplayName("a failed save is reported and leaves nothing; the next one works")
    void failedSave() {
        String app = app("failing");
        Counter state = new Counter();
        try (Checkpointer cp = Checkpointer.builder(store(), app, state).start()) {
            state.fail = true;
            assertThatThrownBy(cp::checkpoint).hasMessageContaining("state unavailable");
            assertThat(cp.lastFailure()).isPresent();
            assertThat(store().list(app)).isEmpty();
            state.fail = false;
            state.value = 7;
            assertThat(cp.checkpoint().checkpointId()).isPositive();
        }
    }

    @Test
    @DisplayName("one checkpointer per application; bad application ids get the facade's errors")
    void oneCheckpointerPerApplication() {
        String app = app("single");
        try (Checkpointer cp = Checkpointer.builder(store(), app, new Counter()).start()) {
            assertThatThrownBy(() -> Checkpointer.builder(store(), app, new Counter()).start())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one checkpointer");
        }
        try (Checkpointer again = Checkpointer.builder(store(), app, new Counter()).start()) {
            assertThat(again.restored()).isEmpty();
        }
        assertThatThrownBy(() -> Checkpointer.builder(store(), " ", new Counter()).start())
            .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("is blank");
    }

    @Test
    @DisplayName("a latest checkpoint that fails verification: an error, or with fall-back the one before it")
    void fallBackToOlder() {
        String app = app("fallback");
        Counter state = new Counter();
        try (Checkpointer cp = Checkpointer.builder(store(), app, state).start()) {
            state.value = 1;
            cp.checkpoint();
            state.value = 2;
            cp.checkpoint();
        }
        CheckpointInfo latest = store().latest(app).orElseThrow();
        ChunkKey key = TestData.chunkKeys(cluster.node(0), app, latest.checkpointId()).get(0);
        IgniteCache<ChunkKey, byte[]> chunks = cluster.node(0).cache(Layout.CHUNK_CACHE);
        byte[] bytes = chunks.get(key);
        bytes[0] ^= 1;
        chunks.put(key, bytes);

        assertThatThrownBy(() -> Checkpointer.builder(store(), app, new Counter()).start())
            .isInstanceOf(CheckpointIntegrityException.class);
        Counter older = new Counter();
        try (Checkpointer cp = Checkpointer.builder(store(), app, older).fallBackToOlder(true).start()) {
            assertThat(older.value).isEqualTo(1);
            assertThat(cp.restored().orElseThrow().checkpointId()).isLessThan(latest.checkpointId());
        }
    }

    @Test
    @DisplayName("a checkpoint removed by retention while it is restored: the newest is restored instead")
    void restoredCheckpointEvictedMeanwhile() {
        String app = app("evicted-at-restore");
        Counter first = new Counter();
        first.value = 1;
        // Larger than a reader fetches ahead (8 MB), so the reader finds chunks missing after the eviction.
        first.payload = TestData.random(10 << 20, 31);
        try (Checkpointer cp = Checkpointer.builder(store(), app, first).start()) {
            cp.checkpoint();
        }
        CheckpointInfo read = store().latest(app).orElseThrow();
        AtomicInteger reads = new AtomicInteger();
        Counter restored = new Counter();
        Checkpointable restoring = new Checkpointable() {
            @Override
            public void writeState(OutputStream out) throws IOException {
                restored.writeState(out);
            }

            @Override
            public void readState(InputStream in) throws IOException {
                if (reads.incrementAndGet() == 1) {
                    in.readNBytes(64 << 10);
                    // Three newer commits: retention (3) evicts the checkpoint being read.
                    for (int i = 0; i < 3; i++)
                        store().save(app, counterState(100 + i));
                    SpillwayCluster.awaitCondition("the evicted checkpoint's chunks removed", Duration.ofSeconds(10),
                        () -> TestData.chunkKeys(cluster.node(0), app, read.checkpointId()).isEmpty());
                }
                restored.readState(in);
            }
        };
        try (Checkpointer cp = Checkpointer.builder(store(), app, restoring).start()) {
            assertThat(reads.get()).isEqualTo(2);
            assertThat(restored.value).isEqualTo(102);
            assertThat(cp.restored().orElseThrow()).isEqualTo(store().latest(app).orElseThrow());
        }
    }

    /** The bytes {@link Counter} writes for {@code value} and no payload. */
    private static byte[] counterState(long value) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(bytes)) {
            data.writeLong(value);
            data.writeInt(0);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
