package dev.spillway.bench;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.Spillway;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.ignite.IgniteCompute;

/**
 * {@code bench throughput}: saves and restores of one state, in repetitions, on a cluster of node processes it
 * starts (once per backup count), beside the baselines measured in the same run on the same payload:
 * <ul>
 *   <li>Spillway: an embedded writer on the home node (a compute job in node 0), a thick client, a thin client
 *       whose home is node 0, and the embedded writer again once node 0's budget is full (the state spills);</li>
 *   <li>raw Ignite from node 0: a tuned data streamer to local-primary keys read back with get; random keys with
 *       the default affinity by put, putAll and a streamer (the best of the three), read back by get and getAll;
 *       a plain cache on the default region with the same backups, FULL_SYNC;</li>
 *   <li>the machine: a copy into direct memory and a file in /dev/shm, in node 0.</li>
 * </ul>
 * Every read is compared with the payload.
 */
final class ThroughputScenario {
    /** What a run does. */
    record Settings(int nodes, long stateBytes, int chunkBytes, List<Integer> backups, int reps, long regionBytes,
                    String nodeHeap, List<String> nodeJvmArgs, List<String> addresses) {
    }

    private static final long SEED = 0x5B111L;
    private final Settings settings;
    private final Path runDir;
    private final PrintStream out;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, List<Double>> spilledFractions = new LinkedHashMap<>();
    private final List<Map<String, Object>> usage = new ArrayList<>();
    private final long started = System.nanoTime();

    ThroughputScenario(Settings settings, Path runDir, PrintStream out) {
        this.settings = settings;
        this.runDir = runDir;
        this.out = out;
    }

    Map<String, Figure> figures() {
        return figures;
    }

    /** Region usage samples of every node, once a second over the run. */
    List<Map<String, Object>> usage() {
        synchronized (usage) {
            return new ArrayList<>(usage);
        }
    }

    /** For each backup count, the fraction of the spilling save's chunks that went to peers, per repetition. */
    Map<String, List<Double>> spilledFractions() {
        return spilledFractions;
    }

    void run() throws IOException, InterruptedException {
        if (!settings.addresses().isEmpty()) {
            runRemote();
            return;
        }
        StepBar bar = new StepBar(out, settings.backups().size() * (2 + settings.reps() * 7 + 1));
        for (int b : settings.backups())
            runWith(b, bar);
        bar.finish();
    }

    private Figure figure(String name, int backups, String description) {
        String key = name + ".b" + backups;
        return figures.computeIfAbsent(key, k -> new Figure(k, description + ", " + backups + " backup"
            + (backups == 1 ? "" : "s")));
    }

    private void runWith(int backups, StepBar bar) throws IOException, InterruptedException {
        long state = settings.stateBytes();
        NodeJobs.Spec spec = new NodeJobs.Spec(state, settings.chunkBytes(), SEED);
        bar.step("backups " + backups + ": starting " + settings.nodes() + " node processes");
        List<String> options = List.of("--region-max-size", settings.regionBytes() + "",
            "--chunk-size", settings.chunkBytes() + "", "--backups", backups + "", "--retention", "1",
            "--default-region-max-size", Math.max(64L << 20, state * 5 / 2) + "");
        try (BenchCluster cluster = BenchCluster.start(runDir.resolve("cluster-b" + backups), settings.nodes(),
            settings.nodeHeap(), settings.nodeJvmArgs(), options)) {
            bar.done();
            IgniteCompute home = cluster.thick().compute(cluster.node(0));
            CheckpointStore thick = Spillway.store(cluster.thick());
            try (UsageSampler sampler = new UsageSampler(thick, started, "backups " + backups, usage)) {
                measure(cluster, home, thick, spec, backups, bar);
            }
            bar.step("backups " + backups + ": stopping the cluster");
        }
        bar.done();
    }

