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
import java.util.function.ToLongFunction;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteCompute;

/**
 * {@code bench incremental}: a state saved again and again with a given share of its chunks changed between
 * saves, on random and on compressible content, by an embedded writer on node 0 and by a thin client whose home is
 * node 0, each also with the application's hint ({@code CheckpointWriter.unchanged}); beside, in the same run, the
 * full save as it was before (a cluster with deduplication off and no compression, the same states) and raw
 * Ignite's data streamer to local-primary keys. Per share: the effective save rate (state bytes over save time),
 * the bytes each save sent, the region bytes the two retained checkpoints hold per copy over one state's size, and
 * the restore rate of the latest checkpoint (compared with the state).
 */
final class IncrementalScenario {
    /**
     * @param percents shares of the chunks changed between saves, in percent
     * @param paths embedded, embedded-hint, thin, thin-hint
     */
    record Settings(int nodes, long stateBytes, int chunkBytes, List<Double> percents,
                    List<IncrementalState.Content> contents, List<String> paths, int reps, int backups,
                    long regionBytes, NodeProcesses processes) {
    }

    private static final long SEED = 0x17L;
    private final Settings settings;
    private final Path runDir;
    private final PrintStream out;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private final Map<String, Double> physical = new LinkedHashMap<>();

    IncrementalScenario(Settings settings, Path runDir, PrintStream out) {
        this.settings = settings;
        this.runDir = runDir;
        this.out = out;
    }

    Map<String, Figure> figures() {
        return figures;
    }

    /** Per path, content and share: save time, bytes sent and the retained checkpoints' region bytes. */
    List<Map<String, Object>> rows() {
        return rows;
    }

    /** The region bytes two retained checkpoints hold per copy over one state's size, by path, content and share. */
    Map<String, Double> physical() {
        return physical;
    }

    void run() throws IOException {
        int series = settings.contents().size() * settings.paths().size();
        StepBar bar = new StepBar(out, 2 + 2 * settings.contents().size() + 1 + series * settings.percents().size()
            + 3);
        full(bar);
        incremental(bar);
        bar.finish();
    }

    private List<String> options(List<String> extra) {
        List<String> o = new ArrayList<>(List.of("--region-max-size", Long.toString(settings.regionBytes()),
            "--chunk-size", Integer.toString(settings.chunkBytes()), "--backups", Integer.toString(settings.backups()),
            "--default-region-max-size", Long.toString(Math.max(64L << 20, settings.stateBytes() * 5 / 2))));
        o.addAll(extra);
        return o;
    }

    /** The full save as it was: deduplication off, no compression; and raw Ignite's local-primary streamer. */
    private void full(StepBar bar) throws IOException {
        bar.step("full saves: starting " + settings.nodes() + " node processes (deduplication off, no compression)");
        try (BenchCluster cluster = BenchCluster.start(runDir.resolve("cluster-full"), settings.nodes(),
            settings.processes(), options(List.of("--deduplication", "false", "--compression", "none")))) {
            bar.done();
            IgniteCompute home = cluster.thick().compute(cluster.node(0));
            CheckpointStore thick = Spillway.store(cluster.thick());
            for (IncrementalState.Content content : settings.contents()) {
                String c = name(content);
                String app = "full-" + c;
                home.call(new IncrementalJobs.Make(app, settings.stateBytes(), settings.chunkBytes(), content, SEED));
                IncrementalState thin = new IncrementalState(settings.stateBytes(), settings.chunkBytes(), content,
                    SEED);
                bar.step("full saves of " + c + " content, " + settings.reps() + " repetitions + a warm-up");
                // Saved again and again, as the incremental saves are: from the third on, each commit's retention
                // evicts the one two before, whose chunks are removed in the background while the next is saved.
                String thinApp = app + "-thin";
                for (int rep = -1; rep <= settings.reps(); rep++) {
                    boolean timed = rep > 0;
                    double[] saved = home.call(new IncrementalJobs.ChangeAndSave(app, 100, false));
                    double[] read = home.call(new IncrementalJobs.Restore(app));
                    thin.change(100);
                    double[] thinSaved = thin.save(cluster.thin(), thinApp, false);
                    double[] thinRead = thin.restore(cluster.thin(), thinApp);
                    if (timed) {
                        rate("full.save.embedded." + c, "full save (as before: no deduplication, no compression), "
                            + "embedded on node 0, " + c + " content", saved);
                        rate("full.restore.embedded." + c, "restore of a full save, embedded on node 0, " + c
                            + " content", checked(read));
                        rate("full.save.thin." + c, "full save (as before), thin client, " + c + " content", thinSaved);
                        rate("full.restore.thin." + c, "restore of a full save, thin client, " + c + " content",
                            checked(thinRead));
                    }
                }
                Bench.deleteCheckpoints(thick, app);
                Bench.deleteCheckpoints(thick, thinApp);
                home.call(new IncrementalJobs.Drop(app));
                bar.done();
            }
            bar.step("raw Ignite: data streamer to local-primary keys, " + settings.reps() + " repetitions");
            NodeJobs.Spec spec = new NodeJobs.Spec(settings.stateBytes(), settings.chunkBytes(), SEED);
            IgniteCache<Long, byte[]> raw = NodeJobs.rawCache(cluster.thick(), settings.backups());
            for (int rep = 0; rep <= settings.reps(); rep++) {
                double[] w = home.call(new NodeJobs.RawWrite(spec, NodeJobs.RawKind.LOCAL_STREAMER,
                    settings.backups(), 0));
                raw.clear();
                if (rep > 0)
                    rate("raw.localStreamer.write", "raw Ignite, data streamer to local-primary keys", w);
            }
            bar.done();
            bar.step("full saves: stopping the cluster");
        }
        bar.done();
    }

