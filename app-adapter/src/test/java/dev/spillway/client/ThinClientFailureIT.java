package dev.spillway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointWriter;
import dev.spillway.InvalidArgumentException;
import dev.spillway.NoQuorumException;
import dev.spillway.OperationTimeoutException;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.SpillwayException;
import dev.spillway.internal.service.ServiceHost;
import dev.spillway.internal.store.WriteSession;
import dev.spillway.test.JavaProcess;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.wire.Begun;
import dev.spillway.wire.Planned;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Reply;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.IntStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.cache.processor.MutableEntry;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheEntryProcessor;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a thin client does when things go wrong: a bad home, a disconnect mid-stream, its home server going away. */
class ThinClientFailureIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(48L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30))
        .setMaintenanceInterval(Duration.ofMillis(200));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.THIN_CLIENT_FAILURE_IT, CONFIG);

    private static ClientConfiguration allAddresses() {
        return new ClientConfiguration().setAddresses(cluster.thinAddress(0), cluster.thinAddress(1),
            cluster.thinAddress(2));
    }

    @Test
    @DisplayName("the thin client's cluster view reset, as Ignite 2.17 leaves it when no node of its last topology "
        + "answered an affinity update: the next calls renew the link and succeed (the chaos run found thin saves "
        + "failing with a NullPointerException for minutes)")
    void affinityViewReset() throws ReflectiveOperationException {
        try (SpillwayClient client = SpillwayClient.connect(allAddresses())) {
            byte[] state = TestData.random(1 << 20, 7);
            client.save("view-reset", state);
            resetAffinityView(client.thinClient());
            assertThat(client.restoreLatest("view-reset")).isEqualTo(state);
            resetAffinityView(client.thinClient());
            byte[] next = TestData.random(1 << 20, 8);
            CheckpointInfo info = client.save("view-reset", next);
            assertThat(client.restore("view-reset", info.checkpointId())).isEqualTo(next);
            // Lost while a writer is open: its session calls go on through a new thin client.
            byte[] third = TestData.random(1 << 20, 9);
            CheckpointInfo written;
            try (CheckpointWriter writer = client.begin("view-reset")) {
                writer.write(third, 0, third.length / 2);
                resetAffinityView(client.thinClient());
                writer.write(third, third.length / 2, third.length - third.length / 2);
                written = writer.commit();
            }
            assertThat(client.restore("view-reset", written.checkpointId())).isEqualTo(third);
            for (CheckpointInfo c : client.list("view-reset"))
                client.delete("view-reset", c.checkpointId());
        }
    }

    /**
     * Resets a thin client's affinity context as Ignite's ReliableChannel does when no node of the last topology
     * answers an affinity update ({@code affinityCtx.reset(lastTop)}): its last topology becomes null until a
     * response reports a newer one, and each service call fails at once with a NullPointerException meanwhile
     * ({@code ClientServicesImpl.ServiceTopology.getAndUpdate}). Reached through Ignite's package-private methods.
     */
    private static void resetAffinityView(IgniteClient client) throws ReflectiveOperationException {
        java.lang.reflect.Method channel = client.getClass().getDeclaredMethod("reliableChannel");
        channel.setAccessible(true);
        Object reliable = channel.invoke(client);
        java.lang.reflect.Method context = reliable.getClass().getDeclaredMethod("affinityContext");
        context.setAccessible(true);
        Object affinity = context.invoke(reliable);
        Object last = affinity.getClass().getMethod("lastTopology").invoke(affinity);
        assertThat(last).as("the thin client's last topology").isNotNull();
        java.lang.reflect.Method reset = affinity.getClass().getMethod("reset", last.getClass());
        reset.setAccessible(true);
        reset.invoke(affinity, last);
        assertThat(affinity.getClass().getMethod("lastTopology").invoke(affinity)).isNull();
    }

    @Test
    @DisplayName("the home server is the first address's server by default, or named by consistent id or host:port")
    void homeServer() {
        try (SpillwayClient byDefault = SpillwayClient.connect(allAddresses());
             SpillwayClient byName = SpillwayClient.connect(allAddresses(), cluster.name(1));
             SpillwayClient byAddress = SpillwayClient.connect(allAddresses(), cluster.thinAddress(2))) {
            assertThat(byDefault.homeServer()).isEqualTo(cluster.name(0));
            assertThat(byName.homeServer()).isEqualTo(cluster.name(1));
            assertThat(byAddress.homeServer()).isEqualTo(cluster.name(2));
            CheckpointInfo info = byAddress.save("home", TestData.random(1 << 20, 1));
            assertThat(info.originNode()).isEqualTo(cluster.name(2));
            assertThat(byAddress.placement("home", info.checkpointId()).spilledChunks()).isZero();
            byAddress.delete("home", info.checkpointId());
        }
        assertThatThrownBy(() -> SpillwayClient.connect(allAddresses(), "no-such-node"))
            .isInstanceOf(InvalidArgumentException.class)
            .hasMessageContaining("home=\"no-such-node\" names no Spillway server node", cluster.name(0));
    }

    @Test
    @DisplayName("a commit whose sizes do not add up, or whose chunks are not what the session stored or its base "
        + "holds, is refused, and the session's chunks go")
    void commitWithBadChunksRefused() throws Exception {
        try (IgniteClient client = Ignition.startClient(allAddresses())) {
            CheckpointService service = client.services(client.cluster().forNodeId(cluster.node(0).cluster()
                .localNode().id())).serviceProxy(CheckpointService.NAME, CheckpointService.class);
            int chunk = CONFIG.getChunkSize();
            Begun negative = Reply.value(service.begin("bad-sizes", 0));
            assertThatThrownBy(() -> Reply.value(service.commit(negative.session(), -5, table(negative))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("size=-5");
            Begun mismatch = Reply.value(service.begin("bad-sizes", 2L * chunk));
            assertThatThrownBy(() -> Reply.value(service.commit(mismatch.session(), 7, table(mismatch, chunk, 100))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("size=7", "add up to");
            Begun oversized = Reply.value(service.begin("bad-sizes", 2L * chunk));
            assertThatThrownBy(() -> Reply.value(service.commit(oversized.session(), 2L * chunk + 2,
                table(oversized, chunk + 1, chunk + 1))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("chunk 0 has " + (chunk + 1));
            Begun unplanned = Reply.value(service.begin("bad-sizes", chunk));
            ChunkTable elsewhere = new ChunkTable();
            elsewhere.add(chunk, 1, 2, unplanned.planned().partition(0) + 1, unplanned.checkpointId(), 0, chunk, 0,
                ChunkTable.RAW);
            assertThatThrownBy(() -> Reply.value(service.commit(unplanned.session(), chunk, Reply.of(() -> elsewhere))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("it was planned in partition");
            // A chunk of another checkpoint that the session's base does not name (there is no base at all).
            Begun forged = Reply.value(service.begin("bad-sizes", chunk));
            ChunkTable foreign = new ChunkTable();
            foreign.add(chunk, 1, 2, 0, forged.checkpointId() - 1, 0, chunk, 0, ChunkTable.RAW);
            assertThatThrownBy(() -> Reply.value(service.commit(forged.session(), chunk, Reply.of(() -> foreign))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("its base (none) does not name");
            // Each refused session is gone: its claim dropped, its leases released.
            assertThatThrownBy(() -> Reply.value(service.renew(mismatch.session())))
                .hasMessageContaining("is not open");
        }
        Spillway.store(cluster.node(1)).capacity().forEach(c -> assertThat(c.leases()).isZero());
        assertThat(Spillway.store(cluster.node(1)).list("bad-sizes")).isEmpty();
    }

    @Test
    @DisplayName("a client that disconnects mid-stream leaves no partial checkpoint; its session and leases lapse")
    void disconnectMidStream() {
        String app = "disconnect";
        byte[] previous = TestData.random(1 << 20, 2);
        long abandonedId;
        try (SpillwayClient client = SpillwayClient.connect(allAddresses())) {
            client.save(app, previous);
            CheckpointWriter writer = client.begin(app);
            writer.write(TestData.random(6 << 20, 3));
            abandonedId = writer.checkpointId();
            SpillwayCluster.awaitCondition("some chunks stored", Duration.ofSeconds(10),
                () -> !TestData.chunkKeys(cluster.node(0), app, abandonedId).isEmpty());
        }
        // Closed without commit or abort: the connection is gone, the writer never finishes.
        var store = Spillway.store(cluster.node(1));
        assertThat(store.latest(app).orElseThrow().checkpointId()).isLessThan(abandonedId);
        assertThat(store.restoreLatest(app)).isEqualTo(previous);
        assertThat(store.capacity().stream().mapToInt(c -> c.leases()).sum()).isPositive();

        cluster.clock().advance(CONFIG.getLeaseTimeout().plusSeconds(1));
        SpillwayCluster.awaitCondition("the session discarded, its chunks removed and its leases released",
            Duration.ofSeconds(15), () -> TestData.chunkKeys(cluster.node(0), app, abandonedId).isEmpty()
                && store.capacity().stream().allMatch(c -> c.leases() == 0 && c.reserved() == 0));
        assertThat(store.list(app)).hasSize(1);
        assertThat(store.restoreLatest(app)).isEqualTo(previous);
        store.list(app).forEach(i -> store.delete(app, i.checkpointId()));
    }

    @Test
    @DisplayName("a writer process killed mid-save: the previous checkpoint stays the latest; its chunks, session "
        + "and leases go once its lease runs out, with no operator")
    void writerProcessKilledMidSave() throws Exception {
        String app = "killed-writer";
        var store = Spillway.store(cluster.node(1));
        byte[] previous = TestData.random(1 << 20, 50);
        store.save(app, previous);
        long usedBefore = store.capacity().stream().mapToLong(c -> c.used()).sum();

        Process writer = new ProcessBuilder(JavaProcess.command("256m", HalfSaveClient.class,
            List.of(app, "8", cluster.thinAddress(0), cluster.thinAddress(1), cluster.thinAddress(2))))
            .redirectErrorStream(true).start();
        long abandonedId;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(),
                 StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
                assertThat(line).as("the writer process's output before HALF").isNotNull();
            } while (!line.startsWith("HALF "));
            abandonedId = Long.parseLong(line.substring(5).trim());
            long id = abandonedId;
            SpillwayCluster.awaitCondition("some of the half stored", Duration.ofSeconds(10),
                () -> !TestData.chunkKeys(cluster.node(0), app, id).isEmpty());
        }
        finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).as("the writer process ended").isTrue();
        }

        assertThat(store.latest(app).orElseThrow().checkpointId()).isLessThan(abandonedId);
        assertThat(store.restoreLatest(app)).isEqualTo(previous);
        assertThat(store.capacity().stream().mapToInt(c -> c.leases()).sum()).isPositive();
        cluster.clock().advance(CONFIG.getLeaseTimeout().plusSeconds(1));
        long id = abandonedId;
        SpillwayCluster.awaitCondition("the killed writer's chunks removed, its session and leases gone",
            Duration.ofSeconds(15), () -> TestData.chunkKeys(cluster.node(0), app, id).isEmpty()
                && store.capacity().stream().allMatch(c -> c.leases() == 0 && c.reserved() == 0));
        SpillwayCluster.awaitStableUsage(store);
        assertThat(store.capacity().stream().mapToLong(c -> c.used()).sum()).as("region bytes used")
            .isLessThanOrEqualTo(usedBefore + (1L << 20));
        assertThat(store.list(app)).hasSize(1);
        byte[] next = TestData.random(1 << 20, 51);
        assertThat(store.save(app, next).checkpointId()).isGreaterThan(abandonedId);
        assertThat(store.restoreLatest(app)).isEqualTo(next);
        store.list(app).forEach(i -> store.delete(app, i.checkpointId()));
    }

    @Test
    @DisplayName("with several addresses, the home server's restart is ridden out: saves and restores go on")
    void homeServerRestart() {
        String app = "failover";
        try (SpillwayClient client = SpillwayClient.connect(allAddresses(), cluster.name(2))) {
            byte[] before = TestData.random(2 << 20, 4);
            client.save(app, before);

            cluster.stop(2);
            cluster.awaitAffinitySettled();
            assertThat(client.restoreLatest(app)).isEqualTo(before);
            byte[] during = TestData.random(3 << 20, 5);
            CheckpointInfo info = client.save(app, during);
            assertThat(info.originNode()).isEqualTo(cluster.name(0));
            assertThat(client.restoreLatest(app)).isEqualTo(during);

            cluster.start(2);
            cluster.awaitAffinitySettled();
            byte[] after = TestData.random(1 << 20, 6);
            assertThat(client.save(app, after).originNode()).isEqualTo(cluster.name(2));
            assertThat(client.restoreLatest(app)).isEqualTo(after);
            client.list(app).forEach(i -> client.delete(app, i.checkpointId()));
        }
        finally {
            if (!cluster.isRunning(2))
                cluster.start(2);
        }
        assertThat(cluster.failures()).isEmpty();
    }

    @Test
    @DisplayName("the home server left before the commit: the failure names the checkpoint, the home and what "
        + "happened, in Spillway's words")
    void homeLeftBeforeCommit() {
        String app = "home-left";
        try (SpillwayClient client = SpillwayClient.connect(allAddresses(), cluster.name(2))) {
            CheckpointWriter writer = client.begin(app);
            writer.write(TestData.random(1 << 20, 7));
            cluster.stop(2);
            cluster.awaitAffinitySettled();
            assertThatThrownBy(writer::commit).isInstanceOf(SpillwayException.class)
                .hasMessageContaining("Checkpoint " + app + "/")
                .hasMessageContaining("home server " + cluster.name(2))
                .hasMessageContaining("left the cluster")
                .hasMessageNotContaining("Failed to find deployed service");
            writer.close();
            assertThat(client.list(app)).isEmpty();
        }
        finally {
            if (!cluster.isRunning(2)) {
                cluster.start(2);
                cluster.awaitAffinitySettled();
            }
        }
    }

    @Test
    @DisplayName("with a server failed, a thin client's refusal names it; on a side without a majority of the "
        + "servers, its save and delete are refused with NoQuorumException naming the servers; restores work")
    void minorityRefusesThinSaves() {
        String app = "minority";
        try (SpillwayClient client = SpillwayClient.connect(new ClientConfiguration()
                 .setAddresses(cluster.thinAddress(0)))) {
            byte[] kept = TestData.random(1 << 20, 40);
            CheckpointInfo info = client.save(app, kept);
            // The other two servers fail (they do not leave on purpose): node 0 alone is 1 of 3.
            cluster.fail(2);
            // Node 0 and node 1 now hold a copy of everything, so node 0 alone still has every checkpoint.
            cluster.awaitAffinitySettled();
            // A refusal while a failed server is missing names it, with the type and figures it has embedded.
            assertThatThrownBy(() -> client.begin(app, 100L << 20))
                .isInstanceOfSatisfying(CapacityExhaustedException.class, e -> assertThat(e.neededBytes())
                    .isPositive())
                .hasMessageContaining("the cluster lost server(s) [" + cluster.name(2) + "]");
            cluster.fail(1);
            assertThatThrownBy(() -> client.save(app, TestData.random(1 << 20, 41)))
                .isInstanceOfSatisfying(NoQuorumException.class, e -> assertThat(e.visibleServers())
                    .containsExactly(cluster.name(0)))
                .hasMessageContaining("1 of the 3 Spillway servers expected");
            assertThatThrownBy(() -> client.delete(app, info.checkpointId())).isInstanceOf(NoQuorumException.class);
            assertThat(client.restore(app, info.checkpointId())).isEqualTo(kept);

            cluster.start(1);
            cluster.start(2);
            cluster.awaitAffinitySettled();
            client.save(app, TestData.random(1 << 20, 42));
            client.list(app).forEach(i -> client.delete(app, i.checkpointId()));
        }
        finally {
            for (int i : cluster.indexes()) {
                if (!cluster.isRunning(i))
                    cluster.start(i);
            }
            cluster.awaitAffinitySettled();
        }
        assertThat(cluster.failures()).isEmpty();
    }

    @Test
    @DisplayName("a thin commit whose reply never came is settled: the writer aborts its session, which waits for "
        + "the commit still running on the home; it returns the checkpoint if the commit landed, fails if not")
    void unansweredCommitSettled() throws Exception {
        String app = "unanswered";
        // 1 s, and the second the client adds to a call to the service: a commit held 2 s gets no reply.
        ClientConfiguration thin = allAddresses().setTimeout(1000);
        try (SpillwayClient client = SpillwayClient.connect(thin, cluster.name(1))) {
            // The session is held before the commit starts; once let go, the commit or the abort that followed the
            // client's timeout takes it first: the writer's answer must match what the catalog holds either way.
            ThinWriter first = unansweredCommit(client, app, 60);
            WriteSession session = ServiceHost.of(cluster.node(1)).writeSessions().get(first.sessionId(), null);
            Holder sessionHeld = new Holder(() -> {
                synchronized (session) {
                    Holder.hold();
                }
            });
            CompletableFuture<CheckpointInfo> commit = CompletableFuture.supplyAsync(first::commit);
            SpillwayCluster.awaitCondition("the commit and the abort waiting on the session", Duration.ofSeconds(20),
                () -> waitingOn(session, "commit") && waitingOn(session, "abort"));
            sessionHeld.letGo();
            try {
                CheckpointInfo landed = commit.get(30, TimeUnit.SECONDS);
                assertThat(client.list(app)).extracting(CheckpointInfo::checkpointId)
                    .containsExactly(landed.checkpointId());
                client.delete(app, landed.checkpointId());
            }
            catch (ExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(OperationTimeoutException.class)
                    .hasMessageNotContaining("outcome of its commit is unknown");
                assertThat(client.list(app)).isEmpty();
            }
            first.close();

            // The commit holds the session, waiting for the catalog entry, when the client's timeout runs out: the
            // abort waits for it, the commit lands, and the writer learns that it did.
            ThinWriter second = unansweredCommit(client, app, 61);
            WriteSession running = ServiceHost.of(cluster.node(1)).writeSessions().get(second.sessionId(), null);
            Holder catalogHeld = new Holder(() -> cluster.node(0).cache(Layout.CATALOG_CACHE)
                .invoke(app, new HoldEntry()));
            CompletableFuture<CheckpointInfo> landing = CompletableFuture.supplyAsync(second::commit);
            SpillwayCluster.awaitCondition("the abort waiting for the commit", Duration.ofSeconds(20),
                () -> waitingOn(running, "abort"));
            catalogHeld.letGo();
            CheckpointInfo info = landing.get(30, TimeUnit.SECONDS);
            assertThat(client.list(app)).extracting(CheckpointInfo::checkpointId).containsExactly(info.checkpointId());
            assertThat(client.restore(app, info.checkpointId())).isEqualTo(TestData.random(512 << 10, 61));
            second.close();
            client.delete(app, info.checkpointId());
        }
    }

    /** A writer of 512 KB that has sent its chunks and not committed yet. */
    private static ThinWriter unansweredCommit(SpillwayClient client, String app, int seed) {
        ThinWriter writer = (ThinWriter)client.begin(app);
        writer.write(TestData.random(512 << 10, seed));
        return writer;
    }

    /** Runs a hold on a thread of its own until {@link #letGo}; the hold calls {@link #hold()} once in place. */
    private static final class Holder {
        private static volatile CountDownLatch held;
        private static volatile CountDownLatch release;
        private final Thread thread;

        Holder(Runnable hold) throws InterruptedException {
            held = new CountDownLatch(1);
            release = new CountDownLatch(1);
            thread = new Thread(hold, "thin-client-failure-it-holder");
            thread.start();
            held.await();
        }

        /** Called by the hold once it is in place: returns once the test lets go. */
        static void hold() {
            held.countDown();
            try {
                release.await();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void letGo() throws InterruptedException {
            release.countDown();
            thread.join();
        }
    }

    /** Holds the catalog entry it runs on (an entry processor runs under the entry's lock) until let go. */
    private static final class HoldEntry implements CacheEntryProcessor<Object, Object, Object> {
        @Override
        public Object process(MutableEntry<Object, Object> entry, Object... arguments) {
            Holder.hold();
            return null;
        }
    }

    /** Whether a thread running the checkpoint service's {@code call} waits for {@code session}'s monitor. */
    private static boolean waitingOn(Object session, String call) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        return Arrays.stream(threads.dumpAllThreads(true, false)).anyMatch(t -> t.getThreadState()
            == Thread.State.BLOCKED && t.getLockInfo() != null
            && t.getLockInfo().getIdentityHashCode() == System.identityHashCode(session)
            && Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().endsWith("CheckpointServiceImpl")
                && f.getMethodName().equals(call)));
    }

    @Test
    @DisplayName("chunks a thin writer puts after its home server died and its claim was reclaimed are swept")
    void orphansOfADeadHomeSwept() {
        String app = "orphans";
        int chunk = CONFIG.getChunkSize();
        int home = 2;
        try (IgniteClient client = Ignition.startClient(new ClientConfiguration()
            .setAddresses(cluster.thinAddress(0), cluster.thinAddress(1)))) {
            CheckpointService service = client.services(client.cluster().forNodeId(cluster.node(home).cluster()
                .localNode().id())).serviceProxy(CheckpointService.NAME, CheckpointService.class);
            Begun begun = Reply.value(service.begin(app, 8L * chunk));
            Planned planned = begun.planned();
            // What a thin writer does: each planned chunk goes straight to the server it was planned on.
            for (int i = 0; i < 4; i++) {
                Reply.value(client.services(client.cluster().forNodeId(planned.server(i)))
                    .serviceProxy(CheckpointService.NAME, CheckpointService.class).store(app, begun.checkpointId(), i,
                        planned.partition(i), begun.writer(), planned.lease(i), planned.token(i),
                        TestData.random(chunk, i)));
            }
            cluster.stop(home);
            var store = Spillway.store(cluster.node(0));
            SpillwayCluster.awaitCondition("the dead home's claim reclaimed and its chunks removed",
                Duration.ofSeconds(15), () -> TestData.chunkKeys(cluster.node(0), app, begun.checkpointId()).isEmpty()
                    && store.capacity().stream().allMatch(c -> c.leases() == 0));
            // The writer has not heard yet: it puts the rest of its batch. No claim or manifest names these.
            // Its planned server may be the dead home: any server stores them on an open cluster.
            int[] late = IntStream.range(4, 8).map(planned::partition).toArray();
            long before = modelBytes(late);
            CheckpointService any = client.services(client.cluster().forServers())
                .serviceProxy(CheckpointService.NAME, CheckpointService.class);
            for (int i = 4; i < 8; i++) {
                Reply.value(any.store(app, begun.checkpointId(), i, planned.partition(i), begun.writer(),
                    planned.lease(i), planned.token(i), TestData.random(chunk, i)));
            }
            assertThat(TestData.chunkKeys(cluster.node(0), app, begun.checkpointId())).hasSize(4);
            // A quarter lease later the next sweep finds them, and the failover model counts them until they go.
            cluster.clock().advance(CONFIG.getLeaseTimeout().dividedBy(4).plusSeconds(1));
            SpillwayCluster.awaitCondition("the failover model counts the orphaned chunks", Duration.ofSeconds(15),
                () -> modelBytes(late) >= before + 4L * chunk);

            // Time passes (a lease, then a little at each look) until the sweep has seen them unnamed a lease long.
            cluster.clock().advance(CONFIG.getLeaseTimeout().plusSeconds(1));
            SpillwayCluster.awaitCondition("the orphaned chunks swept", Duration.ofSeconds(15), () -> {
                cluster.clock().advance(Duration.ofSeconds(5));
                return TestData.chunkKeys(cluster.node(0), app, begun.checkpointId()).isEmpty();
            });
        }
        finally {
            if (!cluster.isRunning(home)) {
                cluster.start(home);
                cluster.awaitAffinitySettled();
            }
        }
    }

    /** Bytes the failover model counts in {@code partitions} (each once per occurrence), over the running servers. */
    private static long modelBytes(int[] partitions) {
        long sum = 0;
        for (int i : cluster.running()) {
            long[] all = ServiceHost.of(cluster.node(i)).engine().localCatalogBytes().all();
            for (int p : partitions)
                sum += all[p];
        }
        return sum;
    }

    /** A chunk table of chunks of {@code lengths}, each stored by the session in the partition planned for it. */
    private static byte[] table(Begun begun, int... lengths) {
        ChunkTable t = new ChunkTable();
        for (int i = 0; i < lengths.length; i++)
            t.add(lengths[i], i, i, begun.planned().partition(i), begun.checkpointId(), i, lengths[i], 0, ChunkTable.RAW);
        return Reply.of(() -> t);
    }
}
