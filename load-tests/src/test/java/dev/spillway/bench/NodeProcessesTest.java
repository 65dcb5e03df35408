package dev.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's {@code --metrics-port}: one port per node slot from the one given, none by default. */
class NodeProcessesTest {
    @Test
    @DisplayName("--metrics-port 19100: node slot i is started with --metrics-port 19100+i")
    void onePortPerSlot() {
        NodeProcesses p = new NodeProcesses("1g", List.of(), 19100);
        assertThat(p.nodeOptions(0)).containsExactly("--metrics-port", "19100");
        assertThat(p.nodeOptions(4)).containsExactly("--metrics-port", "19104");
        assertThat(NodeProcesses.of("1g").nodeOptions(3)).isEmpty();
    }

    @Test
    @DisplayName("a first port that would leave the last node slot without one is refused, naming the option")
    void portBeyondTheLastSlotRefused() {
        assertThat(new NodeProcesses("1g", List.of(), NodeProcesses.MAX_METRICS_PORT)
            .nodeOptions(BenchCluster.MAX_SLOTS - 1)).containsExactly("--metrics-port", "65535");
        assertThatThrownBy(() -> new NodeProcesses("1g", List.of(), NodeProcesses.MAX_METRICS_PORT + 1))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("--metrics-port 65527").hasMessageContaining("from 1 to 65526");
        assertThatThrownBy(() -> new NodeProcesses("1g", List.of(), -1))
            .hasMessageContaining("--metrics-port -1");
    }

    @Test
    @DisplayName("bench refuses a bad --metrics-port as a usage error (exit 2) before starting any node")
    void benchRefusesBadPort(@TempDir Path out) {
        assertThat(Bench.run("fill", "--metrics-port", "70000", "--out", out.toString())).isEqualTo(2);
    }
}
