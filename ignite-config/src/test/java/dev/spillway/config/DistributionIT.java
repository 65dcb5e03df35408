package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointInfo;
import dev.spillway.client.SpillwayClient;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server distribution as an operator gets it: the tar.gz this module's package phase made
 * (target/spillway-server-&lt;version&gt;.tar.gz, named by the system property {@code spillway.distribution}),
 * unpacked by {@code tar} into a fresh folder. It holds an executable bin/spillway-node, lib/ (the runtime
 * classpath: no test jars) and config/. Two nodes started from bin/spillway-node on loopback, with the settings they
 * share written into the unpacked config/spillway.properties and each node's name and ports as options, form a
 * cluster; a thin client saves a checkpoint there and restores it byte-equal; SIGTERM stops each node cleanly.
 * Every process it starts is killed at the end, whatever happens.
 */
class DistributionIT {
    private static final TestPorts.Slot PORTS = TestPorts.DISTRIBUTION_IT.slot();
    private static final Pattern JOINED = Pattern.compile("JOINED (\\S+) in [0-9.]+ s: (\\d+) server nodes");
    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    /** Where the nodes' logs stay after the run (the unpacked distribution goes with the temporary folder). */
    private static final Path LOGS = Path.of("target", "distribution-it").toAbsolutePath();

    @TempDir
    static Path dir;
    /** The unpacked distribution's one folder. */
    private static Path home;
    private static final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void unpack() throws IOException, InterruptedException {
        Path tarball = Path.of(Objects.requireNonNull(System.getProperty("spillway.distribution"),
            "system property spillway.distribution (set by Failsafe) names the tar.gz"));
        assertThat(tarball).as("the tar.gz the package phase made").isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", dir.toString())
            .redirectErrorStream(true).start();
        String out = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(tar.waitFor(60, TimeUnit.SECONDS) && tar.exitValue() == 0).as("tar -xzf: %s", out).isTrue();
        String name = tarball.getFileName().toString().replaceFirst("\\.tar\\.gz$", "");
        try (Stream<Path> top = Files.list(dir)) {
            assertThat(top).as("the tar.gz's top level").containsExactly(dir.resolve(name));
        }
        home = dir.resolve(name);
        Files.createDirectories(LOGS);
    }

    @AfterAll
    static void killNodes() throws InterruptedException {
        for (Process p : processes)
            p.destroyForcibly();
        for (Process p : processes)
            p.waitFor(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("it holds an executable bin/spillway-node, the runtime classpath without test jars, and config/")
    void contents() throws IOException, InterruptedException {
        Path launcher = home.resolve("bin/spillway-node");
        assertThat(Files.isExecutable(launcher)).as("bin/spillway-node is executable").isTrue();
        assertThat(Files.readAllLines(launcher).get(0)).isEqualTo("#!/usr/bin/env bash");
        List<String> jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).allMatch(j -> j.endsWith(".jar"))
            .anyMatch(j -> j.startsWith("spillway-ignite-config-")).anyMatch(j -> j.startsWith("spillway-plugin-"))
            .anyMatch(j -> j.startsWith("ignite-core-")).anyMatch(j -> j.startsWith("slf4j-simple-"))
            .noneMatch(j -> j.matches("(junit|opentest4j|apiguardian|assertj|archunit|spillway-app-adapter).*"))
            .noneMatch(j -> j.endsWith("-tests.jar"));
        assertThat(home.resolve("config/spillway.properties")).isRegularFile();
        assertThat(home.resolve("config/spillway-node.xml")).isRegularFile();
        assertThat(home.resolve("config/spillway-dashboard.json")).hasSameBinaryContentAs(
            Path.of("src", "main", "dist", "config", "spillway-dashboard.json"));
        assertThat(Files.readString(home.resolve("config/jvm-opens.txt")))
            .contains("--add-opens=java.base/java.nio=ALL-UNNAMED").doesNotContain("${");

        Process help = new ProcessBuilder(launcher.toString(), "--help").redirectErrorStream(true).start();
        String usage = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).as(usage).isZero();
        assertThat(usage).startsWith("Usage: bin/spillway-node").contains("--region-max-size", "--config");
    }

