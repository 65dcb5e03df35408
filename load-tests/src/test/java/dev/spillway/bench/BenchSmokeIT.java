package dev.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Short runs of each bench scenario (seconds, tiny sizes) on real node processes: they complete, every read
 * matches, and the results file holds the figures, the baselines and the targets. Speed is not judged here.
 */
class BenchSmokeIT {
    private static final Path OUT = Path.of("target", "bench-smoke").toAbsolutePath();

    @Test
    @DisplayName("bench throughput, tiny, two applications at once: every figure and baseline measured, "
        + "results.json written")
    void throughput() throws IOException {
        int code = Bench.run("throughput", "--apps", "2", "--state-mb", "8", "--chunk-kb", "256", "--reps", "1", "--region-mb",
            "128", "--backups", "0,1", "--node-heap", "512m", "--out", OUT.toString(), "--name", "throughput");
        assertThat(code).isZero();
        String json = Files.readString(OUT.resolve("throughput").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"scenario\": \"throughput\"", "\"gitCommit\"", "\"cpus\"",
            "\"spillway.save.home.b0\"", "\"spillway.restore.spilled.b1\"", "\"spillway.save.thin.b1\"",
            "\"raw.localStreamer.write.b0\"", "\"raw.random.write.best.b1\"", "\"machine.memcpy.b0\"",
            "\"targets\"", "\"spilledFractions\"", "\"applications\": 2", "\"rates\"", "\"spilled\"",
            "\"raw.thin.random.write.best.b0\"", "\"ratios\"");
    }

    @Test
    @DisplayName("bench throughput refuses states that cannot all be local on node 0, naming the options")
    void throughputRefusesTooMuchState() {
        assertThat(Bench.run("throughput", "--apps", "5", "--state-mb", "256", "--region-mb", "2048")).isEqualTo(2);
        assertThat(Bench.run("throughput", "--apps", "0")).isEqualTo(2);
    }

    @Test
    @DisplayName("bench incremental, tiny: every path and content, shares changed, bytes sent and region bytes, the "
        + "aims evaluated; bad options refused")
    void incremental() throws IOException {
        int code = Bench.run("incremental", "--state-mb", "8", "--chunk-kb", "256", "--changed", "5,100", "--reps", "2",
            "--region-mb", "128", "--node-heap", "512m", "--out", OUT.toString(), "--name", "incremental");
        assertThat(code).isZero();
        String json = Files.readString(OUT.resolve("incremental").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"scenario\": \"incremental\"", "\"full.save.embedded.random\"",
            "\"full.save.thin.compressible\"", "\"inc.save.embedded-hint.random.5\"",
            "\"inc.save.thin.compressible.100\"", "\"inc.restore.embedded.random.5\"",
            "\"raw.localStreamer.write\"", "\"incremental\": [", "\"sentMb\"", "\"physicalPerState\"",
            "\"atMost\"");
        assertThat(Bench.run("incremental", "--changed", "0")).isEqualTo(2);
        assertThat(Bench.run("incremental", "--paths", "carrier-pigeon")).isEqualTo(2);
        assertThat(Bench.run("incremental", "--reps", "1")).isEqualTo(2);
    }

    @Test
    @DisplayName("bench latency, tiny: percentiles per size and path, and the 1 MB aim evaluated")
    void latency() throws IOException {
        int code = Bench.run("latency", "--sizes-kb", "64,1024", "--rate", "20", "--seconds", "1",
            "--warm-up-seconds", "0.5", "--cluster-warm-up-seconds", "0.5", "--backups", "0", "--node-heap", "512m",
            "--out", OUT.toString(), "--name",
            "latency");
        assertThat(code).isZero();
        String json = Files.readString(OUT.resolve("latency").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"scenario\": \"latency\"", "\"p99Ms\"", "\"p99.9Ms\"", "\"path\": \"thin\"",
            "\"path\": \"embedded\"", "p99 latency (ms) under 5", "\"embeddedFirstSaveMs\"");
        assertThat(json).doesNotContain("\"firstError\"");
    }

