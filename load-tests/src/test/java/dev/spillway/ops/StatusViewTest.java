package dev.spillway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointInfo;
import dev.spillway.ClusterStatus;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport.NodePlacement;
import dev.spillway.WorstLoss;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StatusViewTest {
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static ClusterStatus status(WorstLoss worst) {
        CheckpointInfo info = new CheckpointInfo("app", 9, 3 << 20, 3, "a", NOW.minusSeconds(7200),
            Duration.ofMillis(12), List.of(1), 3 << 20);
        return ClusterStatus.of(NOW, List.of(new NodeCapacity("a", 100 << 20, 90 << 20, 50 << 20, 0, 0, 10 << 20),
            new NodeCapacity("b", 100 << 20, 90 << 20, 20 << 20, 0, 0, 10 << 20)), worst,
            List.of(new ClusterStatus.Checkpoint(info, List.of(new NodePlacement("a", 2, 2 << 20, true),
                new NodePlacement("b", 1, 1 << 20, false)))), false);
    }

    @Test
    @DisplayName("text: nodes with their share of the region, a loss that would overfill named as such, damage shown")
    void text() {
        String text = StatusView.text(status(new WorstLoss("a", "b", 95 << 20, 92 << 20)), 3, NOW);
        assertThat(text).contains("2 server node(s), 1 application(s), 1 checkpoint(s)")
            .containsPattern("a\\s+100 MB\\s+90 MB\\s+50 MB \\(50%\\)")
            .contains("would use 95 MB of its 92 MB limit (3 MB OVER: not N-1 safe)")
            .contains("a 2 MB (local), b 1 MB")
            .contains("DAMAGED chunks [1]")
            .containsPattern("9\\s+3 MB\\s+2 h");
        assertThat(StatusView.text(status(null), 3, NOW)).contains("Worst single loss: none to survive");
    }

    @Test
    @DisplayName("ages read as people read them")
    void ages() {
        assertThat(StatusView.age(Duration.ofSeconds(-3))).isEqualTo("0 s");
        assertThat(StatusView.age(Duration.ofSeconds(119))).isEqualTo("119 s");
        assertThat(StatusView.age(Duration.ofMinutes(119))).isEqualTo("119 min");
        assertThat(StatusView.age(Duration.ofHours(47))).isEqualTo("47 h");
        assertThat(StatusView.age(Duration.ofDays(3))).isEqualTo("3 d");
    }

    @Test
    @DisplayName("JSON: numbers for bytes, the spilled part of a checkpoint by node")
    @SuppressWarnings("unchecked")
    void json() {
        Map<String, Object> json = StatusView.json(status(null), 3);
        assertThat(json.get("worstLoss")).isNull();
        List<Map<String, Object>> nodes = (List<Map<String, Object>>)json.get("nodes");
        assertThat(nodes.get(1)).containsEntry("node", "b").containsEntry("spilledBytes", 1L << 20);
        List<Map<String, Object>> checkpoints = (List<Map<String, Object>>)((Map<String, Object>)json
            .get("applications")).get("app");
        assertThat(checkpoints.get(0)).containsEntry("checkpointId", 9L).containsEntry("size", 3L << 20);
    }
}