    private void measure(BenchCluster cluster, IgniteCompute home, CheckpointStore thick, NodeJobs.Spec spec,
                         int backups, StepBar bar) {
        long state = spec.size();
        BenchPayload payload = BenchPayload.of(state, settings.chunkBytes(), SEED);

        bar.step("backups " + backups + ": warm-up (not timed)");
        home.call(new NodeJobs.EmbeddedSave(spec, "bench-warm"));
        home.call(new NodeJobs.EmbeddedRestore(spec, "bench-warm"));
        deleteAll(thick, "bench-warm");
        home.call(new NodeJobs.Raw(spec, NodeJobs.RawKind.LOCAL_STREAMER, backups));
        save(cluster.thin(), "bench-warm", payload);
        deleteAll(thick, "bench-warm");
        bar.done();

        for (int rep = 1; rep <= settings.reps(); rep++) {
            String r = "backups " + backups + ", rep " + rep + "/" + settings.reps() + ": ";
            bar.step(r + "raw local-primary streamer");
            double[] raw = home.call(new NodeJobs.Raw(spec, NodeJobs.RawKind.LOCAL_STREAMER, backups));
            figure("raw.localStreamer.write", backups, "raw Ignite, data streamer to local-primary keys")
                .add(state, raw[0]);
            figure("raw.localStreamer.read", backups, "raw Ignite, get of local-primary keys").add(state, raw[1]);
            bar.done();

            bar.step(r + "raw random keys (put, putAll, streamer)");
            double bestWrite = Double.MAX_VALUE;
            double bestRead = Double.MAX_VALUE;
            for (NodeJobs.RawKind kind : NodeJobs.randomKinds()) {
                double[] t = home.call(new NodeJobs.Raw(spec, kind, backups));
                figure("raw." + kind.name().toLowerCase(Locale.ROOT) + ".write", backups, "raw Ignite, "
                    + kind.name().toLowerCase(Locale.ROOT) + " of random keys").add(state, t[0]);
                bestWrite = Math.min(bestWrite, t[0]);
                if (t[1] < 0)
                    throw new IllegalStateException("raw " + kind + ": bytes read back differ");
                bestRead = Math.min(bestRead, t[1]);
            }
            figure("raw.random.write.best", backups, "raw Ignite, random keys, best of put/putAll/streamer")
                .add(state, bestWrite);
            figure("raw.random.read.best", backups, "raw Ignite, random keys, best of get/getAll")
                .add(state, bestRead);
            bar.done();

            bar.step(r + "Spillway, embedded on the home node");
            double[] saved = home.call(new NodeJobs.EmbeddedSave(spec, "bench-embedded"));
            figure("spillway.save.home", backups, "Spillway save, embedded writer on the home node")
                .add(state, saved[0]);
            figure("spillway.restore.local", backups, "Spillway restore of a local checkpoint, on its node")
                .add(state, home.call(new NodeJobs.EmbeddedRestore(spec, "bench-embedded")));
            deleteAll(thick, "bench-embedded");
            bar.done();

            bar.step(r + "Spillway, thick client");
            figure("spillway.save.thick", backups, "Spillway save from a thick client")
                .add(state, save(thick, "bench-thick", payload));
            figure("spillway.restore.thick", backups, "Spillway restore to a thick client")
                .add(state, restore(thick, "bench-thick", payload));
            deleteAll(thick, "bench-thick");
            bar.done();

            bar.step(r + "Spillway, thin client (home node 0)");
            figure("spillway.save.thin", backups, "Spillway save from a thin client")
                .add(state, save(cluster.thin(), "bench-thin", payload));
            figure("spillway.restore.thin", backups, "Spillway restore to a thin client")
                .add(state, restore(cluster.thin(), "bench-thin", payload));
            deleteAll(thick, "bench-thin");
            bar.done();

            bar.step(r + "Spillway, spilling: node 0's budget filled first");
            spill(home, thick, spec, backups);
            bar.done();

            bar.step(r + "the machine: direct-memory copy, /dev/shm file");
            double[] m = home.call(new NodeJobs.Machine(spec));
            figure("machine.memcpy", backups, "copy into direct memory").add(state, m[0]);
            if (!Double.isNaN(m[1])) {
                figure("machine.shm.write", backups, "write of a file in /dev/shm").add(state, m[1]);
                figure("machine.shm.read", backups, "read of a file in /dev/shm").add(state, m[2]);
            }
            bar.done();
        }
    }

