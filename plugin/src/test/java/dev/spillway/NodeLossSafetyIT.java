package dev.spillway;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
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
 * N-1 safe admission on four nodes in one JVM: fill until Spillway refuses, then lose a node; every survivor lives
 * through the rebalance and every committed checkpoint restores. (The same with real node processes and SIGKILL is
 * the next step; in this JVM a survivor's region overflow is recorded by the fixture's failure handler.)
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
    static final SpillwayCluster cluster = SpillwayCluster.of(4, 47850, CONFIG);

    @AfterEach
    void restartAndEmpty() {
        for (int i = 0; i < cluster.size(); i++) {
            if (!cluster.isRunning(i))
                cluster.start(i);
        }
        cluster.awaitAffinitySettled();
        CheckpointStore store = Spillway.store(cluster.node(0));
        for (int a = 0; a < 400; a++) {
            for (CheckpointInfo info : store.list("fill-" + a))
                store.delete("fill-" + a, info.checkpointId());
        }
    }

    /**
     * Saves states from every running node in turn until Spillway refuses one, then goes on with smaller states
     * (4 MB, 1 MB, one chunk) until those are refused too; returns what was committed.
     */
    private static Map<String, byte[]> fillUntilRefused() {
        Map<String, byte[]> saved = new LinkedHashMap<>();
        List<Integer> nodes = cluster.running();
        int a = 0;
        for (int size : new int[] {4 << 20, 1 << 20, 256 << 10}) {
            while (true) {
                byte[] state = TestData.random(size, 100 + a);
                String app = "fill-" + a;
                try {
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
    @DisplayName("filled until refused, losing the node holding the most data halts no survivor and loses nothing")
    void loseTheFullestNode() {
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
        int survivor = (victim + 1) % 4;
        cluster.awaitAffinitySettled();
        awaitCondition("rebalance over", Duration.ofSeconds(30), () -> cluster.running().size() == 3);

        CheckpointStore store = Spillway.store(cluster.node(survivor));
        saved.forEach((app, state) -> assertThat(store.restoreLatest(app)).as(app).isEqualTo(state));
        assertThat(cluster.failures()).isEmpty();
        assertThat(store.capacity()).hasSize(3)
            .allSatisfy(c -> assertThat(c.used()).isLessThan((long)(c.regionMaxSize() * 0.98)));
    }

    @Test
    @DisplayName("after a loss, saves that fit N-1 safe on three nodes are admitted and the rest refused")
    void admissionGoesOnAfterALoss() {
        cluster.stop(3);
        cluster.awaitAffinitySettled();
        Map<String, byte[]> saved = fillUntilRefused();
        assertThatThrownBy(() -> Spillway.store(cluster.node(0)).save("fill-refused", new byte[1 << 20]))
            .isInstanceOf(CapacityExhaustedException.class).hasMessageContaining("N-1 safety");
        System.out.printf("N-1 safe admission, 3 nodes: refused at an average region fill of %.1f%%%n",
            averageFill() * 100);
        assertThat(saved).isNotEmpty();
        cluster.stop(2);
        awaitCondition("two nodes left", Duration.ofSeconds(10), () -> cluster.running().size() == 2);
        cluster.awaitAffinitySettled();
        saved.forEach((app, state) -> assertThat(Spillway.store(cluster.node(1)).restoreLatest(app)).as(app)
            .isEqualTo(state));
        assertThat(cluster.failures()).isEmpty();
    }
}