    @Test
    @DisplayName("two nodes from bin/spillway-node form a cluster, keep a checkpoint, and stop cleanly on SIGTERM")
    void twoNodeCluster() throws IOException, InterruptedException {
        PORTS.assertNoNodeAnswers();
        int discovery = PORTS.discovery();
        // What the two nodes share, as an operator would set it: in the distribution's own properties file.
        Files.writeString(home.resolve("config/spillway.properties"), String.join("\n", "",
            "spillway.discoveryAddresses=127.0.0.1:" + discovery + ".." + (discovery + 1),
            "spillway.portRange=0",
            "spillway.regionMaxSize=48MB",
            "spillway.metadataRegionSize=16MB",
            "spillway.defaultRegionMaxSize=16MB",
            "spillway.chunkSize=64KB",
            "spillway.partitions=32",
            "spillway.pageSize=4KB",
            "spillway.workDirectory=" + dir.resolve("work"), ""), StandardOpenOption.APPEND);
        long started = System.nanoTime();
        for (int i = 0; i < 2; i++)
            processes.add(start(i));
        int mostServers = 0;
        for (int i = 0; i < 2; i++) {
            int n = i;
            // The whole line: the node's stdout is flushed in pieces, so a read may end inside it.
            await("node " + i + " joined", () -> JOINED.matcher(log(n)).find(), i);
            Matcher m = JOINED.matcher(log(i));
            assertThat(m.find()).isTrue();
            assertThat(m.group(1)).isEqualTo(name(i));
            mostServers = Math.max(mostServers, Integer.parseInt(m.group(2)));
        }
        assertThat(mostServers).as("servers the later of the two saw on joining").isEqualTo(2);
        System.out.printf("DistributionIT: two nodes from bin/spillway-node joined in %.1f s%n",
            (System.nanoTime() - started) / 1e9);

        byte[] state = TestData.random(1 << 20, 15);
        try (SpillwayClient client = SpillwayClient.connect(new ClientConfiguration()
            .setAddresses("127.0.0.1:" + PORTS.thin(), "127.0.0.1:" + (PORTS.thin() + 1)))) {
            await("two servers seen by the thin client", () -> client.capacity().size() == 2, 0);
            CheckpointInfo info = client.save("dist-app", state);
            assertThat(info.size()).isEqualTo(state.length);
            assertThat(client.restoreLatest("dist-app")).isEqualTo(state);
        }

        for (int i = 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("node %d ended within 60 s of SIGTERM", i).isTrue();
            // 0: the node's code once a stop by SIGTERM has ended, STOPPED printed before it.
            assertThat(p.exitValue()).as("node %d's exit code; log:%n%s", i, log(i)).isEqualTo(0);
            assertThat(log(i)).contains("STOPPED " + name(i));
        }
    }

    private static Process start(int i) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/spillway-node").toString(), "--name", name(i),
            "--discovery-port", Integer.toString(PORTS.discovery() + i),
            "--communication-port", Integer.toString(PORTS.communication() + i),
            "--thin-client-port", Integer.toString(PORTS.thin() + i))
            .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(logFile(i).toFile());
        // Only this test's settings: none from the environment it runs in.
        pb.environment().keySet().removeIf(k -> k.startsWith("SPILLWAY_"));
        pb.environment().put("SPILLWAY_NODE_HEAP", "512m");
        return pb.start();
    }

    private static String name(int i) {
        return "dist-" + i;
    }

    private static Path logFile(int i) {
        return LOGS.resolve(name(i) + ".log");
    }

    private static String log(int i) {
        try {
            return Files.exists(logFile(i)) ? Files.readString(logFile(i), StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits for {@code condition}, failing at once with node {@code i}'s log if its process has ended. */
    private static void await(String what, BooleanSupplier condition, int i) {
        SpillwayCluster.awaitCondition(what, TIMEOUT, () -> {
            if (!processes.get(i).isAlive())
                throw new AssertionError("Node " + i + " exited with " + processes.get(i).exitValue() + " before "
                    + what + ":\n" + log(i));
            return condition.getAsBoolean();
        });
    }
}
