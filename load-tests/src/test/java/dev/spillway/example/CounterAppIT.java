package dev.spillway.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.JavaProcess;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The example application, as a user runs it: a process that is killed with SIGKILL and resumes. */
class CounterAppIT {
    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.COUNTER_APP_IT, new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20)
        .setChunkSize(64 << 10)
        .setBackups(1)
        .setPartitions(32)
        .setMetadataRegionSize(16L << 20));

    @Test
    @DisplayName("the counter, killed with SIGKILL, resumes from its last checkpoint")
    void killedAndResumed() throws IOException, InterruptedException {
        CheckpointStore store = Spillway.store(cluster.node(1));
        Path firstLog = Path.of("target", "counter-app-1.log");
        Process first = start(firstLog);
        try {
            SpillwayCluster.awaitCondition("three checkpoints", Duration.ofSeconds(60),
                () -> log(firstLog).lines().filter(l -> l.startsWith("CHECKPOINT")).count() >= 3);
            assertThat(log(firstLog)).startsWith("STARTED count=0");
        }
        finally {
            first.destroyForcibly();
            first.waitFor(30, TimeUnit.SECONDS);
        }
        CheckpointInfo latest = store.latest("counter").orElseThrow();
        long saved;
        try (DataInputStream in = new DataInputStream(store.openLatest("counter"))) {
            saved = in.readLong();
        }
        assertThat(saved).isPositive();

        Path secondLog = Path.of("target", "counter-app-2.log");
        Process second = start(secondLog);
        try {
            SpillwayCluster.awaitCondition("a checkpoint after resuming", Duration.ofSeconds(60),
                () -> log(secondLog).contains("CHECKPOINT"));
            String out = log(secondLog);
            System.out.println("counter example: killed after checkpoint " + latest.checkpointId() + " at count "
                + saved + "; started again: " + out.lines().findFirst().orElse(""));
            assertThat(out).startsWith("RESUMED count=" + saved + " from checkpoint " + latest.checkpointId());
        }
        finally {
            second.destroyForcibly();
            second.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(store.latest("counter").orElseThrow().checkpointId()).isGreaterThan(latest.checkpointId());
        store.list("counter").forEach(i -> store.delete("counter", i.checkpointId()));
    }

    @Test
    @DisplayName("started with a plain java -cp command line, without the JDK 17 options: it fails at once, listing "
        + "every option to add")
    void plainJavaCommandLine() throws IOException, InterruptedException {
        Path log = Path.of("target", "counter-app-plain.log");
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
            System.getProperty("java.class.path"), CounterApp.class.getName(), cluster.thinAddress(0));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the application exits").isTrue();
        }
        finally {
            p.destroyForcibly();
        }
        String out = log(log);
        System.out.println("counter example, plain java: exit " + p.exitValue() + ", " + out.lines()
            .filter(l -> l.contains("SpillwayException")).findFirst().orElse(out));
        assertThat(p.exitValue()).isNotZero();
        assertThat(out).contains("needs these JVM options").contains("--add-opens=java.base/java.nio=ALL-UNNAMED")
            .doesNotContain("ExceptionInInitializerError");
    }

    private static Process start(Path log) throws IOException {
        List<String> args = new ArrayList<>(List.of("--period-ms", "200"));
        for (int i = 0; i < 3; i++)
            args.add(cluster.thinAddress(i));
        return new ProcessBuilder(JavaProcess.command("128m", CounterApp.class, args))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String log(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
