package dev.spillway;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.wire.Layout;
import dev.spillway.test.PlainIgnite;
import dev.spillway.test.ProcessCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Guarantee 5 with real node processes on loopback: server nodes each in their own JVM with Ignite's default
 * failure handler (a region overflow halts the JVM with exit 130), applications on those nodes saving until
 * Spillway refuses with the capacity error, then one node killed with SIGKILL. Every survivor lives through the
 * rebalance and every committed checkpoint restores byte-equal. The control fills the same cluster settings with
 * plain Ignite puts, no admission, and shows that the same kill halts a survivor: the test can fail.
 *
 * <p>Regions of 64 MB, chunks of 256 KB, 128 partitions, backups 1: a region fills in seconds.
 */
class NodeLossProcessIT {
    private static final int MB = 1 << 20;
    /** Region bytes a survivor may reach after a loss: the plugin's failover limit plus a little page slack. */
    private static final double SURVIVOR_LIMIT = 0.98;

    /** One committed save: its size and seed (the bytes are {@code TestData.random(size, seed)}), id and origin. */
    private record Saved(int size, long seed, long checkpointId, String origin) {
    }

    @Test
    @DisplayName("4 node processes filled until refused: SIGKILL of the node holding the most data halts no "
        + "survivor and loses no checkpoint")
    void losingTheFullestOfFourNodes(TestInfo info) {
        try (ProcessCluster cluster = ProcessCluster.builder(testName(info),
            TestPorts.NODE_LOSS_PROCESS_IT.slot(0)).servers(4).start()) {
            Ignite client = cluster.startClient();
            Map<String, Saved> saved = new LinkedHashMap<>();
            fillUntilRefused(cluster, saved, 0);
            report("N-1 admission, 4 node processes: refused at %.1f%% average region fill",
                averageFill(client) * 100);

            int victim = cluster.indexOf(fullest(client).node());
            killAndCheckSurvivors(cluster, victim, saved);
        }
    }

    @Test
    @DisplayName("4 node processes filled until refused: SIGKILL of the node that originated the most checkpoints "
        + "halts no survivor and loses no checkpoint")
    void losingTheOriginOfMostCheckpoints(TestInfo info) {
        try (ProcessCluster cluster = ProcessCluster.builder(testName(info),
            TestPorts.NODE_LOSS_PROCESS_IT.slot(1)).servers(4).start()) {
            Ignite client = cluster.startClient();
            Map<String, Saved> saved = new LinkedHashMap<>();
            fillUntilRefused(cluster, saved, 0);
            report("N-1 admission, 4 node processes: refused at %.1f%% average region fill",
                averageFill(client) * 100);

            Map<String, Long> originated = saved.values().stream()
                .collect(Collectors.groupingBy(Saved::origin, Collectors.counting()));
            Map<String, Long> originatedBytes = saved.values().stream()
                .collect(Collectors.groupingBy(Saved::origin, Collectors.summingLong(Saved::size)));
            String origin = originated.keySet().stream()
                .max(Comparator.<String>comparingLong(originated::get).thenComparingLong(originatedBytes::get))
                .orElseThrow();
            report("Checkpoints originated per node: %s; killing %s", originated, origin);
            killAndCheckSurvivors(cluster, cluster.indexOf(origin), saved);
        }
    }

    @Test
    @DisplayName("after a loss and its rebalance, saves that fit N-1 safe on the 3 survivors are admitted, the rest "
        + "refused; a loss among those 3 halts no survivor either")
    void admissionAfterALossThenALossOfThree(TestInfo info) {
        try (ProcessCluster cluster = ProcessCluster.builder(testName(info),
            TestPorts.NODE_LOSS_PROCESS_IT.slot(2)).servers(4).start()) {
            Ignite client = cluster.startClient();
            CheckpointStore store = Spillway.store(client);
            Map<String, Saved> saved = new LinkedHashMap<>();
            int next = fillUntilRefused(cluster, saved, 0);
            report("N-1 admission, 4 node processes: refused at %.1f%% average region fill",
                averageFill(client) * 100);
            // Vary the victim: the node holding the least data this time.
            int first = cluster.indexOf(store.capacity().stream()
                .min(Comparator.comparingLong(NodeCapacity::used)).orElseThrow().node());
            killAndCheckSurvivors(cluster, first, saved);

            // Four nodes' N-1 safe fill does not fit N-1 safe on three: refused.
            CapacityExhaustedException refused = refusal(() -> save(cluster, cluster.alive().get(0), "after-loss",
                1 << 20, 1));
            assertThat(refused).as("a save right after the loss, on 3 nodes holding 4 nodes' fill").isNotNull();
            assertThat(refused.getMessage()).contains("N-1 safety");
            report("Right after the loss, a 1 MB save is refused: %s", refused.getMessage());

            // Make room: delete the largest checkpoints until a third of the state is left.
            long total = saved.values().stream().mapToLong(Saved::size).sum();
            List<String> largestFirst = new ArrayList<>(saved.keySet());
            largestFirst.sort(Comparator.comparingInt((String app) -> saved.get(app).size()).reversed());
            long left = total;
            for (String app : largestFirst) {
                if (left <= total / 3)
                    break;
                store.delete(app, saved.get(app).checkpointId());
                left -= saved.remove(app).size();
            }
            List<NodeCapacity> emptier = awaitUsedStable(client, cluster.alive().size());
            report("Deleted checkpoints down to %d MB of state: %.1f%% average region fill", left / MB,
                100.0 * emptier.stream().mapToLong(NodeCapacity::used).sum()
                    / emptier.stream().mapToLong(NodeCapacity::regionMaxSize).sum());

            int admittedFrom = next;
            next = fillUntilRefused(cluster, saved, next);
            assertThat(next - admittedFrom).as("saves admitted on the 3 survivors after making room").isPositive();
            report("N-1 admission, 3 node processes (after losing 1 of 4): %d saves admitted, refused at "
                + "%.1f%% average region fill", next - admittedFrom, averageFill(client) * 100);
            saved.forEach((app, s) -> assertRestores(store, app, s));

            int second = cluster.indexOf(fullest(client).node());
            killAndCheckSurvivors(cluster, second, saved);
        }
    }

