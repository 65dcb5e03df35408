package dev.spillway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of {@code ./spillway status} that reach a cluster with security: passwords from the environment. */
class StatusOptionsTest {
    private static String refusal(Map<String, String> env, String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CommandLine cmd = new CommandLine(new Status(new PrintStream(out, true, StandardCharsets.UTF_8), env));
        cmd.setErr(new PrintWriter(err));
        assertThat(cmd.execute(args)).isEqualTo(2);
        return err.toString();
    }

    @Test
    void aPasswordIsTakenFromTheEnvironmentOnly() {
        assertThat(refusal(Map.of(), "--addresses", "127.0.0.1:1", "--user", "ops"))
            .contains("--user needs its password in the environment variable SPILLWAY_PASSWORD");
        assertThat(refusal(Map.of("SPILLWAY_PASSWORD", "x"), "--addresses", "127.0.0.1:1", "--user", "ops",
            "--tls-key-store", "k.p12", "--tls-trust-store", "t.p12"))
            .contains("--tls-key-store needs its password in the environment variable SPILLWAY_TLS_KEY_STORE_PASSWORD");
        assertThat(refusal(Map.of(), "--addresses", "127.0.0.1:1", "--tls-key-store", "k.p12"))
            .contains("--tls-key-store and --tls-trust-store go together");
        assertThat(refusal(Map.of(), "--addresses", "127.0.0.1:1", "--password", "x"))
            .contains("Unknown options: '--password'");
    }
}
