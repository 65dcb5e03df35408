package dev.spillway.test;

import dev.spillway.PasswordHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes security files for tests: one identity table every server shares, and per node the identity it
 * presents. Hashes use the fewest iterations allowed, so a handshake costs a test no time.
 */
public final class SecurityFiles {
    private final Path dir;
    private final Map<String, String> table = new LinkedHashMap<>();

    public SecurityFiles(Path dir) {
        this.dir = dir;
    }

    /** Adds identity {@code name} with {@code password} and its settings ({@code role}, {@code save}, ...). */
    public SecurityFiles identity(String name, String password, String... settings) {
        table.put("identity." + name + ".password",
            PasswordHash.create(password.toCharArray(), PasswordHash.MIN_ITERATIONS).toString());
        for (int i = 0; i < settings.length; i += 2)
            table.put("identity." + name + "." + settings[i], settings[i + 1]);
        return this;
    }

    /** A server node's file: the identity table, and {@code identity} with {@code password} as the node's own. */
    public String server(String identity, String password) {
        return write("server-" + identity + ".properties", identity, password, table);
    }

    /** A thick client's file: only the identity it presents. */
    public String client(String identity, String password) {
        return write("client-" + identity + ".properties", identity, password, Map.of());
    }

    private String write(String fileName, String identity, String password, Map<String, String> identities) {
        StringBuilder text = new StringBuilder("node.identity = " + identity + "\nnode.password = " + password + "\n");
        identities.forEach((k, v) -> text.append(k).append(" = ").append(v).append('\n'));
        Path file = dir.resolve(fileName);
        try {
            Files.createDirectories(dir);
            Files.writeString(file, text);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file.toString();
    }
}
