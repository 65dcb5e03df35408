package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.ClusterStatus.Checkpoint;
import dev.spillway.ClusterStatus.NodeStatus;
import dev.spillway.PlacementReport.NodePlacement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterStatusTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static NodeCapacity node(String name) {
        return new NodeCapacity(name, 100, 90, 10, 0, 0, 80);
    }

    private static Checkpoint checkpoint(String app, long id, String origin, NodePlacement... placement) {
        long size = List.of(placement).stream().mapToLong(NodePlacement::bytes).sum();
        int chunks = List.of(placement).stream().mapToInt(NodePlacement::chunks).sum();
        return new Checkpoint(new CheckpointInfo(app, id, size, chunks, origin, NOW, Duration.ofMillis(5)),
            List.of(placement));
    }

    @Test
    @DisplayName("each node counts the applications, checkpoints, local and spilled bytes whose primaries it holds")
    void tallies() {
        ClusterStatus status = ClusterStatus.of(NOW, List.of(node("a"), node("b"), node("c")), null, List.of(
            checkpoint("x", 1, "a", new NodePlacement("a", 2, 200, true), new NodePlacement("b", 1, 50, false)),
            checkpoint("x", 2, "a", new NodePlacement("a", 1, 100, true)),
            checkpoint("y", 7, "b", new NodePlacement("b", 0, 0, true), new NodePlacement("a", 3, 300, false))),
            false);

        assertThat(status.nodes()).containsExactly(
            new NodeStatus(node("a"), 2, 3, 300, 300),
            new NodeStatus(node("b"), 1, 1, 0, 50),
            new NodeStatus(node("c"), 0, 0, 0, 0));
        assertThat(status.applications()).containsExactly("x", "y");
        assertThat(status.latest("x", 1)).extracting(c -> c.info().checkpointId()).containsExactly(2L);
        assertThat(status.latest("x", 5)).extracting(c -> c.info().checkpointId()).containsExactly(2L, 1L);
        assertThat(status.checkpoints().get(0).spilledBytes()).isEqualTo(50);
        assertThat(status.checkpoints().get(2).localBytes()).isZero();
        assertThat(status.worstLossIfAny()).isEmpty();
    }

    @Test
    @DisplayName("N-1 safe: all copies in place and the worst loss fits; otherwise the reason in an operator's words")
    void n1Safe() {
        List<NodeCapacity> nodes = List.of(node("a"), node("b"));
        WorstLoss fits = new WorstLoss("a", "b", 80, 90);
        WorstLoss over = new WorstLoss("a", "b", 95 << 20, 90 << 20);
        assertThat(ClusterStatus.of(NOW, nodes, fits, List.of(), false).n1Safe()).isTrue();
        assertThat(ClusterStatus.of(NOW, nodes, fits, List.of(), false).notSafeBecause()).isEmpty();
        assertThat(ClusterStatus.of(NOW, nodes, fits, List.of(), true).notSafeBecause())
            .contains("still receiving their copies");
        assertThat(ClusterStatus.of(NOW, nodes, over, List.of(), false).notSafeBecause())
            .isEqualTo("losing a would overfill b by 5 MB: delete checkpoints or add a server first");
        assertThat(ClusterStatus.of(NOW, nodes, null, List.of(), false).notSafeBecause()).contains("no backups");
        assertThat(ClusterStatus.of(NOW, nodes, null, List.of(), false).n1Safe()).isFalse();
    }
}
