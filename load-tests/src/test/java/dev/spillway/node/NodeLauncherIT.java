package dev.spillway.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointInfo;
import dev.spillway.PlacementReport;
import dev.spillway.client.SpillwayClient;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Three {@code ./spillway node} processes on loopback, as an operator starts them: a thin client saves a state
 * that spills past its home server, one node process is killed with SIGKILL, and the thin client restores the
 * state byte-equal from the survivors; a survivor frozen past failure detection joins again once let run, instead
 * of halting. Runs the launcher script itself on the build ignite-config's package phase
 * made ({@code SPILLWAY_NO_BUILD=1}: its classes, target/lib and flags); every process it starts is ended, whatever
 * happens.
 */
class NodeLauncherIT {
    private static final TestPorts.Slot PORTS = TestPorts.NODE_LAUNCHER_IT.slot();
    private static final int DISCOVERY = PORTS.discovery();
    private static final int COMMUNICATION = PORTS.communication();
    private static final int THIN = PORTS.thin();
    private static final Pattern JOINED = Pattern.compile("JOINED (\\S+) in ([0-9.]+) s: (\\d+) server nodes");
    private static final Path SCRIPT = Path.of("..", "spillway").toAbsolutePath().normalize();
    private static final Path DIR = Path.of("target", "node-launcher").toAbsolutePath();

    @Test
    @DisplayName("three ./spillway node processes; a spilled state restores byte-equal after one is killed; one "
        + "frozen past failure detection joins again; SIGTERM stops one cleanly")
    void threeNodesSurviveAKill() throws IOException, InterruptedException {
        PORTS.assertNoNodeAnswers();
        Files.createDirectories(DIR);
        List<Process> nodes = new ArrayList<>();
        try {
            long launched = System.nanoTime();
            for (int i = 0; i < 3; i++)
                nodes.add(start(i));
            List<String> joinSeconds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                // The whole line: the node's stdout is flushed in pieces, so a read may end inside it.
                awaitLog("node " + i + " joined", () -> JOINED.matcher(log(n)).find(), nodes.get(i), i);
                Matcher m = JOINED.matcher(log(i));
                assertThat(m.find()).isTrue();
                assertThat(m.group(1)).isEqualTo("launcher-" + i);
                joinSeconds.add(String.format(java.util.Locale.ROOT, "%.1f (node's own count %s)",
                    (System.nanoTime() - launched) / 1e9, m.group(2)));
            }
            System.out.println("./spillway node to JOINED, seconds, three launched at once: " + joinSeconds);

            // Frozen past failure detection, a node is taken out; let run again, it finds itself segmented: it joins
            // again instead of halting.
            int frozen = 2;
            signal(nodes.get(frozen), "STOP");
            try {
                Pattern failed = Pattern.compile("Node FAILED: TcpDiscoveryNode \\[[^\\]]*consistentId=launcher-"
                    + frozen + ",");
                awaitLog("node " + frozen + " taken out", () -> failed.matcher(log(0)).find(), nodes.get(0), 0);
            }
            finally {
                signal(nodes.get(frozen), "CONT");
            }
            awaitLog("node " + frozen + " joined again", () -> JOINED.matcher(log(frozen)).results().count() == 2,
                nodes.get(frozen), frozen);
            assertThat(log(frozen)).contains("SEGMENTED launcher-" + frozen)
                .doesNotContain("Critical system error detected");

            List<String> addresses = List.of("127.0.0.1:" + THIN, "127.0.0.1:" + (THIN + 1), "127.0.0.1:"
                + (THIN + 2));
            byte[] state = TestData.random(80 << 20, 51);
            try (SpillwayClient client = SpillwayClient.connect(new ClientConfiguration()
                .setAddresses(addresses.toArray(String[]::new)))) {
                awaitLog("three servers seen by the client", () -> client.capacity().size() == 3, nodes.get(0), 0);
                CheckpointInfo info = client.save("launcher-app", state);
                PlacementReport report = client.placement("launcher-app", info.checkpointId());
                assertThat(report.spilledChunks()).as("chunks spilled past the home server").isPositive();
                String victim = report.nodes().stream().filter(n -> !n.origin() && n.chunks() > 0).findFirst()
                    .orElseThrow().node();
                int v = Integer.parseInt(victim.substring(victim.lastIndexOf('-') + 1));

                nodes.get(v).destroyForcibly();
                assertThat(nodes.get(v).waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(nodes.get(v).exitValue()).isEqualTo(137);
                assertThat(client.restoreLatest("launcher-app")).isEqualTo(state);
                for (int i = 0; i < 3; i++) {
                    if (i != v)
                        assertThat(nodes.get(i).isAlive()).as("survivor %d", i).isTrue();
                }
                // SIGTERM stops a node cleanly: it says so, and exits with 0 (the JVM alone would exit 143).
                int survivor = v == 0 ? 1 : 0;
                nodes.get(survivor).destroy();
                assertThat(nodes.get(survivor).waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(nodes.get(survivor).exitValue()).isEqualTo(0);
                assertThat(log(survivor)).contains("STOPPED launcher-" + survivor);
            }
        }
        finally {
            for (Process p : nodes)
                p.destroyForcibly();
            for (Process p : nodes)
                p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static Process start(int i) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), "node", "--name", "launcher-" + i,
            "--discovery-addresses", "127.0.0.1:" + DISCOVERY + ".." + (DISCOVERY + 2),
            "--discovery-port", Integer.toString(DISCOVERY + i), "--port-range", "0",
            "--communication-port", Integer.toString(COMMUNICATION + i),
            "--thin-client-port", Integer.toString(THIN + i),
            "--region-max-size", "96MB", "--chunk-size", "256KB", "--partitions", "64",
            "--metadata-region-size", "16MB", "--page-size", "4KB",
            "--work-directory", DIR.resolve("work").toString())
            .redirectErrorStream(true).redirectOutput(logFile(i).toFile());
        pb.environment().put("SPILLWAY_NO_BUILD", "1");
        pb.environment().put("SPILLWAY_NODE_HEAP", "256m");
        return pb.start();
    }

    private static void signal(Process p, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -%s", signal).isTrue();
    }

    private static Path logFile(int i) {
        return DIR.resolve("node-" + i + ".log");
    }

    private static String log(int i) {
        try {
            return Files.exists(logFile(i)) ? Files.readString(logFile(i), StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits for {@code condition}, failing at once with node {@code i}'s log if its process has ended. */
    private static void awaitLog(String what, BooleanSupplier condition, Process p, int i) {
        SpillwayCluster.awaitCondition(what, Duration.ofSeconds(90), () -> {
            if (!p.isAlive())
                throw new AssertionError("Node " + i + " exited with " + p.exitValue() + " before " + what + ":\n"
                    + log(i));
            return condition.getAsBoolean();
        });
    }
}
