package dev.spillway.config;

import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.ssl.SslContextFactory;

/**
 * TLS for every connection of a node: discovery and communication between nodes, and the thin-client connector,
 * which requires a client certificate signed by the trust store's authority. Key and trust stores are PKCS12.
 */
final class Tls {
    private Tls() {
    }

    static void apply(IgniteConfiguration cfg, NodeSettings s) {
        SslContextFactory factory = new SslContextFactory();
        factory.setKeyStoreType("PKCS12");
        factory.setKeyStoreFilePath(s.tlsKeyStore().toString());
        factory.setKeyStorePassword(s.tlsKeyStorePassword());
        factory.setTrustStoreType("PKCS12");
        factory.setTrustStoreFilePath(s.tlsTrustStore().toString());
        factory.setTrustStorePassword(s.tlsTrustStorePassword());
        factory.setProtocol("TLSv1.3");
        cfg.setSslContextFactory(factory);
        cfg.getClientConnectorConfiguration()
            .setSslEnabled(true)
            .setUseIgniteSslContextFactory(true)
            .setSslClientAuth(true);
    }
}
