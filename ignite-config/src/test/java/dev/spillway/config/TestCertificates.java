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

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** Creates both authorities and the trust store of {@code ca} ({@link #trustStore()}) in {@code dir}. */
    static TestCertificates create(Path dir) throws IOException {
        TestCertificates certs = new TestCertificates(dir);
        for (String ca : List.of("ca", "other-ca")) {
            certs.keytool("-genkeypair", "-alias", ca, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=Spillway test " + ca, "-ext", "bc:c", "-validity", "2", "-keystore", certs.path(ca + ".p12"),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
            certs.keytool("-exportcert", "-rfc", "-alias", ca, "-keystore", certs.path(ca + ".p12"), "-storepass",
                PASSWORD, "-file", certs.path(ca + ".pem"));
        }
        certs.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", certs.path("ca.pem"), "-keystore",
            certs.path("trust.p12"), "-storetype", "PKCS12", "-storepass", PASSWORD);
        return certs;
    }

    /** The trust store holding the authority {@code ca}. */
    Path trustStore() {
        return dir.resolve("trust.p12");
    }

    /** A key store for {@code name}, its certificate signed by {@code authority} ("ca" or "other-ca"). */
    Path keyStore(String name, String authority) throws IOException {
        String store = path(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
            "-validity", "2", "-keystore", store, "-storetype", "PKCS12", "-storepass", PASSWORD);
        keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", PASSWORD, "-file", path(name + ".csr"));
        keytool("-gencert", "-rfc", "-alias", authority, "-keystore", path(authority + ".p12"), "-storepass", PASSWORD,
            "-infile", path(name + ".csr"), "-outfile", path(name + ".pem"), "-validity", "2", "-ext",
            "ku:c=digitalSignature,keyAgreement", "-ext", "eku=serverAuth,clientAuth");
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