    /**
     * Against an existing cluster given by thin-client addresses: only the thin-client paths and the thin-client
     * raw baseline, labelled with the first of {@code --backups} (the cluster's own setting decides).
     */
    private void runRemote() {
        int backups = settings.backups().get(0);
        StepBar bar = new StepBar(out, 1 + settings.reps());
        BenchPayload payload = BenchPayload.of(settings.stateBytes(), settings.chunkBytes(), SEED);
        try (RemoteThin remote = new RemoteThin(settings.addresses())) {
            bar.step("warm-up (not timed)");
            save(remote.spillway(), "bench-warm", payload);
            deleteAll(remote.spillway(), "bench-warm");
            remote.raw(payload, backups);
            bar.done();
            for (int rep = 1; rep <= settings.reps(); rep++) {
                bar.step("rep " + rep + "/" + settings.reps() + ": thin client, Spillway and raw");
                figure("spillway.save.thin", backups, "Spillway save from a thin client")
                    .add(payload.size(), save(remote.spillway(), "bench-thin", payload));
                figure("spillway.restore.thin", backups, "Spillway restore to a thin client")
                    .add(payload.size(), restore(remote.spillway(), "bench-thin", payload));
                deleteAll(remote.spillway(), "bench-thin");
                double[] raw = remote.raw(payload, backups);
                figure("raw.thin.random.write.best", backups, "raw Ignite over a thin client, random keys, best "
                    + "of put/putAll").add(payload.size(), raw[0]);
                figure("raw.thin.random.read.best", backups, "raw Ignite over a thin client, random keys, best of "
                    + "get/getAll").add(payload.size(), raw[1]);
                bar.done();
            }
        }
        bar.finish();
    }

    /**
     * Fills node 0's budget with ballast, then saves the state from node 0 (it spills to the peers) and restores
     * it there (its chunks are remote); records how much spilled.
     */
    private void spill(IgniteCompute home, CheckpointStore thick, NodeJobs.Spec spec, int backups) {
        // Ballast until node 0 has room for no more than a few chunks (part of a ballast may itself spill).
        int ballasts = 0;
        for (; ballasts < 4; ballasts++) {
            NodeCapacity node0 = thick.capacity().stream().filter(c -> c.node().equals(BenchCluster.name(0)))
                .findFirst().orElseThrow();
            long room = backups > 0 ? Math.min(node0.free(), node0.safeHeadroom()) : node0.free();
            if (room < 4L * settings.chunkBytes())
                break;
            home.call(new NodeJobs.Ballast(room - 2L * settings.chunkBytes(), settings.chunkBytes(),
                "bench-ballast-" + ballasts));
        }
        double[] saved = home.call(new NodeJobs.EmbeddedSave(spec, "bench-spill"));
        PlacementReport placement = thick.placement("bench-spill", (long)saved[1]);
        int chunks = placement.localChunks() + placement.spilledChunks();
        spilledFractions.computeIfAbsent("spilledFraction.b" + backups, k -> new ArrayList<>())
            .add(chunks == 0 ? 0 : (double)placement.spilledChunks() / chunks);
        figure("spillway.save.spilling", backups, "Spillway save from node 0 once its budget is full (spills)")
            .add(spec.size(), saved[0]);
        figure("spillway.restore.spilled", backups, "Spillway restore on node 0 of a spilled checkpoint")
            .add(spec.size(), home.call(new NodeJobs.EmbeddedRestore(spec, "bench-spill")));
        deleteAll(thick, "bench-spill");
        for (int b = 0; b < ballasts; b++)
            deleteAll(thick, "bench-ballast-" + b);
    }

    private static double save(CheckpointStore store, String app, BenchPayload payload) {
        long start = System.nanoTime();
        try (CheckpointWriter w = store.begin(app, payload.size())) {
            for (int i = 0; i < payload.chunks(); i++)
                w.write(payload.chunk(i));
            w.commit();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private static double restore(CheckpointStore store, String app, BenchPayload payload) {
        long start = System.nanoTime();
        boolean ok;
        try (CheckpointReader r = store.openLatest(app)) {
            ok = payload.matches(r);
        }
        catch (IOException e) {
            throw new IllegalStateException(e);
        }
        double s = (System.nanoTime() - start) / 1e9;
        return ok ? s : -s;
    }

    private static void deleteAll(CheckpointStore store, String app) {
        for (CheckpointInfo info : store.list(app))
            store.delete(app, info.checkpointId());
    }
}
