package dev.spillway.bench;

import dev.spillway.CheckpointStore;
import dev.spillway.NodeCapacity;
import dev.spillway.Spillway;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code bench fill}: an embedded writer on node 0 saves states, each kept, until Spillway refuses one. Rates while
 * node 0 still has budget (local) and once it spills; at exhaustion the refusal (its time), then the checks: every
 * node process alive, the capacity error raised, every committed checkpoint restored byte-equal on another node.
 */
final class FillScenario {
    record Settings(int nodes, int stateBytes, int backups, long regionBytes,
                    NodeProcesses processes) {
    }

    private final Settings settings;
    private final Path runDir;
    private final PrintStream out;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, Object> outcome = new LinkedHashMap<>();
    private final List<Map<String, Object>> usage = new ArrayList<>();
    private final List<Map<String, Object>> saves = new ArrayList<>();

    FillScenario(Settings settings, Path runDir, PrintStream out) {
        this.settings = settings;
        this.runDir = runDir;
        this.out = out;
    }

    Map<String, Figure> figures() {
        return figures;
    }

    Map<String, Object> outcome() {
        return outcome;
    }

    List<Map<String, Object>> usage() {
        synchronized (usage) {
            return new ArrayList<>(usage);
        }
    }

    List<Map<String, Object>> saves() {
        return saves;
    }

    void run() throws IOException, InterruptedException {
        StepBar bar = new StepBar(out, 4);
        bar.step("starting " + settings.nodes() + " node processes");
        List<String> options = List.of("--region-max-size", settings.regionBytes() + "", "--chunk-size", "1MB",
            "--backups", settings.backups() + "", "--retention", "1");
        long started = System.nanoTime();
        try (BenchCluster cluster = BenchCluster.start(runDir.resolve("cluster"), settings.nodes(),
            settings.processes(), options)) {
            bar.done();
            CheckpointStore thick = Spillway.store(cluster.thick());
            List<double[]> results;
            bar.step("saving " + settings.stateBytes() / (1 << 20) + " MB states from node 0 until refused");
            try (UsageSampler sampler = new UsageSampler(thick, started, "fill",
                UsageSampler.numbered(thick, "fill-"), usage)) {
                results = cluster.thick().compute(cluster.node(0)).call(new NodeJobs.FillUntilRefused(
                    settings.stateBytes(), "fill-", 100_000));
            }
            bar.done();
            Figure local = figures.computeIfAbsent("fill.save.local", n -> new Figure(n,
                "saves placed whole on node 0 (local)"));
            Figure spilling = figures.computeIfAbsent("fill.save.spilling", n -> new Figure(n,
                "saves with chunks spilled to peers"));
            int committed = 0;
            boolean refused = false;
            double refusalMs = Double.NaN;
            for (double[] s : results) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("seconds", s[0]);
                row.put("localChunks", (int)s[1]);
                row.put("spilledChunks", (int)s[2]);
                row.put("refused", s[3] == 1);
                saves.add(row);
                if (s[3] == 1) {
                    refused = true;
                    refusalMs = s[0] * 1000;
                }
                else {
                    committed++;
                    (s[2] == 0 ? local : spilling).add(settings.stateBytes(), s[0]);
                }
            }
            List<NodeCapacity> capacity = thick.capacity();
            double fill = capacity.stream().mapToDouble(c -> (double)c.used() / c.regionMaxSize()).average()
                .orElse(0);
            bar.step("checking: every node alive, every committed checkpoint restored on node 1");
            int alive = cluster.thick().cluster().forServers().nodes().size();
            int restored = cluster.thick().compute(cluster.node(1)).call(new NodeJobs.RestoreAll(
                settings.stateBytes(), "fill-", committed));
            bar.done();
            outcome.put("committedSaves", committed);
            outcome.put("committedBytes", (long)committed * settings.stateBytes());
            outcome.put("refusedWithCapacityError", refused);
            outcome.put("refusalMs", refusalMs);
            outcome.put("averageRegionFillAtRefusal", fill);
            outcome.put("serverNodesAlive", alive);
            outcome.put("allNodesAlive", alive == settings.nodes());
            outcome.put("restoredByteEqual", restored);
            outcome.put("nothingLost", restored == committed);
            bar.step("stopping the cluster");
        }
        bar.done();
        bar.finish();
    }

    void print() {
        out.println();
        out.printf(Locale.ROOT, "Fill: %d saves of %d MB committed (%s), then %s after %.1f ms; average region "
                + "fill %.1f%%; %d of %d server nodes alive; %d of %d checkpoints restored byte-equal%n",
            (Integer)outcome.get("committedSaves"), settings.stateBytes() >> 20,
            figures.values().stream().map(f -> f.name() + " " + f).reduce((a, b) -> a + ", " + b).orElse(""),
            (Boolean)outcome.get("refusedWithCapacityError") ? "refused with the capacity error" : "NOT refused",
            (Double)outcome.get("refusalMs"), 100 * (Double)outcome.get("averageRegionFillAtRefusal"),
            (Integer)outcome.get("serverNodesAlive"), settings.nodes(), (Integer)outcome.get("restoredByteEqual"),
            (Integer)outcome.get("committedSaves"));
    }

    /** Whether the run showed what it must: refused, every node alive, nothing lost. */
    boolean passed() {
        return Boolean.TRUE.equals(outcome.get("refusedWithCapacityError"))
            && Boolean.TRUE.equals(outcome.get("allNodesAlive")) && Boolean.TRUE.equals(outcome.get("nothingLost"));
    }
}
