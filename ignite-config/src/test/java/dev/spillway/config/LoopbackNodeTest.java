package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.plugin.SpillwayPluginProvider;
import dev.spillway.test.LoopbackNode;
import dev.spillway.test.TestPorts;
import java.nio.file.Path;
import java.util.Map;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.StopNodeOrHaltFailureHandler;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests' node configuration (the test kit's {@code LoopbackNode}, which cannot call the builder: ignite-config
 * depends on the plugin) is the builder's loopback preset, with the 4 KB pages and 40 MB default region the tests
 * were measured with.
 */
class LoopbackNodeTest {
    @Test
    @DisplayName("the test kit's loopback node is NodeConfigBuilder's loopback preset, field by field")
    void sameAsTheBuilder(@TempDir Path dir) {
        TestPorts.Slot slot = TestPorts.CHECKPOINT_STORE_IT.slot();
        SpillwayConfiguration plugin = new SpillwayConfiguration().setRegionMaxSize(64L << 20).setBackups(1);
        IgniteConfiguration fixture = LoopbackNode.configuration("n7", slot.base(), false)
            .setWorkDirectory(dir.toAbsolutePath().toString())
            .setFailureHandler(new StopNodeOrHaltFailureHandler())
            .setPluginProviders(new SpillwayPluginProvider(plugin));
        IgniteConfiguration builder = NodeConfigBuilder.create().loopback(slot.base()).plugin(plugin)
            .set(NodeSetting.NODE_NAME, "n7")
            .set(NodeSetting.PAGE_SIZE, "4KB")
            .set(NodeSetting.DEFAULT_REGION_MAX_SIZE, "40MB")
            .set(NodeSetting.WORK_DIRECTORY, dir.toString())
            .build();
        Map<String, Object> expected = NodeXmlTest.describe(builder);
        assertThat(NodeXmlTest.describe(fixture)).isEqualTo(expected);
        assertThat(expected).containsEntry("discoveryPort", slot.discovery())
            .containsEntry("communicationPort", slot.communication()).containsEntry("thinPort", slot.thin());
    }
}