    @Test
    @DisplayName("control: the same fill as plain Ignite puts, no admission: SIGKILL of the fullest node halts a "
        + "survivor")
    void plainIgniteHaltsASurvivor(TestInfo info) {
        int regionMb = 64;
        try (ProcessCluster cluster = ProcessCluster.builder(testName(info),
            TestPorts.NODE_LOSS_PROCESS_IT.slot(3)).servers(4)
            .plainRegionMb(regionMb).start()) {
            Ignite client = cluster.startClient();
            IgniteCache<Long, byte[]> cache = PlainIgnite.createCache(client, cluster.config().getPartitions(), 1);
            SplittableRandom keys = new SplittableRandom(7);
            Map<String, Long> used = PlainIgnite.used(client);
            int puts = 0;
            // About 80% average fill; but stop when the fullest region reaches 90% (the skew is large): a region
            // that overflows while filling would halt its node before the kill.
            long region = regionMb * (long)MB;
            while (PlainIgnite.average(used) < 0.8 * region && PlainIgnite.max(used) < 0.9 * region) {
                for (int i = 0; i < 8; i++, puts++) {
                    long key = keys.nextLong();
                    cache.put(key, TestData.random(256 << 10, key));
                }
                used = PlainIgnite.used(client);
            }
            String fullest = PlainIgnite.fullest(used);
            report("Plain Ignite control, 4 node processes: %d puts of 256 KB, plain regions at %.1f%% "
                + "average fill (fullest %s at %.1f%%)", puts, 100.0 * PlainIgnite.average(used) / region,
                fullest, 100.0 * PlainIgnite.max(used) / region);
            assertThat(cluster.alive()).as("every node alive before the kill").hasSize(4);

            int victim = cluster.indexOf(fullest);
            List<Integer> survivors = new ArrayList<>(cluster.alive());
            survivors.remove(Integer.valueOf(victim));
            long killedAt = System.nanoTime();
            cluster.kill(victim);
            awaitCondition("a survivor of the plain cluster halts or runs out of region memory", Duration.ofSeconds(30),
                () -> survivors.stream().anyMatch(i -> !cluster.isAlive(i)
                    || cluster.log(i).contains("IgniteOutOfMemoryException")));
            double seconds = (System.nanoTime() - killedAt) / 1e9;
            try {
                // Ignite's default handler halts a node right after its region overflows: wait to see the exit code.
                awaitCondition("a survivor exits", Duration.ofSeconds(10),
                    () -> survivors.stream().anyMatch(i -> !cluster.isAlive(i)));
            }
            catch (AssertionError e) {
                report("Plain Ignite control: no survivor exited within 10 s of the overflow");
            }
            for (int i : survivors) {
                report("Plain Ignite control: survivor %s %s%s (overflow seen %.1f s after the kill)", cluster.name(i),
                    cluster.isAlive(i) ? "alive" : "exited with " + cluster.exitValue(i),
                    cluster.log(i).contains("IgniteOutOfMemoryException")
                        ? ", logged an Ignite region out-of-memory (expected in this control)" : "",
                    seconds);
            }
        }
    }

    // ---- the Spillway fill -------------------------------------------------------------------------------------

