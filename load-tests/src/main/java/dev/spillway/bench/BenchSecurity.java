package dev.spillway.bench;

import dev.spillway.PasswordHash;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * The security a bench cluster runs with when the run asks for it ({@code --security on}): a security file its
 * nodes (and its thick client) read, with a server identity and the identity {@code bench} its thin clients connect
 * as, which may do everything with every application and create its raw baseline's caches. Passwords are random
 * per run; the hashes use the default iterations, as a production file would.
 */
final class BenchSecurity {
    static final String CLIENT = "bench";
    private final Path file;
    private final String clientPassword;

    private BenchSecurity(Path file, String clientPassword) {
        this.file = file;
        this.clientPassword = clientPassword;
    }

    static BenchSecurity create(Path dir) throws IOException {
        String nodePassword = randomPassword();
        String clientPassword = randomPassword();
        String text = String.join("\n",
            "node.identity = bench-node",
            "node.password = " + nodePassword,
            "identity.bench-node.password = " + PasswordHash.create(nodePassword.toCharArray(),
                PasswordHash.DFLT_ITERATIONS),
            "identity.bench-node.role = server",
            "identity." + CLIENT + ".password = " + PasswordHash.create(clientPassword.toCharArray(),
                PasswordHash.DFLT_ITERATIONS),
            "identity." + CLIENT + ".save = *",
            "identity." + CLIENT + ".restore = *",
            "identity." + CLIENT + ".list = *",
            "identity." + CLIENT + ".delete = *",
            "identity." + CLIENT + ".caches = *", "");
        Files.createDirectories(dir);
        Path file = dir.resolve("security.properties");
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return new BenchSecurity(file, clientPassword);
    }

    private static String randomPassword() {
        byte[] b = new byte[18];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The options of {@code ./spillway node} that give a node (or the thick client) the file. */
    List<String> nodeOptions() {
        return List.of("--security-file", file.toString());
    }

    /** {@code config} with the thin clients' identity and password. */
    ClientConfiguration credentials(ClientConfiguration config) {
        return config.setUserName(CLIENT).setUserPassword(clientPassword);
    }
}
