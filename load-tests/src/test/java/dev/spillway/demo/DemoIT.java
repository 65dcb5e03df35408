package dev.spillway.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.bench.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code ./spillway demo}, end to end in a JVM of its own as the launcher starts it
 * (its own embedded cluster, the state sized from the free space so that part of it spills), with one timing round.
 */
class DemoIT {

    @Test
    @DisplayName("./spillway demo: every read checked, part of the state spilled, exit 0 and 'Demo passed'")
    void demoPasses(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("demo.log");
        Process demo = new ProcessBuilder(ChildJvm.command("2g", List.of("-DIGNITE_UPDATE_NOTIFIER=false"),
            Demo.class.getName(), List.of("--work-dir", dir.resolve("work").toString(), "--rounds", "1")))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(demo.waitFor(4, TimeUnit.MINUTES)).as("the demo finished within 4 minutes").isTrue();
        }
        finally {
            demo.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(demo.exitValue()).as(output).isZero();
        assertThat(output).contains("[ ok ] part of the state spilled to peers",
            "[ ok ] restores after stopping demo-", "[ ok ] no node failed", "Demo passed");
        assertThat(dir.resolve("demo-results.json")).exists();
    }
}
