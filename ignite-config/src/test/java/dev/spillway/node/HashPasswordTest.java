package dev.spillway.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.PasswordHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HashPasswordTest {
    @Test
    void printsAHashOfThePasswordReadFromStandardInput() {
        InputStream in = System.in;
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setIn(new ByteArrayInputStream("s3cret pass\n".getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(new CommandLine(new HashPassword()).execute("--iterations", "2000")).isZero();
        }
        finally {
            System.setIn(in);
            System.setOut(out);
        }
        String line = printed.toString(StandardCharsets.UTF_8).trim();
        assertThat(line).startsWith("pbkdf2-sha256:2000:").doesNotContain("s3cret");
        PasswordHash hash = PasswordHash.parse(line);
        assertThat(hash.matches("s3cret pass".toCharArray())).isTrue();
        assertThat(hash.matches("s3cret".toCharArray())).isFalse();
    }

    @Test
    void refusesTooFewIterations() {
        assertThat(new CommandLine(new HashPassword()).execute("--iterations", "10")).isEqualTo(2);
    }
}
