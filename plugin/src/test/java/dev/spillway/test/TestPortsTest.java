package dev.spillway.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TestPortsTest {
    @Test
    @DisplayName("no two slots of the table overlap, and none overlaps a port the product binds by default")
    void noOverlap() {
        List<TestPorts.Slot> all = TestPorts.all();
        for (int i = 0; i < all.size(); i++) {
            for (int j = i + 1; j < all.size(); j++)
                assertThat(all.get(i).range().overlaps(all.get(j).range()))
                    .as(all.get(i).range() + " vs " + all.get(j).range()).isFalse();
            for (TestPorts.Range product : TestPorts.PRODUCT)
                assertThat(all.get(i).range().overlaps(product)).as(all.get(i).range() + " vs " + product).isFalse();
        }
        assertThat(TestPorts.NODE_LOSS_PROCESS_IT.slot(3).base() + TestPorts.SLOT)
            .isEqualTo(TestPorts.PLUGIN_CONFIGURATION_IT.slot().base());
    }

    @Test
    @DisplayName("the whole table lies below the kernel's ephemeral ports, which outgoing connections take")
    void belowEphemeralPorts() throws IOException {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int firstEphemeral = Files.isReadable(range)
            ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32_768;
        List<TestPorts.Slot> all = TestPorts.all();
        TestPorts.Slot last = all.get(all.size() - 1);
        assertThat(last.range().to()).as(last.range() + " vs first ephemeral port").isLessThan(firstEphemeral);
    }

    @Test
    @DisplayName("a slot whose discovery port answers fails fast, naming the port and its owner")
    void foreignNode() throws IOException {
        TestPorts.Slot slot = TestPorts.PLAIN_IGNITE_THRESHOLD_SWEEP.slot();
        slot.assertNoNodeAnswers();
        try (ServerSocket foreign = new ServerSocket(slot.discovery() + 3, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(slot::assertNoNodeAnswers).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Port " + (slot.discovery() + 3))
                .hasMessageContaining("PLAIN_IGNITE_THRESHOLD_SWEEP");
        }
    }
}