    /** The saves that cost what changed: deduplication on, LZ4 (the defaults). */
    private void incremental(StepBar bar) throws IOException {
        bar.step("incremental saves: starting " + settings.nodes() + " node processes (the defaults)");
        try (BenchCluster cluster = BenchCluster.start(runDir.resolve("cluster-incremental"), settings.nodes(),
            settings.processes(), options(List.of()))) {
            bar.done();
            IgniteCompute home = cluster.thick().compute(cluster.node(0));
            CheckpointStore thick = Spillway.store(cluster.thick());
            bar.step("incremental saves: warm-up, not timed (the paths compiled, the regions' memory touched)");
            warmUp(cluster, home, thick);
            bar.done();
            for (IncrementalState.Content content : settings.contents()) {
                for (String path : settings.paths())
                    series(cluster, home, thick, content, path, bar);
            }
            bar.step("incremental saves: stopping the cluster");
        }
        bar.done();
    }

    /**
     * Saves of every chunk changed, embedded and thin, then deleted: as the full-save cluster's untimed
     * repetitions do, so that neither cluster times the JIT or the first touch of its regions' pages.
     */
    private void warmUp(BenchCluster cluster, IgniteCompute home, CheckpointStore thick) {
        String app = "inc-warm-up";
        home.call(new IncrementalJobs.Make(app, settings.stateBytes(), settings.chunkBytes(),
            IncrementalState.Content.RANDOM, SEED));
        IncrementalState thin = new IncrementalState(settings.stateBytes(), settings.chunkBytes(),
            IncrementalState.Content.COMPRESSIBLE, SEED);
        for (int i = 0; i < 4; i++) {
            home.call(new IncrementalJobs.ChangeAndSave(app, i == 0 ? 0 : 100, i % 2 == 1));
            home.call(new IncrementalJobs.ChangeAndSave(app, 5, false));
            thin.change(100);
            thin.save(cluster.thin(), app + "-thin", false);
        }
        Bench.deleteCheckpoints(thick, app);
        Bench.deleteCheckpoints(thick, app + "-thin");
        home.call(new IncrementalJobs.Drop(app));
    }

