package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.wire.Layout;
import dev.spillway.plugin.SpillwayPluginProvider;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import java.time.Duration;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteClientDisconnectedException;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The plugin on real nodes: explicit or discovered, its configuration checked at start and at join. */
class PluginConfigurationIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20).setMetadataRegionSize(16L << 20).setPartitions(32);

    private final SpillwayCluster cluster = SpillwayCluster.of(2, TestPorts.PLUGIN_CONFIGURATION_IT, CONFIG);

    @AfterEach
    void stop() {
        cluster.stopAll();
    }

    private Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t)
            t = t.getCause();
        return t;
    }

    @Test
    @DisplayName("an explicitly set provider adds the regions and caches, and serves the facade")
    void explicitProvider() {
        Ignite node = cluster.start(0, CONFIG, cfg -> cfg.setPluginConfigurations()
            .setPluginProviders(new SpillwayPluginProvider(CONFIG.copy().setChunkSize(64 << 10))));
        assertThat(node.dataRegionMetrics(Layout.CHECKPOINT_REGION)).isNotNull();
        assertThat(node.dataRegionMetrics(Layout.METADATA_REGION)).isNotNull();
        assertThat(node.cacheNames()).contains(Layout.CHUNK_CACHE, Layout.CATALOG_CACHE);
        CheckpointStore store = Spillway.store(node);
        assertThat(store.restore("explicit", store.save("explicit", new byte[200_000]).checkpointId()))
            .hasSize(200_000);
        assertThat(store.capacity()).singleElement()
            .satisfies(c -> assertThat(c.budget()).isEqualTo((long)((32L << 20) * 0.8)));
    }

    @Test
    @DisplayName("a node whose plugin configuration differs is refused at join, naming the differences")
    void differingConfigurationRefused() {
        cluster.start(0);
        SpillwayConfiguration other = CONFIG.copy().setChunkSize(2 << 20).setRetention(5).setFailoverLimit(0.9);
        assertThatThrownBy(() -> cluster.start(1, other, cfg -> { }))
            .satisfies(e -> assertThat(rootCause(e).getMessage() + e.getMessage())
                .contains("spillway.chunkSize=2097152 (cluster: 1048576)")
                .contains("spillway.retention=5 (cluster: 2)")
                .contains("spillway.failoverLimit=0.9 (cluster: unset)"));
        assertThat(cluster.node(0).cluster().forServers().nodes()).hasSize(1);
    }

    @Test
    @DisplayName("a server node without the plugin is refused at join")
    void serverWithoutPluginRefused() {
        cluster.start(0);
        // An explicit provider list without Spillway turns ServiceLoader discovery off for that node.
        assertThatThrownBy(() -> cluster.start(1, CONFIG, cfg -> cfg.setPluginConfigurations()
            .setPluginProviders(new OtherPlugin())))
            .satisfies(e -> assertThat(rootCause(e).getMessage() + e.getMessage())
                .contains("does not run the Spillway plugin"));
        assertThat(cluster.node(0).cluster().forServers().nodes()).hasSize(1);
    }

    @Test
    @DisplayName("an invalid configuration stops the node at start, naming every bad property")
    void invalidConfigurationRefusedAtStart() {
        SpillwayConfiguration bad = CONFIG.copy().setRegionMaxSize(5L << 20).setHighWaterMark(0)
            .setBackups(-2).setLeaseTimeout(Duration.ofSeconds(-5));
        assertThatThrownBy(() -> cluster.start(0, bad, cfg -> { }))
            .satisfies(e -> assertThat(e.getMessage() + rootCause(e).getMessage())
                .contains("spillway.regionMaxSize=5 MB is below Ignite's 10 MB minimum")
                .contains("spillway.highWaterMark=0.0 is outside (0, 1]")
                .contains("spillway.backups=-2 is negative")
                .contains("spillway.leaseTimeout=PT-5S is not positive"));
        assertThat(Ignition.allGrids()).isEmpty();
    }

    @Test
    @DisplayName("limits above what the region's pages leave stop the node at start, each named with the measurement")
    void limitsAboveThePagesRefusedAtStart() {
        SpillwayConfiguration full = CONFIG.copy().setHighWaterMark(0.99).setFailoverLimit(1.0);
        String pages = ", the part of a 32 MB region of 4 KB pages Ignite can fill before it runs out of pages (300 "
            + "pages and 32 bytes per page are page overhead); allowed: at most 0.95";
        assertThatThrownBy(() -> cluster.start(0, full, cfg -> { }))
            .satisfies(e -> assertThat(e.getMessage() + rootCause(e).getMessage())
                .contains("spillway.highWaterMark=0.99 is above 0.95" + pages)
                .contains("spillway.failoverLimit=1.0 is above 0.95" + pages));
        assertThat(Ignition.allGrids()).isEmpty();
    }

    @Test
    @DisplayName("limits left unset follow the region's pages: each server's budget and failover limit are the "
        + "defaults or what its pages leave, whichever is less")
    void unsetLimitsFollowThePages() {
        cluster.startAll();
        CheckpointStore store = Spillway.store(cluster.node(0));
        // 32 MB of 4 KB pages: 0.955 of it is usable, so the failover limit is 0.95 and the high-water mark 0.8.
        assertThat(store.capacity()).hasSize(2)
            .allSatisfy(c -> assertThat(c.budget()).isEqualTo((long)((32L << 20) * 0.8)));
        assertThat(store.worstLoss()).hasValueSatisfying(w -> assertThat(w.limit())
            .isEqualTo((long)((32L << 20) * 0.95)));
    }

    @Test
    @DisplayName("a thick client node with the plugin saves to the servers and restores")
    void thickClient() {
        cluster.startAll();
        Ignite client = cluster.startClient("client");
        CheckpointStore store = Spillway.store(client);
        byte[] state = dev.spillway.test.TestData.random(3 << 20, 31);
        CheckpointInfo info = store.save("thick", state);
        assertThat(Spillway.store(cluster.node(1)).restoreLatest("thick")).isEqualTo(state);
        assertThat(store.restore("thick", info.checkpointId())).isEqualTo(state);
        assertThat(store.capacity()).hasSize(2);
        assertThat(info.originNode()).isIn(cluster.name(0), cluster.name(1));
    }

    @Test
    @DisplayName("a thick client the servers dropped (as when its server is cut off) reconnects under a new node id "
        + "and saves and restores again")
    void thickClientReconnects() {
        cluster.startAll();
        Ignite client = cluster.startClient("reconnecting");
        CheckpointStore store = Spillway.store(client);
        byte[] before = dev.spillway.test.TestData.random(1 << 20, 33);
        CheckpointInfo first = store.save("reconnect", before);
        UUID oldId = client.cluster().localNode().id();

        ((TcpDiscoverySpi)cluster.node(0).configuration().getDiscoverySpi()).failNode(oldId, "dropped by the test");
        SpillwayCluster.awaitCondition("the client reconnected under a new id", Duration.ofSeconds(30), () -> {
            try {
                return !client.cluster().localNode().id().equals(oldId)
                    && cluster.node(0).cluster().node(client.cluster().localNode().id()) != null;
            }
            catch (IgniteClientDisconnectedException e) {
                return false;
            }
        });
        byte[] after = dev.spillway.test.TestData.random(1 << 20, 34);
        CheckpointInfo second = store.save("reconnect", after);
        assertThat(second.checkpointId()).isGreaterThan(first.checkpointId());
        assertThat(store.restoreLatest("reconnect")).isEqualTo(after);
        assertThat(Spillway.store(cluster.node(1)).restoreLatest("reconnect")).isEqualTo(after);
    }

    @Test
    @DisplayName("a thick client that used its store before any Spillway server joined saves once one has")
    void thickClientBeforeAnySpillwayServer() {
        // A server without Spillway (its explicit provider list lacks it) gives the client a cluster to join.
        cluster.start(0, CONFIG, cfg -> cfg.setPluginConfigurations().setPluginProviders(new OtherPlugin()));
        CheckpointStore store = Spillway.store(cluster.startClient("early"));
        assertThat(store.capacity()).isEmpty();
        cluster.start(1);
        byte[] state = dev.spillway.test.TestData.random(300_000, 32);
        CheckpointInfo info = store.save("early", state);
        assertThat(store.restore("early", info.checkpointId())).isEqualTo(state);
        assertThat(info.originNode()).isEqualTo(cluster.name(1));
    }

    @Test
    @DisplayName("the plugin is found by ServiceLoader when no provider is set")
    void serviceLoader() {
        IgniteConfiguration cfg = cluster.configuration(cluster.name(0), false, CONFIG);
        assertThat(cfg.getPluginProviders()).isNullOrEmpty();
        Ignite node = Ignition.start(cfg);
        try {
            assertThat(node.cacheNames()).contains(Layout.CHUNK_CACHE);
        }
        finally {
            Ignition.stop(node.name(), true);
        }
    }

    /** Some other plugin, so that the node's provider list is explicit and lacks Spillway. */
    static final class OtherPlugin implements org.apache.ignite.plugin.PluginProvider<org.apache.ignite.plugin.PluginConfiguration> {
        @Override
        public String name() {
            return "other";
        }

        @Override
        public String version() {
            return "1";
        }

        @Override
        public String copyright() {
            return "";
        }

        @Override
        @SuppressWarnings("unchecked")
        public org.apache.ignite.plugin.IgnitePlugin plugin() {
            return new org.apache.ignite.plugin.IgnitePlugin() { };
        }

        @Override
        public void initExtensions(org.apache.ignite.plugin.PluginContext ctx,
                                   org.apache.ignite.plugin.ExtensionRegistry registry) {
        }

        @Override
        public <T> T createComponent(org.apache.ignite.plugin.PluginContext ctx, Class<T> cls) {
            return null;
        }

        @Override
        public org.apache.ignite.plugin.CachePluginProvider createCacheProvider(
            org.apache.ignite.plugin.CachePluginContext ctx) {
            return null;
        }

        @Override
        public void start(org.apache.ignite.plugin.PluginContext ctx) {
        }

        @Override
        public void stop(boolean cancel) {
        }

        @Override
        public void onIgniteStart() {
        }

        @Override
        public void onIgniteStop(boolean cancel) {
        }

        @Override
        public java.io.Serializable provideDiscoveryData(java.util.UUID nodeId) {
            return null;
        }

        @Override
        public void receiveDiscoveryData(java.util.UUID nodeId, java.io.Serializable data) {
        }

        @Override
        public void validateNewNode(org.apache.ignite.cluster.ClusterNode node) {
        }
    }
}
