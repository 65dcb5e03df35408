package dev.spillway;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * N-1 safe admission on nodes in one JVM: fill until Spillway refuses, then lose a node; every survivor lives
 * through the rebalance and every committed checkpoint restores. In this JVM a survivor's region overflow is
 * recorded by the fixture's failure handler; {@code NodeLossProcessIT} does the same with node processes and
 * SIGKILL. Five nodes start; each test stops those it does not use.
 */
class NodeLossSafetyIT {
    static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setRetention(1)
        .setPartitions(128)
        .setMetadataRegionSize(16L << 20);

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(5, TestPorts.NODE_LOSS_SAFETY_IT, CONFIG);

    /** Applications the fills saved, for the clean-up after each test. */
    private static final java.util.Set<String> APPS = new java.util.LinkedHashSet<>();

    /** Stops the highest-numbered nodes until {@code n} run, then waits for the affinity to settle. */
    private static void keep(int n) {
        for (int i = cluster.size() - 1; cluster.running().size() > n; i--)
            cluster.stop(i);
        cluster.awaitAffinitySettled();
    }

    @AfterEach
    void restartAndEmpty() {
        for (int i = 0; i < cluster.size(); i++) {
            if (!cluster.isRunning(i))
                cluster.start(i);
        }
        cluster.awaitAffinitySettled();
        emptyApps();
    }

    /** Deletes every checkpoint the fills saved. */
    private static void emptyApps() {
        CheckpointStore store = Spillway.store(cluster.node(cluster.running().get(0)));
        for (String app : APPS) {
            for (CheckpointInfo info : store.list(app))
                store.delete(app, info.checkpointId());
        }
        APPS.clear();
    }

    /**
     * Saves states from every running node in turn until Spillway refuses one, then goes on with smaller states
     * (4 MB, 1 MB, one chunk) until those are refused too; returns what was committed.
     */
    private static Map<String, byte[]> fillUntilRefused() {
        return fillUntilRefused(0);
    }

    /** As above, naming the applications fill-{firstApp}, fill-{firstApp + 1}, ... */
    private static Map<String, byte[]> fillUntilRefused(int firstApp) {
        Map<String, byte[]> saved = new LinkedHashMap<>();
        List<Integer> nodes = cluster.running();
        int a = firstApp;
        for (int size : new int[] {4 << 20, 1 << 20, 256 << 10}) {
            while (true) {
                byte[] state = TestData.random(size, 100 + a);
                String app = "fill-" + a;
                try {
                    APPS.add(app);
                    Spillway.store(cluster.node(nodes.get(a % nodes.size()))).save(app, state);
                    saved.put(app, state);
                    a++;
                }
                catch (CapacityExhaustedException e) {
                    assertThat(e.getMessage()).contains("N-1 safety: losing node", "would leave survivor");
                    break;
                }
            }
        }
        return saved;
    }

    private static double averageFill() {
        List<NodeCapacity> nodes = Spillway.store(cluster.node(cluster.running().get(0))).capacity();
        return nodes.stream().mapToDouble(c -> (double)c.used() / c.regionMaxSize()).average().orElse(0);
    }

    @Test
    @DisplayName("the average region fill admission reaches before refusing, with 5, 4 and 3 nodes")
    void fillFigures() {
        StringBuilder figures = new StringBuilder();
        for (int n : new int[] {5, 4, 3}) {
            keep(n);
            emptyApps();
            fillUntilRefused();
            double fill = averageFill();
            figures.append(String.format("%d nodes: %.1f%% (a perfect spread allows %.1f%%); ", n, fill * 100,
                100.0 * CONFIG.getFailoverLimit() * (n - 1) / n));
            assertThat(fill).isGreaterThan(0.55);
        }
        System.out.println("N-1 safe admission, average region fill when refused: " + figures);
        assertThat(cluster.failures()).isEmpty();
    }

    @Test
    @DisplayName("filled until refused, losing the node holding the most data halts no survivor and loses nothing")
    void loseTheFullestNode() {
        keep(4);
        Map<String, byte[]> saved = fillUntilRefused();
        double fill = averageFill();
        System.out.printf("N-1 safe admission, 4 nodes: refused at an average region fill of %.1f%%%n", fill * 100);
        Spillway.store(cluster.node(0)).capacity().forEach(c -> System.out.printf("  %s used %.1f%%, N-1 safe "
            + "headroom %d bytes%n", c.node(), 100.0 * c.used() / c.regionMaxSize(), c.safeHeadroom()));
        System.out.println("  worst single loss: " + Spillway.store(cluster.node(0)).worstLoss().orElseThrow());
        assertThat(fill).isGreaterThan(0.6);
        WorstLoss worst = Spillway.store(cluster.node(0)).worstLoss().orElseThrow();
        assertThat(worst.headroom()).as("refused because the worst loss %s leaves too little room", worst)
            .isLessThan(4L << 20);
        assertThat(Spillway.store(cluster.node(0)).capacity())
            .allSatisfy(c -> assertThat(c.safeHeadroom()).isLessThan(c.free() + 1));
        NodeCapacity fullest = Spillway.store(cluster.node(0)).capacity().stream()
            .max(Comparator.comparingLong(NodeCapacity::used)).orElseThrow();
        int victim = cluster.indexes().stream().filter(i -> cluster.name(i).equals(fullest.node())).findFirst()
            .orElseThrow();

        cluster.stop(victim);
        int survivor = cluster.running().stream().filter(i -> i != victim).findFirst().orElseThrow();
        cluster.awaitAffinitySettled();
        CheckpointStore store = Spillway.store(cluster.node(survivor));
        SpillwayCluster.awaitStableUsage(store);
        saved.forEach((app, state) -> assertThat(store.restoreLatest(app)).as(app).isEqualTo(state));
        assertThat(cluster.failures()).isEmpty();
        assertThat(store.capacity()).hasSize(3)
            .allSatisfy(c -> assertThat(c.used()).isLessThan((long)(c.regionMaxSize() * 0.98)));
    }

    @Test
    @DisplayName("after a loss, saves that fit N-1 safe on the three survivors are admitted and the rest refused")
    void admissionGoesOnAfterALoss() {
        keep(4);
        Map<String, byte[]> saved = fillUntilRefused();
        cluster.stop(3);
        cluster.awaitAffinitySettled();
        CheckpointStore store = Spillway.store(cluster.node(0));
        SpillwayCluster.awaitStableUsage(store);
        // Filled N-1 safe for four nodes, the three survivors are past what is N-1 safe for three.
        assertThatThrownBy(() -> store.save("fill-refused", new byte[1 << 20]))
            .isInstanceOf(CapacityExhaustedException.class).hasMessageContaining("N-1 safety");
        List<String> apps = List.copyOf(saved.keySet());
        for (String app : apps.subList(0, apps.size() / 2)) {
            store.delete(app, store.latest(app).orElseThrow().checkpointId());
            saved.remove(app);
        }
        Map<String, byte[]> more = fillUntilRefused(1000);
        assertThat(more).as("saves admitted again once deletes made room").isNotEmpty();
        saved.putAll(more);
        System.out.printf("N-1 safe admission after a loss, 3 nodes: refused at an average region fill of %.1f%%%n",
            averageFill() * 100);

        cluster.stop(2);
        cluster.awaitAffinitySettled();
        SpillwayCluster.awaitStableUsage(Spillway.store(cluster.node(1)));
        saved.forEach((app, state) -> assertThat(Spillway.store(cluster.node(1)).restoreLatest(app)).as(app)
            .isEqualTo(state));
        assertThat(cluster.failures()).isEmpty();
    }
}
