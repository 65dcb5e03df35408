package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CheckpointInfo;
import dev.spillway.client.SpillwayClient;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.ClientConnectionException;
import org.apache.ignite.client.SslMode;
import org.apache.ignite.client.SslProtocol;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spillway.tlsEnabled=true: two server nodes with certificates of the cluster's authority form a cluster over TLS;
 * a thin client with such a certificate checkpoints and restores; a client without a certificate, one whose
 * certificate another authority signed, and a plain one are refused; a server node whose certificate another
 * authority signed cannot join. Keys and certificates are made by keytool for this run.
 */
class TlsIT {
    private static final TestPorts.Slot PORTS = TestPorts.TLS_IT.slot();
    private static final int DISCOVERY = PORTS.discovery();
    private static final int THIN = PORTS.thin();

    @TempDir
    static Path dir;
    private static TestCertificates certs;
    private static final List<Ignite> nodes = new ArrayList<>();

    @BeforeAll
    static void startTwoTlsNodes() throws IOException {
        PORTS.assertNoNodeAnswers();
        certs = TestCertificates.create(dir);
        for (int i = 0; i < 2; i++)
            nodes.add(Ignition.start(node("tls-" + i, i, certs.keyStore("tls-" + i, "ca"))));
        assertThat(nodes.get(1).cluster().forServers().nodes()).hasSize(2);
    }

    @AfterAll
    static void stopNodes() {
        for (Ignite n : nodes)
            Ignition.stop(n.name(), true);
    }

    private static IgniteConfiguration node(String name, int i, Path keyStore) {
        // Passwords from the environment: an option would show in the process list, and is refused.
        return NodeConfigBuilder.create().environment(Map.of("SPILLWAY_TLS_KEY_STORE_PASSWORD",
            TestCertificates.PASSWORD, "SPILLWAY_TLS_TRUST_STORE_PASSWORD", TestCertificates.PASSWORD,
            "SPILLWAY_TLS_CLIENT_TRUST_STORE_PASSWORD", TestCertificates.PASSWORD)).commandLine("--name", name,
            "--discovery-addresses", "127.0.0.1:" + DISCOVERY + ".." + (DISCOVERY + 2),
            "--discovery-port", Integer.toString(DISCOVERY + i), "--port-range", "0",
            "--communication-port", Integer.toString(PORTS.communication() + i),
            "--thin-client-port", Integer.toString(THIN + i),
            "--region-max-size", "32MB", "--metadata-region-size", "16MB", "--chunk-size", "64KB",
            "--partitions", "32", "--page-size", "4KB", "--work-directory", dir.resolve("work").toString(),
            "--tls-enabled", "true", "--tls-key-store", keyStore.toString(),
            "--tls-trust-store", certs.trustStore().toString(),
            "--tls-client-trust-store", certs.clientTrustStore().toString()).build();
    }

    private static ClientConfiguration client(Path keyStore) {
        return client(keyStore, SslProtocol.TLSv1_3);
    }

    private static ClientConfiguration client(Path keyStore, SslProtocol protocol) {
        ClientConfiguration cfg = new ClientConfiguration()
            .setAddresses("127.0.0.1:" + THIN, "127.0.0.1:" + (THIN + 1))
            .setSslMode(SslMode.REQUIRED)
            .setSslProtocol(protocol)
            .setSslTrustCertificateKeyStorePath(certs.trustStore().toString())
            .setSslTrustCertificateKeyStoreType("PKCS12")
            .setSslTrustCertificateKeyStorePassword(TestCertificates.PASSWORD)
            .setTimeout(5_000);
        if (keyStore != null) {
            cfg.setSslClientCertificateKeyStorePath(keyStore.toString())
                .setSslClientCertificateKeyStoreType("PKCS12")
                .setSslClientCertificateKeyStorePassword(TestCertificates.PASSWORD);
        }
        return cfg;
    }

    @Test
    @DisplayName("a thin client with a certificate of the clients' authority checkpoints and restores")
    void trustedClient() throws IOException {
        try (SpillwayClient client = SpillwayClient.connect(client(certs.keyStore("good-client", "client-ca")))) {
            byte[] state = TestData.random(1 << 20, 7);
            CheckpointInfo info = client.save("tls-app", state);
            assertThat(client.restoreLatest("tls-app")).isEqualTo(state);
            client.delete("tls-app", info.checkpointId());
        }
    }

    @Test
    @DisplayName("thin clients without a certificate, with a node's certificate or one of another authority, over "
        + "TLSv1.2, or without TLS are refused")
    void untrustedClientsAreRefused() throws IOException {
        assertThatThrownBy(() -> SpillwayClient.connect(client(certs.keyStore("node-cert-client", "ca"))).close())
            .as("a node's certificate: the nodes' authority is not the clients'")
            .isInstanceOf(ClientConnectionException.class);
        assertThatThrownBy(() -> SpillwayClient.connect(client(certs.keyStore("old-tls-client", "client-ca"),
            SslProtocol.TLSv1_2)).close())
            .as("TLSv1.2, not enabled").isInstanceOf(ClientConnectionException.class);
        // A TLS client that offers no certificate: its key store holds only the authority's certificate.
        assertThatThrownBy(() -> SpillwayClient.connect(client(certs.trustStore())).close())
            .as("no client certificate").isInstanceOf(ClientConnectionException.class);
        Path rogue = certs.keyStore("rogue-client", "other-ca");
        assertThatThrownBy(() -> SpillwayClient.connect(client(rogue)).close())
            .as("a certificate of another authority").isInstanceOf(ClientConnectionException.class);
        assertThatThrownBy(() -> SpillwayClient.connect(new ClientConfiguration()
            .setAddresses("127.0.0.1:" + THIN).setTimeout(5_000)).close())
            .as("no TLS").isInstanceOf(ClientConnectionException.class);
    }

    @Test
    @DisplayName("a server node whose certificate another authority signed, or the clients' authority, cannot join; "
        + "one of the nodes' authority can")
    void rogueServerCannotJoin() throws IOException {
        for (String authority : List.of("other-ca", "client-ca"))
            refusedAtJoin(node("tls-rogue-" + authority, 2, certs.keyStore("tls-rogue-" + authority, authority)));

        // The control: the same node with a certificate of the nodes' authority joins.
        Ignite good = Ignition.start(node("tls-2", 2, certs.keyStore("tls-2", "ca")));
        try {
            assertThat(nodes.get(0).cluster().forServers().nodes()).hasSize(3);
        }
        finally {
            Ignition.stop(good.name(), true);
        }
    }

    private static void refusedAtJoin(IgniteConfiguration rogue) {
        ((TcpDiscoverySpi)rogue.getDiscoverySpi()).setJoinTimeout(10_000);
        Ignite started = null;
        try {
            // Refused by the cluster's nodes, it either fails to start or, reaching no node, starts alone.
            started = Ignition.start(rogue);
            assertThat(started.cluster().forServers().nodes()).as("the rogue node's view").hasSize(1);
        }
        catch (RuntimeException refused) {
            // Also fine: it never became a node.
        }
        finally {
            if (started != null)
                Ignition.stop(started.name(), true);
        }
        assertThat(nodes.get(0).cluster().forServers().nodes()).hasSize(2)
            .noneSatisfy(n -> assertThat(n.consistentId()).isEqualTo(rogue.getConsistentId()));
    }
}
