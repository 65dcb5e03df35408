package dev.spillway.bench;

import dev.spillway.Bytes;
import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * {@code bench latency}: small checkpoints saved at a fixed rate, one size at a time, by an embedded writer on node
 * 0 (a compute job) and by a thin client whose home is node 0; the latency of each save from the moment it was due
 * (coordinated omission corrected) in an HdrHistogram; p50, p90, p99, p99.9 and max per size, path and backup
 * count. Retention 1: every save also removes the one before, as a steady checkpointing application does. Each
 * fresh cluster is warmed up first (unrecorded), and its very first saves are reported apart.
 */
final class LatencyScenario {
    record Settings(int nodes, List<Integer> sizes, List<Integer> backups, double perSecond, long durationNanos,
                    long warmUpNanos, long clusterWarmUpNanos, NodeProcesses processes,
                    List<String> addresses) {
    }

    /** The fresh cluster's warm-up: 256 KB saves at 50 per second, embedded then thin. */
    private static final int WARM_UP_SIZE = 256 << 10;
    private static final double WARM_UP_RATE = 50;

    private final Settings settings;
    private final Path runDir;
    private final PrintStream out;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, Object> coldStart = new LinkedHashMap<>();

    LatencyScenario(Settings settings, Path runDir, PrintStream out) {
        this.settings = settings;
        this.runDir = runDir;
        this.out = out;
    }

    /** One row per size, path and backup count: the percentiles in milliseconds. */
    List<Map<String, Object>> rows() {
        return rows;
    }

    /** Per backup count, the first save on the fresh cluster, embedded and thin, in milliseconds. */
    Map<String, Object> coldStart() {
        return coldStart;
    }

    void run() throws IOException {
        if (!settings.addresses().isEmpty()) {
            runRemote();
            return;
        }
        StepBar bar = new StepBar(out, settings.backups().size() * (2 + 2 * settings.sizes().size()));
        for (int b : settings.backups()) {
            bar.step("backups " + b + ": starting " + settings.nodes() + " node processes");
            List<String> options = List.of("--region-max-size", "512MB", "--chunk-size", "1MB", "--backups", b + "",
                "--retention", "1");
            try (BenchCluster cluster = BenchCluster.start(runDir.resolve("cluster-b" + b), settings.nodes(),
                settings.processes(), options)) {
                bar.done();
                CheckpointStore thick = Spillway.store(cluster.thick());
                warmUp(cluster, thick, b, bar);
                for (int size : settings.sizes()) {
                    String what = "backups " + b + ", " + Bytes.format(size) + " at " + settings.perSecond() + "/s: ";
                    bar.step(what + "embedded on node 0");
                    String app = "latency-embedded-" + size;
                    LatencyLoop.Outcome embedded = cluster.thick().compute(cluster.node(0)).call(new NodeJobs.Latency(
                        size, settings.perSecond(), settings.durationNanos(), settings.warmUpNanos(), app));
                    record("embedded", size, b, embedded);
                    Bench.deleteCheckpoints(thick, app);
                    bar.done();

                    bar.step(what + "thin client");
                    app = "latency-thin-" + size;
                    byte[] state = BenchPayload.of(size, size, 11).chunk(0);
                    record("thin", size, b, LatencyLoop.run(cluster.thin(), app, state, settings.perSecond(),
                        settings.durationNanos(), settings.warmUpNanos()));
                    Bench.deleteCheckpoints(thick, app);
                    bar.done();
                }
            }
        }
        bar.finish();
    }

