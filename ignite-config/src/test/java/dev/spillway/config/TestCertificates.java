package dev.spillway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Keys and certificates made at test time with the JDK's keytool, so nothing secret is committed: an authority
 * ({@code ca}), a second, unrelated one ({@code other-ca}), and PKCS12 key stores of entities signed by either,
 * each holding its key, its certificate and its authority's certificate. One password for everything.
 */
final class TestCertificates {
    static final String PASSWORD = "test-only-password";

    private final Path dir;
    /** The authorities every test class of this JVM shares ({@link #shared}): keytool takes a second a call. */
    private static TestCertificates shared;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /**
     * Creates the authorities ({@code ca}, which signs nodes' certificates; {@code client-ca}, which signs thin
     * clients'; {@code other-ca}, which the cluster does not know) and the trust stores of the first two
     * ({@link #trustStore()}, {@link #clientTrustStore()}) in {@code dir}.
     */
    static TestCertificates create(Path dir) throws IOException {
        TestCertificates certs = new TestCertificates(dir);
        for (String ca : List.of("ca", "client-ca", "other-ca")) {
            certs.keytool("-genkeypair", "-alias", ca, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=Spillway test " + ca, "-ext", "bc:c", "-validity", "2", "-keystore", certs.path(ca + ".p12"),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
            certs.keytool("-exportcert", "-rfc", "-alias", ca, "-keystore", certs.path(ca + ".p12"), "-storepass",
                PASSWORD, "-file", certs.path(ca + ".pem"));
        }
        certs.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", certs.path("ca.pem"), "-keystore",
            certs.path("trust.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        certs.keytool("-importcert", "-noprompt", "-alias", "client-ca", "-file", certs.path("client-ca.pem"),
            "-keystore", certs.path("client-trust.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        return certs;
    }

    /**
     * The authorities and trust stores of {@link #create}, made once per JVM in a directory of its own under
     * {@code target} and shared by the test classes that only need certificates, not a cluster of their own.
     */
    static synchronized TestCertificates shared() throws IOException {
        if (shared == null) {
            Path dir = Files.createDirectories(Path.of("target", "test-certificates").toAbsolutePath());
            shared = create(Files.createTempDirectory(dir, "jvm-"));
        }
        return shared;
    }

    /** The trust store holding the authority {@code ca}, which signs nodes' certificates. */
    Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** The trust store holding the authority {@code client-ca}, which signs thin clients' certificates. */
    Path clientTrustStore() {
        return dir.resolve("client-trust.p12");
    }

    /** A key store for {@code name}, its certificate signed by {@code authority}, valid from now for 2 days. */
    Path keyStore(String name, String authority) throws IOException {
        return keyStore(name, authority, "+0d", 2);
    }

    /**
     * A key store for {@code name}, its certificate signed by {@code authority} ("ca", "client-ca" or "other-ca"),
     * valid from {@code start} (keytool's {@code -startdate}, such as {@code -3d}) for {@code days}.
     */
    Path keyStore(String name, String authority, String start, int days) throws IOException {
        String store = path(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
            "-validity", "2", "-keystore", store, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-file", path(name + ".csr"));
        keytool("-gencert", "-rfc", "-alias", authority, "-keystore", path(authority + ".p12"), "-storepass", PASSWORD,
            "-infile", path(name + ".csr"), "-outfile", path(name + ".pem"), "-startdate", start, "-validity",
            Integer.toString(days), "-ext", "ku:c=digitalSignature,keyAgreement", "-ext", "eku=serverAuth,clientAuth");
        keytool("-importcert", "-noprompt", "-alias", authority, "-file", path(authority + ".pem"), "-keystore", store,
            "-storepass", PASSWORD);
        keytool("-importcert", "-alias", name, "-file", path(name + ".pem"), "-keystore", store, "-storepass",
            PASSWORD);
        return dir.resolve(name + ".p12");
    }

    private String path(String file) {
        return dir.resolve(file).toString();
    }

    private void keytool(String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Path log = dir.resolve("keytool.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0)
                throw new IOException("keytool " + String.join(" ", args) + " failed:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted running keytool", e);
        }
        finally {
            p.destroyForcibly();
        }
    }
}