    /**
     * Saves states of 4 MB, then 1 MB, then 256 KB, each size until Spillway refuses it with the N-1 safety
     * error, from applications on the running servers in turn. Adds every committed save to {@code saved}, with
     * apps numbered from {@code firstApp}; returns the next app number.
     */
    private static int fillUntilRefused(ProcessCluster cluster, Map<String, Saved> saved, int firstApp) {
        List<Integer> origins = cluster.alive();
        long start = System.nanoTime();
        String lastRefusal = null;
        int a = firstApp;
        for (int size : new int[] {4 * MB, MB, 256 << 10}) {
            while (true) {
                int origin = origins.get(a % origins.size());
                String app = "fill-" + a;
                long seed = 1000L + a;
                long[] id = new long[1];
                CapacityExhaustedException refused = refusal(() -> id[0] = save(cluster, origin, app, size, seed));
                if (refused != null) {
                    assertThat(refused.getMessage()).as("refusal of %s (%d bytes) from %s", app, size,
                        cluster.name(origin)).contains("N-1 safety");
                    lastRefusal = refused.getMessage();
                    break;
                }
                saved.put(app, new Saved(size, seed, id[0], cluster.name(origin)));
                a++;
            }
        }
        assertThat(a).as("saves committed").isGreaterThan(firstApp);
        report("%d saves committed from %d nodes in %.1f s; the last refusal: %s", a - firstApp, origins.size(),
            (System.nanoTime() - start) / 1e9, lastRefusal);
        return a;
    }

    /** Saves a state as an application running on node {@code origin} would: the call runs there. */
    private static long save(ProcessCluster cluster, int origin, String app, int size, long seed) {
        Ignite client = cluster.client();
        return client.compute(client.cluster().forNodeId(nodeId(cluster, origin))).call(new SaveJob(app, size, seed));
    }

