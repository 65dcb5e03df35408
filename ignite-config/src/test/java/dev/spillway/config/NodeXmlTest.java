package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.plugin.SpillwayPluginProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.support.GenericXmlApplicationContext;

/** spillway-node.xml gives the same node configuration as NodeConfigBuilder, with defaults and with a file. */
class NodeXmlTest {
    @AfterEach
    void clearConfig() {
        System.clearProperty("spillway.config");
    }

    @Test
    @DisplayName("with no settings, the XML and the builder give the same configuration")
    void defaults() {
        assertThat(describe(fromXml())).isEqualTo(describe(NodeConfigBuilder.create().build()));
        // Ignite's own Spring loader (what ignite.sh uses) gets the same bean.
        IgniteConfiguration loaded = org.apache.ignite.Ignition.loadSpringBean(
            NodeXmlTest.class.getResource("/spillway-node.xml"), "spillway.node");
        assertThat(describe(loaded)).isEqualTo(describe(NodeConfigBuilder.create().build()));
    }

    @Test
    @DisplayName("with one properties file, the XML and the builder give the same configuration")
    void sameFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, String.join("\n",
            "spillway.nodeName=alpha",
            "spillway.host=127.0.0.2",
            "spillway.discoveryAddresses=127.0.0.2:48500..48502, 127.0.0.3:48500",
            "spillway.discoveryPort=48500",
            "spillway.communicationPort=48600",
            "spillway.thinClientPort=48700",
            "spillway.portRange=3",
            "spillway.regionMaxSize=2GB",
            "spillway.highWaterMark=0.75",
            "spillway.chunkSize=4MB",
            "spillway.backups=2",
            "spillway.retention=3",
            "spillway.leaseTimeout=90s",
            "spillway.partitions=256",
            "spillway.metadataRegionSize=64MB",
            "spillway.pageSize=8KB",
            "spillway.defaultRegionMaxSize=1GB",
            "spillway.workDirectory=" + dir.resolve("work")));
        System.setProperty("spillway.config", file.toUri().toString());
        Map<String, Object> xml = describe(fromXml());
        Map<String, Object> builder = describe(NodeConfigBuilder.create().propertiesFile(file).build());
        assertThat(xml).isEqualTo(builder);
        assertThat(xml).containsEntry("consistentId", "alpha").containsEntry("pageSize", 8192)
            .containsEntry("thinPort", 48700).containsEntry("discoveryPort", 48500);
    }

    @Test
    @DisplayName("spillway.tlsEnabled=true is acted on by the XML as by the builder; without its stores it is refused")
    void tlsActedOn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "spillway.tlsEnabled=true\n");
        System.setProperty("spillway.config", file.toUri().toString());
        org.assertj.core.api.Assertions.assertThatThrownBy(NodeXmlTest::fromXml)
            .hasRootCauseInstanceOf(NodeConfigurationException.class)
            .hasStackTraceContaining("spillway.tlsKeyStore is not set: spillway.tlsEnabled=true needs it");

        // The key store is opened for its certificates' expiry; the trust stores only checked for being readable.
        TestCertificates certs = TestCertificates.shared();
        Path store = certs.keyStore("xml-node", "ca");
        String password = TestCertificates.PASSWORD;
        Files.writeString(file, String.join("\n", "spillway.tlsEnabled=true",
            "spillway.tlsKeyStore=" + store, "spillway.tlsKeyStorePassword=" + password,
            "spillway.tlsTrustStore=" + certs.trustStore(), "spillway.tlsTrustStorePassword=" + password,
            "spillway.tlsClientTrustStore=" + certs.clientTrustStore(),
            "spillway.tlsClientTrustStorePassword=" + password));
        Map<String, Object> xml = describe(fromXml());
        assertThat(xml).isEqualTo(describe(NodeConfigBuilder.create().propertiesFile(file).build()));
        assertThat(xml).containsEntry("ssl", "org.apache.ignite.ssl.SslContextFactory")
            .containsEntry("thinSsl", List.of(true, true));
    }

    @Test
    @DisplayName("system properties override the file in the XML, as the builder's system-property source does")
    void systemPropertiesOverTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "spillway.backups=2\nspillway.thinClientPort=48700\n");
        System.setProperty("spillway.config", file.toString());
        System.setProperty("spillway.backups", "3");
        try {
            Map<String, Object> xml = describe(fromXml());
            assertThat(xml).isEqualTo(describe(NodeConfigBuilder.create().propertiesFile(file)
                .set(NodeSetting.BACKUPS, "3").build()));
            assertThat(xml.get("spillway").toString()).contains("backups=3");
        }
        finally {
            System.clearProperty("spillway.backups");
        }
    }

    private static IgniteConfiguration fromXml() {
        try (GenericXmlApplicationContext ctx = new GenericXmlApplicationContext("classpath:spillway-node.xml")) {
            return ctx.getBean(IgniteConfiguration.class);
        }
    }

    /** The configured discovery port (getLocalPort() is the bound one, 0 before the node starts). */
    private static int configuredPort(TcpDiscoverySpi disco) {
        try {
            java.lang.reflect.Field f = TcpDiscoverySpi.class.getDeclaredField("locPort");
            f.setAccessible(true);
            return f.getInt(disco);
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** What the two must agree on, field by field. */
    static Map<String, Object> describe(IgniteConfiguration cfg) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("instanceName", cfg.getIgniteInstanceName());
        d.put("consistentId", cfg.getConsistentId());
        TcpDiscoverySpi disco = (TcpDiscoverySpi)cfg.getDiscoverySpi();
        d.put("discoveryAddress", disco.getLocalAddress());
        d.put("discoveryPort", configuredPort(disco));
        d.put("discoveryPortRange", disco.getLocalPortRange());
        d.put("discoveryAddresses", new ArrayList<>(((org.apache.ignite.spi.discovery.tcp.ipfinder.vm
            .TcpDiscoveryVmIpFinder)disco.getIpFinder()).getRegisteredAddresses()).toString());
        TcpCommunicationSpi comm = (TcpCommunicationSpi)cfg.getCommunicationSpi();
        d.put("communicationAddress", comm.getLocalAddress());
        d.put("communicationPort", comm.getLocalPort());
        d.put("communicationPortRange", comm.getLocalPortRange());
        d.put("socketBuffers", List.of(comm.getSocketReceiveBuffer(), comm.getSocketSendBuffer()));
        ClientConnectorConfiguration thin = cfg.getClientConnectorConfiguration();
        d.put("thinHost", thin.getHost());
        d.put("thinPort", thin.getPort());
        d.put("thinPortRange", thin.getPortRange());
        d.put("thinSsl", List.of(thin.isSslEnabled(), thin.isSslClientAuth()));
        DataStorageConfiguration storage = cfg.getDataStorageConfiguration();
        d.put("pageSize", storage.getPageSize());
        d.put("systemRegion", List.of(storage.getSystemDataRegionConfiguration().getInitialSize(),
            storage.getSystemDataRegionConfiguration().getMaxSize()));
        d.put("defaultRegion", List.of(storage.getDefaultDataRegionConfiguration().getName(),
            storage.getDefaultDataRegionConfiguration().getInitialSize(),
            storage.getDefaultDataRegionConfiguration().getMaxSize()));
        d.put("workDirectory", cfg.getWorkDirectory());
        d.put("failureHandler", cfg.getFailureHandler().getClass().getName());
        d.put("logger", cfg.getGridLogger().getClass().getName());
        d.put("metricsLogFrequency", cfg.getMetricsLogFrequency());
        d.put("peerClassLoading", cfg.isPeerClassLoadingEnabled());
        d.put("ssl", cfg.getSslContextFactory() == null ? "none" : cfg.getSslContextFactory().getClass().getName());
        d.put("plugins", cfg.getPluginProviders().length);
        d.put("spillway", ((SpillwayPluginProvider)cfg.getPluginProviders()[0]).configuration().toString());
        return d;
    }
}
