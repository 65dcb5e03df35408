package dev.spillway.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.ssl.SslContextFactory;

/**
 * TLS for every connection of a node, with the versions {@code spillway.tlsProtocols} lists and no other. Nodes
 * (discovery and communication: server nodes and thick clients) and thin clients are trusted apart: nodes by the
 * authority of {@code spillway.tlsTrustStore}, thin clients, whose certificate the connector requires, by that of
 * {@code spillway.tlsClientTrustStore}, so a client's certificate never joins as a node. Key and trust stores are
 * PKCS12.
 */
final class Tls {
    /** The versions a node may enable, newest first: nothing older than TLS 1.2. */
    private static final List<String> VERSIONS = List.of("TLSv1.3", "TLSv1.2");
    /** A certificate this close to its end is reported as a warning at start. */
    static final Duration EXPIRY_WARNING = Duration.ofDays(30);

    private Tls() {
    }

    static void apply(IgniteConfiguration cfg, NodeSettings s) {
        cfg.setSslContextFactory(factory(s, s.tlsTrustStore(), s.tlsTrustStorePassword()));
        cfg.getClientConnectorConfiguration()
            .setSslEnabled(true)
            .setUseIgniteSslContextFactory(false)
            .setSslContextFactory(factory(s, s.tlsClientTrustStore(), s.tlsClientTrustStorePassword()))
            .setSslClientAuth(true);
    }

    private static SslContextFactory factory(NodeSettings s, Path trustStore, char[] trustPassword) {
        SslContextFactory factory = new SslContextFactory();
        factory.setKeyStoreType("PKCS12");
        factory.setKeyStoreFilePath(s.tlsKeyStore().toString());
        factory.setKeyStorePassword(s.tlsKeyStorePassword());
        factory.setTrustStoreType("PKCS12");
        factory.setTrustStoreFilePath(trustStore.toString());
        factory.setTrustStorePassword(trustPassword);
        factory.setProtocol("TLS");
        factory.setProtocols(s.tlsProtocols().toArray(String[]::new));
        return factory;
    }

    /** The TLS versions this JDK supports that a node may enable, newest first. */
    static List<String> supportedProtocols() {
        try {
            List<String> jdk = Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getProtocols());
            return VERSIONS.stream().filter(jdk::contains).toList();
        }
        catch (NoSuchAlgorithmException e) {
            return Collections.emptyList();
        }
    }

    /** The certificates of a key store: subject, and when each expires. */
    record Expiry(String subject, Instant notAfter) {
        String describe(Instant now) {
            Duration left = Duration.between(now, notAfter);
            return left.isNegative() ? subject + " expired " + notAfter
                : subject + " expires " + notAfter + " (in " + left.toDays() + " days)";
        }
    }

    /** The certificates {@code keyStore} holds keys for, with when each expires. */
    static List<Expiry> certificates(Path keyStore, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, password);
        }
        List<Expiry> list = new ArrayList<>();
        for (String alias : Collections.list(ks.aliases())) {
            if (!ks.isKeyEntry(alias))
                continue;
            Certificate c = ks.getCertificate(alias);
            if (c instanceof X509Certificate x)
                list.add(new Expiry(x.getSubjectX500Principal().getName(), x.getNotAfter().toInstant()));
        }
        return list;
    }

    /** The problem of a key store that its password does not open. */
    static SettingProblem unreadable(Path keyStore, String source, Exception e) {
        return new SettingProblem(NodeSetting.TLS_KEY_STORE.key(), keyStore.toString(), source, "cannot be opened "
            + "with " + NodeSetting.TLS_KEY_STORE_PASSWORD.key() + " (" + e.getMessage() + ")", "a PKCS12 key store");
    }

    /**
     * What is wrong with the {@code certificates} of the node's key store: it holds no key, or a certificate of it
     * has expired (a node would start and be refused by every peer).
     */
    static List<SettingProblem> expired(List<Expiry> certificates, Path keyStore, String source) {
        String key = NodeSetting.TLS_KEY_STORE.key();
        if (certificates.isEmpty()) {
            return List.of(new SettingProblem(key, keyStore.toString(), source, "holds no key and certificate",
                "a PKCS12 key store with the node's key"));
        }
        Instant now = Instant.now();
        List<SettingProblem> problems = new ArrayList<>();
        for (Expiry e : certificates) {
            if (e.notAfter().isBefore(now)) {
                problems.add(new SettingProblem(key, keyStore.toString(), source, "holds an expired certificate ("
                    + e.describe(now) + ")", "a key store whose certificate is valid"));
            }
        }
        return problems;
    }
}