    /** Runs {@code save}; returns the capacity error it failed with (unwrapped from compute), or null on success. */
    private static CapacityExhaustedException refusal(Runnable save) {
        try {
            save.run();
            return null;
        }
        catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof CapacityExhaustedException ce)
                    return ce;
            }
            throw e;
        }
    }

    /** Runs on a server node: saves a state regenerated from its seed through that node's own Spillway store. */
    private static final class SaveJob implements IgniteCallable<Long> {
        private static final long serialVersionUID = 1L;

        @IgniteInstanceResource
        private transient Ignite ignite;
        private final String app;
        private final int size;
        private final long seed;

        SaveJob(String app, int size, long seed) {
            this.app = app;
            this.size = size;
            this.seed = seed;
        }

        @Override
        public Long call() {
            return Spillway.store(ignite).save(app, TestData.random(size, seed)).checkpointId();
        }
    }

    // ---- the loss ----------------------------------------------------------------------------------------------

    /**
     * SIGKILLs node {@code victim}, waits for the rebalance, then checks what a user would: every other process
     * alive, no node hit a region overflow or a critical error, every committed checkpoint restores byte-equal.
     */
    private static void killAndCheckSurvivors(ProcessCluster cluster, int victim, Map<String, Saved> saved) {
        Ignite client = cluster.client();
        List<Integer> survivors = new ArrayList<>(cluster.alive());
        survivors.remove(Integer.valueOf(victim));
        NodeCapacity before = Spillway.store(client).capacity().stream()
            .filter(c -> c.node().equals(cluster.name(victim))).findFirst().orElseThrow();
        report("Killing %s (%.1f%% of its region used, %d checkpoints committed)", cluster.name(victim),
            100.0 * before.used() / before.regionMaxSize(), saved.size());
        cluster.kill(victim);

        List<NodeCapacity> after;
        try {
            awaitCondition("the client sees " + survivors.size() + " servers", Duration.ofSeconds(30),
                () -> client.cluster().forServers().nodes().size() == survivors.size());
            awaitAffinitySettled(cluster);
            after = awaitUsedStable(client, survivors.size());
        }
        catch (AssertionError | RuntimeException e) {
            // A survivor that died explains a rebalance that never settles: report that first.
            assertSurvivorsHealthy(cluster, survivors);
            throw e;
        }
        assertSurvivorsHealthy(cluster, survivors);
        assertThat(cluster.clientFailures()).isEmpty();
        NodeCapacity busiest = after.stream()
            .max(Comparator.comparingDouble(c -> (double)c.used() / c.regionMaxSize())).orElseThrow();
        report("After losing %s: %d survivors alive, busiest %s at %.1f%% of its region",
            cluster.name(victim), survivors.size(), busiest.node(), 100.0 * busiest.used() / busiest.regionMaxSize());
        assertThat(after).hasSize(survivors.size()).allSatisfy(c -> assertThat(c.used()).as("%s used", c.node())
            .isLessThan((long)(c.regionMaxSize() * SURVIVOR_LIMIT)));

        long start = System.nanoTime();
        CheckpointStore store = Spillway.store(client);
        saved.forEach((app, s) -> assertRestores(store, app, s));
        report("Restored %d checkpoints byte-equal through the client in %.1f s", saved.size(),
            (System.nanoTime() - start) / 1e9);
    }

    /** Every survivor alive; no node's log shows a region overflow or a critical failure. */
    private static void assertSurvivorsHealthy(ProcessCluster cluster, List<Integer> survivors) {
        for (int i : survivors) {
            if (!cluster.isAlive(i))
                fail("Survivor %s exited with %d; log %s ends:%n%s", cluster.name(i), cluster.exitValue(i),
                    cluster.logFile(i), cluster.tail(i));
        }
        for (int i = 0; i < cluster.size(); i++) {
            assertThat(problemLines(cluster, i)).as("region overflow or critical error in %s's log %s",
                cluster.name(i), cluster.logFile(i)).isEmpty();
        }
    }

    private static void assertRestores(CheckpointStore store, String app, Saved s) {
        long t0 = System.nanoTime();
        byte[] restored = store.restoreLatest(app);
        if (System.nanoTime() - t0 > 2_000_000_000L)
            report("Slow restore: %s took %.1f s (%s)", app, (System.nanoTime() - t0) / 1e9, s);
        if (!Arrays.equals(restored, TestData.random(s.size(), s.seed())))
            fail("%s restored %d bytes that differ from the %d bytes saved (checkpoint %d from %s)", app,
                restored.length, s.size(), s.checkpointId(), s.origin());
    }

    /** Lines of node {@code i}'s log that show a region overflow or a critical failure. */
    private static List<String> problemLines(ProcessCluster cluster, int i) {
        return cluster.log(i).lines()
            .filter(l -> l.contains("IgniteOutOfMemoryException") || l.contains("Critical system error"))
            .limit(5).toList();
    }

    /** Waits until the chunk cache's owners, as the client sees them, are the rendezvous assignment of the servers. */
    private static void awaitAffinitySettled(ProcessCluster cluster) {
        Ignite client = cluster.client();
        int backups = cluster.config().getBackups();
        awaitCondition("chunk-cache affinity settled", Duration.ofSeconds(30), () -> {
            Affinity<Object> affinity = client.affinity(Layout.CHUNK_CACHE);
            List<ClusterNode> servers = new ArrayList<>(client.cluster()
                .forAttribute(Layout.SERVER_ATTRIBUTE, "true").nodes());
            List<List<ClusterNode>> ideal = IgniteAdapter.assignment(servers, affinity.partitions(), backups);
            for (int p = 0; p < affinity.partitions(); p++) {
                if (!new ArrayList<>(affinity.mapPartitionToPrimaryAndBackups(p)).equals(ideal.get(p)))
                    return false;
            }
            return true;
        });
    }

    /**
     * Waits until {@code servers} regions report the same used bytes for 1.5 s (the rebalance is over), at most
     * 30 s; returns the last report.
     */
    private static List<NodeCapacity> awaitUsedStable(Ignite client, int servers) {
        CheckpointStore store = Spillway.store(client);
        List<List<NodeCapacity>> last = new ArrayList<>(List.of(List.of()));
        long[] since = {System.nanoTime()};
        awaitCondition("checkpoint regions stop changing", Duration.ofSeconds(30), () -> {
            List<NodeCapacity> now = store.capacity();
            Map<String, Long> used = now.stream().collect(Collectors.toMap(NodeCapacity::node, NodeCapacity::used));
            Map<String, Long> previous = last.get(0).stream()
                .collect(Collectors.toMap(NodeCapacity::node, NodeCapacity::used));
            if (now.size() != servers || !used.equals(previous)) {
                last.set(0, now);
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] > 1_500_000_000L;
        });
        return last.get(0);
    }

    private static double averageFill(Ignite client) {
        List<NodeCapacity> nodes = Spillway.store(client).capacity();
        return (double)nodes.stream().mapToLong(NodeCapacity::used).sum()
            / nodes.stream().mapToLong(NodeCapacity::regionMaxSize).sum();
    }

    private static NodeCapacity fullest(Ignite client) {
        return Spillway.store(client).capacity().stream().max(Comparator.comparingLong(NodeCapacity::used))
            .orElseThrow();
    }

    private static UUID nodeId(ProcessCluster cluster, int i) {
        return cluster.client().cluster().forServers().nodes().stream()
            .filter(n -> n.consistentId().toString().equals(cluster.name(i))).findFirst()
            .orElseThrow(() -> new IllegalStateException("Node " + cluster.name(i) + " is not in the topology"))
            .id();
    }

    /** A line of the test's report, with the time, beside the client node's log lines. */
    private static void report(String format, Object... args) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + String.format(format, args));
    }

    private static String testName(TestInfo info) {
        return NodeLossProcessIT.class.getSimpleName() + "-" + info.getTestMethod().orElseThrow().getName();
    }
}