    /** Against an existing cluster: the thin-client path only, labelled with the first of --backups. */
    /**
     * Saves on the fresh cluster, unrecorded, until its JVMs have compiled the hot code (the first sizes measured
     * on a fresh cluster otherwise came out slower than later ones); keeps the very first save of each path.
     */
    private void warmUp(BenchCluster cluster, CheckpointStore thick, int backups, StepBar bar) {
        bar.step("backups " + backups + ": warming the fresh cluster up (not recorded)");
        LatencyLoop.Outcome embedded = cluster.thick().compute(cluster.node(0)).call(new NodeJobs.Latency(
            WARM_UP_SIZE, WARM_UP_RATE, 0, settings.clusterWarmUpNanos(), "latency-warm-up-embedded"));
        LatencyLoop.Outcome thin = LatencyLoop.run(cluster.thin(), "latency-warm-up-thin",
            BenchPayload.of(WARM_UP_SIZE, WARM_UP_SIZE, 11).chunk(0), WARM_UP_RATE, 0, settings.clusterWarmUpNanos());
        Map<String, Object> first = new LinkedHashMap<>();
        first.put("embeddedFirstSaveMs", embedded.firstSaveMicros / 1000.0);
        first.put("thinFirstSaveMs", thin.firstSaveMicros / 1000.0);
        coldStart.put("backups" + backups, first);
        Bench.deleteCheckpoints(thick, "latency-warm-up-embedded");
        Bench.deleteCheckpoints(thick, "latency-warm-up-thin");
        bar.done();
    }

    private void runRemote() {
        int b = settings.backups().get(0);
        StepBar bar = new StepBar(out, settings.sizes().size());
        try (RemoteThin remote = new RemoteThin(settings.addresses())) {
            for (int size : settings.sizes()) {
                bar.step(Bytes.format(size) + " at " + settings.perSecond() + "/s: thin client");
                String app = "latency-thin-" + size;
                byte[] state = BenchPayload.of(size, size, 11).chunk(0);
                record("thin", size, b, LatencyLoop.run(remote.spillway(), app, state, settings.perSecond(),
                    settings.durationNanos(), settings.warmUpNanos()));
                Bench.deleteCheckpoints(remote.spillway(), app);
                bar.done();
            }
        }
        bar.finish();
    }

    private void record(String path, int size, int backups, LatencyLoop.Outcome o) {
        Histogram h = o.histogram();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("path", path);
        row.put("sizeBytes", size);
        row.put("backups", backups);
        row.put("perSecond", settings.perSecond());
        row.put("count", h.getTotalCount());
        row.put("errors", o.errors);
        if (o.firstError != null)
            row.put("firstError", o.firstError);
        for (double p : new double[] {50, 90, 99, 99.9})
            row.put("p" + (p == 99.9 ? "99.9" : Integer.toString((int)p)) + "Ms", h.getValueAtPercentile(p) / 1000.0);
        row.put("maxMs", h.getMaxValue() / 1000.0);
        row.put("meanMs", h.getMean() / 1000.0);
        row.put("firstSaveMs", o.firstSaveMicros / 1000.0);
        rows.add(row);
    }

    void print() {
        out.println();
        out.println("Save latency from the moment each save was due (ms; coordinated omission corrected):");
        out.printf(Locale.ROOT, "  %-9s %8s %7s %8s %8s %8s %8s %8s %6s %6s %8s%n", "path", "size", "backups", "p50",
            "p90", "p99", "p99.9", "max", "saves", "errors", "first");
        for (Map<String, Object> r : rows) {
            out.printf(Locale.ROOT, "  %-9s %8s %7d %8.2f %8.2f %8.2f %8.2f %8.2f %6d %6d %8.2f%n", r.get("path"),
                Bytes.format((Integer)r.get("sizeBytes")), (Integer)r.get("backups"), (Double)r.get("p50Ms"),
                (Double)r.get("p90Ms"), (Double)r.get("p99Ms"), (Double)r.get("p99.9Ms"), (Double)r.get("maxMs"),
                (Long)r.get("count"), (Integer)r.get("errors"), (Double)r.get("firstSaveMs"));
        }
        out.println("  first: the loop's first save (in its unrecorded warm-up).");
        coldStart.forEach((b, first) -> out.printf(Locale.ROOT, "  The first save on the fresh cluster (%s): %s%n", b,
            first));
        out.println("  Aim (idle cluster, 1 MB, embedded): p99 under 5 ms with 0 backups, under 15 ms with 1.");
    }
}