    @Test
    @DisplayName("bench fill, tiny: refused with the capacity error, every node alive, nothing committed lost")
    void fill() throws IOException {
        int code = Bench.run("fill", "--state-mb", "4", "--region-mb", "64", "--backups", "1", "--node-heap", "512m",
            "--out", OUT.toString(), "--name", "fill");
        assertThat(code).as("fill passed its checks").isZero();
        String json = Files.readString(OUT.resolve("fill").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"refusedWithCapacityError\": true", "\"allNodesAlive\": true",
            "\"nothingLost\": true", "\"fill.save.local\"");
    }

    @Test
    @DisplayName("bench kill, tiny: a node SIGKILLed under load; every application's latest restores byte-equal")
    void kill() throws IOException {
        int code = Bench.run("kill", "--writers", "2", "--state-mb", "2", "--seconds", "6", "--region-mb", "64",
            "--node-heap", "512m", "--out", OUT.toString(), "--name", "kill");
        assertThat(code).as("kill passed its checks").isZero();
        String json = Files.readString(OUT.resolve("kill").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"nothingLost\": true", "\"survivorsAlive\": 2", "\"timeline\"");
    }

    @Test
    @DisplayName("bench against an existing cluster by thin-client addresses: the thin paths and their baseline")
    void existingCluster() throws IOException {
        try (BenchCluster cluster = BenchCluster.start(OUT.resolve("existing-cluster"), 3, NodeProcesses.of("512m"),
            java.util.List.of("--region-max-size", "128MB", "--chunk-size", "256KB", "--backups", "1"))) {
            String addresses = "127.0.0.1:" + BenchCluster.THIN + ",127.0.0.1:" + (BenchCluster.THIN + 1);
            int code = Bench.run("throughput", "--addresses", addresses, "--apps", "2", "--state-mb", "8",
                "--chunk-kb", "256", "--seconds", "1", "--backups", "1", "--out", OUT.toString(), "--name", "existing");
            assertThat(code).isZero();
            assertThat(Bench.run("kill", "--addresses", addresses, "--out", OUT.toString())).isNotZero();
        }
        String json = Files.readString(OUT.resolve("existing").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"spillway.save.thin.b1\"", "\"raw.thin.random.write.best.b1\"",
                "\"secondsPerBackupCount\": 1")
            .doesNotContain("\"spillway.save.home");
    }

    @Test
    @DisplayName("bench chaos, short: faults drawn from a fixed seed on real node processes, every check passed, "
        + "the summary in results.json and report.html")
    void chaos() throws IOException {
        int code = Bench.run("chaos", "--rounds", "3", "--seconds", "4", "--seed", "11", "--nodes", "3", "--apps", "3",
            "--network", "loopback", "--region-mb", "64", "--lease-seconds", "3", "--node-heap", "512m", "--out",
            OUT.toString(), "--name", "chaos");
        String json = Files.readString(OUT.resolve("chaos").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(code).as("chaos passed its checks: %s", json).isZero();
        assertThat(json).contains("\"scenario\": \"chaos\"", "\"bytesLost\": 0", "\"wrongBytes\": 0",
            "\"nodesHalted\": 0", "\"failedSavesVisible\": 0", "\"unsettledRounds\": 0", "\"events\"",
            "\"fill\"", "\"summary\": \"rounds 3, faults (");
        assertThat(Files.readString(OUT.resolve("chaos").resolve("report.html"), StandardCharsets.UTF_8))
            .contains("Spillway chaos run", "echarts");
    }

    @Test
    @DisplayName("bench chaos refuses settings it cannot run, naming the option")
    void chaosRefusesBadSettings() {
        assertThat(Bench.run("chaos", "--nodes", "2")).isEqualTo(2);
        assertThat(Bench.run("chaos", "--rounds", "0")).isEqualTo(2);
        assertThat(Bench.run("chaos", "--region-mb", "16")).isEqualTo(2);
        assertThat(Bench.run("chaos", "--network", "wires")).isEqualTo(2);
    }
}
