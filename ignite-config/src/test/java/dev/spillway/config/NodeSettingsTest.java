package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.Compression;
import dev.spillway.SpillwayConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSettingsTest {
    @Test
    @DisplayName("every setting has one name per source, derived from its property")
    void names() {
        assertThat(NodeSetting.REGION_MAX_SIZE.key()).isEqualTo("spillway.regionMaxSize");
        assertThat(NodeSetting.REGION_MAX_SIZE.environment()).isEqualTo("SPILLWAY_REGION_MAX_SIZE");
        assertThat(NodeSetting.REGION_MAX_SIZE.option()).isEqualTo("--region-max-size");
        assertThat(NodeSetting.TLS_KEY_STORE_PASSWORD.environment()).isEqualTo("SPILLWAY_TLS_KEY_STORE_PASSWORD");
        assertThat(NodeSetting.THIN_CLIENT_PORT.option()).isEqualTo("--thin-client-port");
    }

    @Test
    @DisplayName("the defaults are the plugin's defaults and a loopback node")
    void defaults() {
        NodeSettings s = NodeConfigBuilder.create().settings();
        assertThat(s.plugin()).isEqualTo(new SpillwayConfiguration());
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.discoveryAddresses()).containsExactly("127.0.0.1:47500..47509");
        assertThat(s.pageSize()).isEqualTo(16 << 10);
        assertThat(s.nodeName()).isNull();
        assertThat(s.source(NodeSetting.BACKUPS)).isEqualTo("default");
    }

    @Test
    @DisplayName("SQL connectors are off unless turned on; the security file is the plugin's, and must exist")
    void sqlConnectorsAndSecurityFile(@TempDir Path dir) throws IOException {
        IgniteConfiguration closed = NodeConfigBuilder.create().build();
        assertThat(closed.getClientConnectorConfiguration().isJdbcEnabled()).isFalse();
        assertThat(closed.getClientConnectorConfiguration().isOdbcEnabled()).isFalse();
        assertThat(closed.getClientConnectorConfiguration().isThinClientEnabled()).isTrue();
        IgniteConfiguration open = NodeConfigBuilder.create().commandLine("--sql-connectors", "true").build();
        assertThat(open.getClientConnectorConfiguration().isJdbcEnabled()).isTrue();
        assertThat(open.getClientConnectorConfiguration().isOdbcEnabled()).isTrue();

        Path file = Files.writeString(dir.resolve("security.properties"), "node.identity = n\n");
        NodeSettings s = NodeConfigBuilder.create().environment(Map.of("SPILLWAY_SECURITY_FILE", file.toString()))
            .settings();
        assertThat(s.plugin().getSecurityFile()).isEqualTo(file.toAbsolutePath().toString());
        assertThat(NodeConfigBuilder.create().settings().plugin().getSecurityFile()).isNull();
        assertThatThrownBy(() -> NodeConfigBuilder.create().commandLine("--security-file",
            dir.resolve("absent").toString()).settings())
            .isInstanceOfSatisfying(NodeConfigurationException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("spillway.securityFile=" + dir.resolve("absent"))));
    }

    @Test
    @DisplayName("compression: lz4 by default, zstd or none by name in any case; anything else is named")
    void compression() {
        assertThat(NodeConfigBuilder.create().settings().plugin().getCompression()).isEqualTo(Compression.LZ4);
        NodeSettings s = NodeConfigBuilder.create()
            .commandLine("--compression", "ZSTD", "--compression-min-saving", "0.25").settings();
        assertThat(s.plugin().getCompression()).isEqualTo(Compression.ZSTD);
        assertThat(s.plugin().getCompressionMinSaving()).isEqualTo(0.25);
        assertThatThrownBy(() -> NodeConfigBuilder.create()
            .commandLine("--compression", "brotli", "--compression-min-saving", "1").settings())
            .isInstanceOfSatisfying(NodeConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                "spillway.compression=brotli (from option --compression): allowed: lz4, zstd or none",
                "spillway.compressionMinSaving=1.0 is outside [0, 1) (from option --compression-min-saving)"));
    }

    @Test
    @DisplayName("a properties file, then environment variables, then options: the later source wins")
    void precedence(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("node.properties");
        Files.writeString(file, "spillway.backups=2\nspillway.retention=5\nspillway.regionMaxSize=1GB\n"
            + "spillway.leaseTimeout=2m\n");
        NodeSettings s = NodeConfigBuilder.create()
            .environment(Map.of("SPILLWAY_RETENTION", "6", "SPILLWAY_REGION_MAX_SIZE", "768MB", "HOME", "/root"))
            .commandLine("--config", file.toString(), "--region-max-size", "640MB", "--name", "n7")
            .settings();
        assertThat(s.plugin().getBackups()).isEqualTo(2);
        assertThat(s.source(NodeSetting.BACKUPS)).isEqualTo(file.toString());
        assertThat(s.plugin().getRetention()).isEqualTo(6);
        assertThat(s.source(NodeSetting.RETENTION)).isEqualTo("environment SPILLWAY_RETENTION");
        assertThat(s.plugin().getRegionMaxSize()).isEqualTo(640L << 20);
        assertThat(s.source(NodeSetting.REGION_MAX_SIZE)).isEqualTo("option --region-max-size");
        assertThat(s.plugin().getLeaseTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.nodeName()).isEqualTo("n7");
    }

    @Test
    @DisplayName("every bad value is refused together, each with its property, value, source and what is allowed")
    void everyProblemNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.properties");
        Files.writeString(file, "spillway.regionMaxSize=5MB\nspillway.colour=blue\n");
        assertThatThrownBy(() -> NodeConfigBuilder.create()
            .environment(Map.of("SPILLWAY_BACKUPS", "-1", "SPILLWAY_HIGH_WATER_MARK", "lots"))
            .commandLine("--config", file.toString(), "--thin-client-port", "70000", "--page-size", "3KB",
                "--discovery-addresses", "10.0.0.1:99999", "--lease-timeout", "soon")
            .settings())
            .isInstanceOfSatisfying(NodeConfigurationException.class, e -> assertThat(e.problems()).containsExactly(
                "spillway.colour in " + file + " is not a Spillway node setting; known: "
                    + java.util.Arrays.stream(NodeSetting.values()).map(NodeSetting::key).toList(),
                "spillway.discoveryAddresses=10.0.0.1:99999 (from option --discovery-addresses): allowed: a "
                    + "comma-separated list of host, host:port or host:port..port (ports 1-65535)",
                "spillway.thinClientPort=70000 (from option --thin-client-port): allowed: a port from 1 to 65535",
                "spillway.highWaterMark=lots (from environment SPILLWAY_HIGH_WATER_MARK): allowed: a number in (0, 1]",
                "spillway.leaseTimeout=soon (from option --lease-timeout): allowed: a duration such as 500ms, 60s, "
                    + "5m or 1h",
                "spillway.regionMaxSize=5 MB is below Ignite's 10 MB minimum (from " + file + ")",
                // The plugin's bound (0 or more), checked by SpillwayConfiguration alone: no second copy capping at 16.
                "spillway.backups=-1 is negative; allowed: 0 or more (from environment SPILLWAY_BACKUPS)",
                "spillway.pageSize=3KB (from option --page-size): allowed: 1KB, 2KB, 4KB, 8KB or 16KB"));
    }

    @Test
    @DisplayName("TLS on without its stores names each missing setting; passwords are never echoed")
    void tlsNeedsItsStores() {
        assertThatThrownBy(() -> NodeConfigBuilder.create().commandLine("--tls-enabled", "true",
            "--tls-key-store", "/nonexistent/node.p12", "--tls-key-store-password", "s3cret",
            "--tls-protocols", "TLSv1.3,TLSv1.1").settings())
            .isInstanceOfSatisfying(NodeConfigurationException.class, e -> {
                assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("spillway.tlsKeyStore="
                    + "/nonexistent/node.p12 (from option --tls-key-store): allowed: a readable PKCS12 file"));
                assertThat(e.problems()).contains("spillway.tlsTrustStore is not set: spillway.tlsEnabled=true needs "
                    + "it (set spillway.tlsTrustStore, SPILLWAY_TLS_TRUST_STORE or --tls-trust-store)");
                assertThat(e.problems()).contains("spillway.tlsClientTrustStore is not set: spillway.tlsEnabled=true "
                    + "needs it (set spillway.tlsClientTrustStore, SPILLWAY_TLS_CLIENT_TRUST_STORE or "
                    + "--tls-client-trust-store)");
                assertThat(e.problems()).contains("spillway.tlsKeyStorePassword=(hidden) is refused there: every user "
                    + "of this machine can read a process's options and system properties (ps); set "
                    + "SPILLWAY_TLS_KEY_STORE_PASSWORD or put it in the --config file (from option "
                    + "--tls-key-store-password)");
                assertThat(e.problems()).contains("spillway.tlsProtocols=TLSv1.3,TLSv1.1 (from option "
                    + "--tls-protocols): allowed: a comma-separated list of TLSv1.3, TLSv1.2");
                assertThat(e.getMessage()).doesNotContain("s3cret");
            });
    }

    @Test
    @DisplayName("a key store whose certificate expired is refused at start; one that expires soon is reported")
    void certificateExpiry() throws IOException {
        TestCertificates certs = TestCertificates.shared();
        Map<String, String> env = Map.of("SPILLWAY_TLS_KEY_STORE_PASSWORD", TestCertificates.PASSWORD,
            "SPILLWAY_TLS_TRUST_STORE_PASSWORD", TestCertificates.PASSWORD,
            "SPILLWAY_TLS_CLIENT_TRUST_STORE_PASSWORD", TestCertificates.PASSWORD);
        Path expired = certs.keyStore("expired", "ca", "-5d", 2);
        assertThatThrownBy(() -> NodeConfigBuilder.create().environment(env).commandLine("--tls-enabled", "true",
            "--tls-key-store", expired.toString(), "--tls-trust-store", certs.trustStore().toString(),
            "--tls-client-trust-store", certs.clientTrustStore().toString()).settings())
            .isInstanceOfSatisfying(NodeConfigurationException.class, e -> assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("spillway.tlsKeyStore=" + expired)
                    .contains("holds an expired certificate (CN=expired expired ")));
        NodeSettings soon = NodeConfigBuilder.create().environment(env).commandLine("--tls-enabled", "true",
            "--tls-key-store", certs.keyStore("soon", "ca").toString(), "--tls-trust-store",
            certs.trustStore().toString(), "--tls-client-trust-store", certs.clientTrustStore().toString()).settings();
        assertThat(soon.tlsCertificateReport()).singleElement().asString()
            .startsWith("WARNING: TLS certificate CN=soon expires ").endsWith("(in 1 days): renew it");
        assertThat(soon.tlsProtocols()).containsExactly("TLSv1.3");
    }

    @Test
    @DisplayName("an unknown option or a missing value is refused, pointing at --help")
    void badCommandLine() {
        assertThatThrownBy(() -> NodeCommandLine.parse("--colour", "blue"))
            .isInstanceOf(NodeConfigurationException.class).hasMessageContaining("--colour").hasMessageContaining(
                "--help");
        assertThatThrownBy(() -> NodeCommandLine.parse("--backups"))
            .isInstanceOf(NodeConfigurationException.class).hasMessageContaining("--backups");
        assertThat(NodeCommandLine.usage("./spillway node")).contains("--region-max-size", "SPILLWAY_REGION_MAX_SIZE",
            "spillway.regionMaxSize", "Default: 512MB");
    }

    @Test
    @DisplayName("the plugin's defaults and bounds are SpillwayConfiguration's, written as a user writes them")
    void pluginDefaultsAndBoundsFromThePlugin() {
        assertThat(NodeSetting.REGION_MAX_SIZE.defaultValue())
            .isEqualTo(Values.size(SpillwayConfiguration.DFLT_REGION_MAX_SIZE)).isEqualTo("512MB");
        assertThat(NodeSetting.LEASE_TIMEOUT.defaultValue()).isEqualTo("60s");
        assertThat(NodeSetting.CHUNK_SIZE.description()).contains("16KB to 64MB");
        // Past the bounds NodeSettings used to have (backups 16, retention 1000): the plugin's are the only ones.
        NodeSettings s = NodeConfigBuilder.create().set(NodeSetting.BACKUPS, "17").set(NodeSetting.RETENTION, "1001")
            .settings();
        assertThat(s.plugin().getBackups()).isEqualTo(17);
        assertThat(s.plugin().getRetention()).isEqualTo(1001);
        assertThat(NodeSetting.OPERATION_TIMEOUT.defaultValue()).isEqualTo("30s");
        assertThat(NodeConfigBuilder.create().set(NodeSetting.OPERATION_TIMEOUT, "5s").settings().plugin()
            .getOperationTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> NodeConfigBuilder.create().set(NodeSetting.PARTITIONS, "65001").settings())
            .isInstanceOfSatisfying(NodeConfigurationException.class, e -> assertThat(e.details()).containsExactly(
                new SettingProblem("spillway.partitions", "65001", "option --partitions", "is outside 1 to 65000",
                    "1 to 65000")));
    }

    @Test
    @DisplayName("the high-water mark and failover limit stay unset unless a source sets them, so that the node "
        + "takes what its region's pages leave")
    void limitsUnsetUnlessGiven() {
        SpillwayConfiguration dflt = NodeConfigBuilder.create().settings().plugin();
        assertThat(dflt.isHighWaterMarkSet()).isFalse();
        assertThat(dflt.isFailoverLimitSet()).isFalse();
        assertThat(NodeSetting.FAILOVER_LIMIT.defaultValue()).isNull();
        NodeSettings s = NodeConfigBuilder.create().set(NodeSetting.FAILOVER_LIMIT, "0.97").settings();
        assertThat(s.plugin().isFailoverLimitSet()).isTrue();
        assertThat(s.plugin().getFailoverLimit()).isEqualTo(0.97);
        assertThat(s.source(NodeSetting.FAILOVER_LIMIT)).isEqualTo("option --failover-limit");
        assertThat(s.plugin().isHighWaterMarkSet()).isFalse();
        // The plugin preset passes a limit on only where it is set.
        assertThat(NodeConfigBuilder.create().plugin(new SpillwayConfiguration().setHighWaterMark(0.7)).settings()
            .plugin()).satisfies(p -> assertThat(p.isHighWaterMarkSet()).isTrue())
            .satisfies(p -> assertThat(p.isFailoverLimitSet()).isFalse());
        assertThat(NodeSetting.FAILOVER_LIMIT.description()).contains("default: 0.97, or less");
        assertThat(NodeSetting.HIGH_WATER_MARK.description()).contains("default: 0.8, or less");
    }

    @Test
    @DisplayName("a size or duration written back is read as the same value")
    void valuesRoundTrip() {
        for (long size : new long[] {0, 1000, 16 << 10, 512L << 20, 3L << 30, (5L << 20) + 1})
            assertThat(Values.bytes(Values.size(size))).isEqualTo(size);
        for (Duration d : new Duration[] {Duration.ofSeconds(60), Duration.ofMillis(1500), Duration.ofHours(2)})
            assertThat(Values.duration(Values.duration(d))).isEqualTo(d);
    }

    @Test
    @DisplayName("the loopback preset: ports from a base, any other source over it, each value's source named")
    void loopbackPreset() {
        NodeSettings s = NodeConfigBuilder.create().loopback(56000).set(NodeSetting.THIN_CLIENT_PORT, "56299")
            .settings();
        assertThat(s.host()).isEqualTo("127.0.0.1");
        assertThat(s.discoveryAddresses()).containsExactly("127.0.0.1:56000..56009");
        assertThat(s.discoveryPort()).isEqualTo(56000);
        assertThat(s.communicationPort()).isEqualTo(56100);
        assertThat(s.thinClientPort()).isEqualTo(56299);
        assertThat(s.source(NodeSetting.DISCOVERY_PORT)).isEqualTo("loopback preset 56000");
        assertThat(s.source(NodeSetting.THIN_CLIENT_PORT)).isEqualTo("option --thin-client-port");
        assertThat(NodeConfigBuilder.create().loopback(56000).build().getDataStorageConfiguration()
            .getSystemDataRegionConfiguration().getMaxSize()).isEqualTo(20L << 20);
        assertThat(NodeConfigBuilder.create().build().getDataStorageConfiguration()
            .getSystemDataRegionConfiguration().getMaxSize()).isEqualTo(100L << 20);
    }

    @Test
    @DisplayName("the plugin preset carries a SpillwayConfiguration's cluster-wide settings; other sources win")
    void pluginPreset() {
        SpillwayConfiguration plugin = new SpillwayConfiguration().setRegionMaxSize(64L << 20).setChunkSize(64 << 10)
            .setBackups(2).setLeaseTimeout(Duration.ofMillis(2500)).setHighWaterMark(0.7);
        assertThat(NodeConfigBuilder.create().plugin(plugin).settings().plugin()).isEqualTo(plugin);
        NodeSettings s = NodeConfigBuilder.create().plugin(plugin).environment(Map.of("SPILLWAY_BACKUPS", "0"))
            .settings();
        assertThat(s.plugin().getBackups()).isZero();
        assertThat(s.source(NodeSetting.CHUNK_SIZE)).isEqualTo("plugin preset");
    }

    @Test
    @DisplayName("system properties are read over the environment and under options; other properties are ignored")
    void systemProperties() {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("spillway.backups", "3");
        props.setProperty("spillway.retention", "4");
        props.setProperty("spillway.jvm.opens", "--add-opens=x");
        NodeSettings s = NodeConfigBuilder.create().environment(Map.of("SPILLWAY_BACKUPS", "2"))
            .systemProperties(props).set(NodeSetting.RETENTION, "5").settings();
        assertThat(s.plugin().getBackups()).isEqualTo(3);
        assertThat(s.source(NodeSetting.BACKUPS)).isEqualTo("system property spillway.backups");
        assertThat(s.plugin().getRetention()).isEqualTo(5);
    }
}