    private void series(BenchCluster cluster, IgniteCompute home, CheckpointStore thick,
                        IncrementalState.Content content, String path, StepBar bar) {
        String c = name(content);
        String app = "inc-" + c + "-" + path;
        boolean embedded = path.startsWith("embedded");
        boolean hint = path.endsWith("-hint");
        IncrementalState local = embedded ? null
            : new IncrementalState(settings.stateBytes(), settings.chunkBytes(), content, SEED);
        if (embedded)
            home.call(new IncrementalJobs.Make(app, settings.stateBytes(), settings.chunkBytes(), content, SEED));
        long logicalEmpty = total(thick, NodeCapacity::logicalBytes);
        long liveEmpty = total(thick, NodeCapacity::liveBytes);
        // The first save has no base: every chunk hashed, compressed and stored.
        double[] first = embedded ? home.call(new IncrementalJobs.ChangeAndSave(app, 0, hint))
            : local.save(cluster.thin(), app, hint);
        rate("first.save." + path + "." + c, "first save (no base; hashed, compressed), " + path + ", " + c
            + " content", first);
        for (double percent : settings.percents()) {
            String p = percentName(percent);
            bar.step(path + ", " + c + " content, " + p + "% of chunks changed, " + settings.reps() + " saves");
            List<Double> sent = new ArrayList<>();
            List<double[]> phases = new ArrayList<>();
            for (int rep = 1; rep <= settings.reps(); rep++) {
                double[] saved = embedded ? home.call(new IncrementalJobs.ChangeAndSave(app, percent, hint)) : save(
                    local, cluster, app, percent, hint);
                rate("inc.save." + path + "." + c + "." + p, "save with " + p + "% of chunks changed (effective: "
                    + "state bytes over save time), " + path + ", " + c + " content", saved);
                sent.add(saved[2]);
                phases.add(new double[] {saved[4], saved[5], saved[6]});
                if (!hint) {
                    double[] read = embedded ? home.call(new IncrementalJobs.Restore(app))
                        : local.restore(cluster.thin(), app);
                    rate("inc.restore." + path + "." + c + "." + p, "restore of the latest checkpoint, " + p
                        + "% of chunks changed since the one before, " + path + ", " + c + " content", checked(read));
                }
            }
            long copies = settings.backups() + 1L;
            long live = stable(thick) - liveEmpty;
            long logical = total(thick, NodeCapacity::logicalBytes) - logicalEmpty;
            double perState = live / (double)copies / settings.stateBytes();
            physical.put(path + "." + c + "." + p, perState);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("path", path);
            row.put("content", c);
            row.put("changedPercent", percent);
            row.put("saveMbPerSecond", figures.get("inc.save." + path + "." + c + "." + p).median());
            row.put("sentMb", Figure.median(sent) / (1 << 20));
            // Where a save's time went (medians, ms): the begin, the writes (hashing, compressing, sending), the
            // commit (waiting for every copy, the catalog update).
            for (int k = 0; k < 3; k++) {
                int phase = k;
                row.put(new String[] {"beginMs", "writeMs", "commitMs"}[k],
                    Figure.median(phases.stream().map(ph -> ph[phase] * 1000).toList()));
            }
            row.put("retainedLogicalMbPerCopy", logical / (double)copies / (1 << 20));
            row.put("retainedPhysicalMbPerCopy", live / (double)copies / (1 << 20));
            row.put("physicalPerState", perState);
            rows.add(row);
            bar.done();
        }
        Bench.deleteCheckpoints(thick, app);
        if (embedded)
            home.call(new IncrementalJobs.Drop(app));
    }

    private static double[] save(IncrementalState state, BenchCluster cluster, String app, double percent,
                                 boolean hint) {
        state.change(percent);
        return state.save(cluster.thin(), app, hint);
    }

    /** Adds a sample of the state moved in the span {start, end, ...} to figure {@code name}. */
    private void rate(String name, String description, double[] span) {
        figures.computeIfAbsent(name, k -> new Figure(k, description)).add(settings.stateBytes(), span[1] - span[0]);
    }

    /** A read's span, or a negative span (an error in {@link Figure#add}) when its bytes differed. */
    private static double[] checked(double[] read) {
        return read[2] == 1 ? read : new double[] {0, -1};
    }

    private static long total(CheckpointStore store, ToLongFunction<NodeCapacity> bytes) {
        return store.capacity().stream().mapToLong(bytes).sum();
    }

    /**
     * The cluster's live bytes once they have not moved for 2 s: retention removes evicted chunks off the writer's
     * path, and they count (as whole chunks) until their removal ends. At most 30 s.
     */
    private static long stable(CheckpointStore store) {
        long last = total(store, NodeCapacity::liveBytes);
        long since = System.nanoTime();
        long deadline = since + 30_000_000_000L;
        while (System.nanoTime() < deadline && System.nanoTime() - since < 2_000_000_000L) {
            try {
                Thread.sleep(250);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            long now = total(store, NodeCapacity::liveBytes);
            if (now != last) {
                last = now;
                since = System.nanoTime();
            }
        }
        return last;
    }

    static String name(IncrementalState.Content content) {
        return content.name().toLowerCase(Locale.ROOT);
    }

    /** 0.1 as "0.1", 5 as "5". */
    static String percentName(double percent) {
        return percent == Math.rint(percent) ? Long.toString((long)percent) : Double.toString(percent);
    }
}
