package dev.spillway.bench;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteCompute;

/**
 * {@code bench throughput}: saves and restores of a state by each of {@code apps} applications at once, in
 * repetitions, on a cluster of node processes it starts (once per backup count), beside the baselines measured in
 * the same run on the same payload by as many writers at once (rates are every application's bytes over the time
 * from the first start to the last end):
 * <ul>
 *   <li>Spillway: embedded writers on the home node (compute jobs in node 0), thick-client writers, thin-client
 *       writers whose home is node 0, and the embedded writers again once node 0's budget is full (the states
 *       spill); every writer hands its chunk arrays over ({@code CheckpointWriter.handOver}, no copy, as the raw
 *       streamer takes them), and the home-node save is measured once more with the chunks written (copied);</li>
 *   <li>raw Ignite from node 0: a tuned data streamer to local-primary keys read back with get; random keys with
 *       the default affinity by put, putAll and a streamer (the best of the three), read back by get and getAll;
 *       a plain cache on the default region with the same backups, FULL_SYNC;</li>
 *   <li>raw Ignite over a thin client from the bench process: random keys, best of put and putAll, get and
 *       getAll (partition-aware), into the same kind of plain cache;</li>
 *   <li>the machine: a copy into direct memory and a file in /dev/shm, in node 0, by one writer.</li>
 * </ul>
 * Every read is compared with the payload.
 */
final class ThroughputScenario {
    /** What a run does. */
    /**
     * @param reps repetitions per backup count, or at least one and as many as fit in {@code seconds} when that
     *     is above 0
     */
    /**
     * @param security for each entry a cluster per backup count: without security (false) or with a security file
     *     and authenticated clients (true), whose figures carry {@code .secure}
     */
    record Settings(int nodes, int apps, long stateBytes, int chunkBytes, List<Integer> backups, int reps,
                    double seconds, long regionBytes, NodeProcesses processes,
                    List<String> addresses, List<Boolean> security) {

        /** Whether repetition {@code rep} (from 1) runs, when the repetitions began at {@code since}. */
        boolean runs(int rep, long since) {
            return seconds > 0 ? rep == 1 || (System.nanoTime() - since) / 1e9 < seconds : rep <= reps;
        }

        /** How the repetitions are counted, for the progress line. */
        String of() {
            return seconds > 0 ? " of " + seconds + " s" : "/" + reps;
        }
    }

    private static final long SEED = 0x5B111L;
    private final Settings settings;
    private final Path runDir;
    private final PrintStream out;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, List<Double>> spilledFractions = new LinkedHashMap<>();
    private final List<Map<String, Object>> usage = new ArrayList<>();
    private final List<Map<String, Object>> rates = new ArrayList<>();
    private final List<String> applications = new CopyOnWriteArrayList<>();
    private final long started = System.nanoTime();
    private final ExecutorService pool;
    /** Whether the cluster measured now runs with security: its figures' keys end with {@code .secure}. */
    private boolean secure;

    ThroughputScenario(Settings settings, Path runDir, PrintStream out) {
        this.settings = settings;
        this.runDir = runDir;
        this.out = out;
        this.pool = Executors.newFixedThreadPool(settings.apps(), r -> {
            Thread t = new Thread(r, "bench-application");
            t.setDaemon(true);
            return t;
        });
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

    /** Every measured rate in the order measured: seconds into the run when it ended, figure, MB/s. */
    List<Map<String, Object>> rates() {
        return rates;
    }

    /** For each backup count, the fraction of the spilling save's chunks that went to peers, per repetition. */
    Map<String, List<Double>> spilledFractions() {
        return spilledFractions;
    }

    void run() throws IOException, InterruptedException {
        try {
            if (!settings.addresses().isEmpty()) {
                runRemote();
                return;
            }
            StepBar bar = new StepBar(out, settings.security().size() * settings.backups().size()
                * (2 + settings.reps() * 7 + 1));
            for (boolean secure : settings.security()) {
                this.secure = secure;
                for (int b : settings.backups())
                    runWith(b, bar);
            }
            bar.finish();
        }
        finally {
            pool.shutdownNow();
        }
    }

    /** Adds one measurement of every application's state moved in {@code seconds} to figure {@code name}. */
    private void rate(String name, int backups, String description, double seconds) {
        String key = name + ".b" + backups + (secure ? ".secure" : "");
        Figure figure = figures.computeIfAbsent(key, k -> new Figure(k, description + ", " + backups + " backup"
            + (backups == 1 ? "" : "s") + (secure ? ", with security" : "")));
        figure.add(settings.apps() * settings.stateBytes(), seconds);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("t", (System.nanoTime() - started) / 1e9);
        r.put("figure", key);
        r.put("mbPerSecond", figure.samples().get(figure.samples().size() - 1));
        rates.add(r);
    }

    /** Application {@code i}'s id for a path of the run ({@code bench-embedded-0}, ...). */
    private String app(String path, int i) {
        String id = "bench-" + path + "-" + i;
        if (!applications.contains(id))
            applications.add(id);
        return id;
    }

    private void runWith(int backups, StepBar bar) throws IOException, InterruptedException {
        long state = settings.stateBytes();
        NodeJobs.Spec spec = new NodeJobs.Spec(state, settings.chunkBytes(), SEED);
        String cluster0 = "cluster-b" + backups + (secure ? "-secure" : "");
        BenchSecurity security = secure ? BenchSecurity.create(runDir.resolve(cluster0 + "-security")) : null;
        bar.step("backups " + backups + (secure ? ", with security" : "") + ": starting " + settings.nodes()
            + " node processes");
        List<String> options = List.of("--region-max-size", settings.regionBytes() + "",
            "--chunk-size", settings.chunkBytes() + "", "--backups", backups + "", "--retention", "1",
            "--default-region-max-size", Math.max(64L << 20, settings.apps() * state * 5 / 2) + "");
        try (BenchCluster cluster = BenchCluster.start(runDir.resolve(cluster0), settings.nodes(),
            settings.processes(), options, security)) {
            bar.done();
            IgniteCompute home = cluster.thick().compute(cluster.node(0));
            CheckpointStore thick = Spillway.store(cluster.thick());
            try (UsageSampler sampler = new UsageSampler(thick, started, "backups " + backups,
                () -> List.copyOf(applications), usage);
                 RemoteThin rawThin = new RemoteThin(cluster.thinAddresses(), security)) {
                measure(cluster, rawThin, home, thick, spec, backups, bar);
            }
            bar.step("backups " + backups + ": stopping the cluster");
        }
        bar.done();
    }

    private void measure(BenchCluster cluster, RemoteThin rawThin, IgniteCompute home, CheckpointStore thick,
                         NodeJobs.Spec spec, int backups, StepBar bar) {
        BenchPayload payload = BenchPayload.of(spec.size(), settings.chunkBytes(), SEED);
        IgniteCache<Long, byte[]> rawCache = NodeJobs.rawCache(cluster.thick(), backups);

        bar.step("backups " + backups + ": warm-up (not timed)");
        atOnce(i -> home.call(new NodeJobs.EmbeddedSave(spec, app("warm", i), true)));
        atOnce(i -> home.call(new NodeJobs.EmbeddedRestore(spec, app("warm", i))));
        atOnce(i -> home.call(new NodeJobs.RawWrite(spec, NodeJobs.RawKind.LOCAL_STREAMER, backups, i)));
        rawCache.clear();
        atOnce(i -> payload.saveTo(cluster.thin(), app("warm", i), true));
        deleteAll(thick, "warm");
        bar.done();

        long since = System.nanoTime();
        for (int rep = 1; settings.runs(rep, since); rep++) {
            String r = "backups " + backups + ", rep " + rep + settings.of() + ": ";
            if (rep == 2 && settings.seconds() > 0) {
                double perRep = (System.nanoTime() - since) / 1e9;
                bar.reckon(settings.backups().size() * (3 + 7 * (int)Math.max(1, Math.ceil(settings.seconds()
                    / perRep))));
            }
            bar.step(r + "raw local-primary streamer");
            rate("raw.localStreamer.write", backups, "raw Ignite, data streamer to local-primary keys", wall(atOnce(
                i -> home.call(new NodeJobs.RawWrite(spec, NodeJobs.RawKind.LOCAL_STREAMER, backups, i)))));
            rate("raw.localStreamer.read", backups, "raw Ignite, get of local-primary keys", read("raw local gets",
                atOnce(i -> home.call(new NodeJobs.RawRead(spec, NodeJobs.RawKind.LOCAL_STREAMER, i)))));
            rawCache.clear();
            bar.done();

            bar.step(r + "raw random keys (put, putAll, streamer)");
            double bestWrite = Double.MAX_VALUE;
            double bestRead = Double.MAX_VALUE;
            for (NodeJobs.RawKind kind : NodeJobs.randomKinds()) {
                String name = kind.name().toLowerCase(Locale.ROOT);
                double write = wall(atOnce(i -> home.call(new NodeJobs.RawWrite(spec, kind, backups, i))));
                rate("raw." + name + ".write", backups, "raw Ignite, " + name + " of random keys", write);
                bestWrite = Math.min(bestWrite, write);
                bestRead = Math.min(bestRead, read("raw " + name, atOnce(
                    i -> home.call(new NodeJobs.RawRead(spec, kind, i)))));
                rawCache.clear();
            }
            rate("raw.random.write.best", backups, "raw Ignite, random keys, best of put/putAll/streamer", bestWrite);
            rate("raw.random.read.best", backups, "raw Ignite, random keys, best of get/getAll", bestRead);
            bar.done();

            bar.step(r + "Spillway, embedded on the home node");
            rate("spillway.save.home", backups, "Spillway save, embedded writer on the home node", wall(atOnce(
                i -> home.call(new NodeJobs.EmbeddedSave(spec, app("embedded", i), true)))));
            deleteAll(thick, "embedded");
            rate("spillway.save.homeCopying", backups, "Spillway save, embedded writer on the home node, chunks "
                + "written (copied) rather than handed over", wall(atOnce(
                i -> home.call(new NodeJobs.EmbeddedSave(spec, app("embedded", i), false)))));
            rate("spillway.restore.local", backups, "Spillway restore of a local checkpoint, on its node", read(
                "embedded restore", atOnce(i -> home.call(new NodeJobs.EmbeddedRestore(spec, app("embedded", i))))));
            deleteAll(thick, "embedded");
            bar.done();

            bar.step(r + "Spillway, thick client");
            rate("spillway.save.thick", backups, "Spillway save from a thick client",
                wall(atOnce(i -> payload.saveTo(thick, app("thick", i), true))));
            rate("spillway.restore.thick", backups, "Spillway restore to a thick client",
                read("thick-client restore", atOnce(i -> payload.restoreFrom(thick, app("thick", i)))));
            deleteAll(thick, "thick");
            bar.done();

            bar.step(r + "Spillway, thin client (home node 0); raw Ignite over a thin client");
            rate("spillway.save.thin", backups, "Spillway save from a thin client",
                wall(atOnce(i -> payload.saveTo(cluster.thin(), app("thin", i), true))));
            rate("spillway.restore.thin", backups, "Spillway restore to a thin client",
                read("thin-client restore", atOnce(i -> payload.restoreFrom(cluster.thin(), app("thin", i)))));
            deleteAll(thick, "thin");
            rawThin(rawThin, payload, backups);
            bar.done();

            bar.step(r + "Spillway, spilling: node 0's budget filled first");
            spill(home, thick, spec, backups);
            bar.done();

            bar.step(r + "the machine: direct-memory copy, /dev/shm file");
            double[] m = home.call(new NodeJobs.Machine(spec));
            Figure memcpy = figures.computeIfAbsent("machine.memcpy.b" + backups, k -> new Figure(k,
                "copy into direct memory (one writer)"));
            memcpy.add(spec.size(), m[0]);
            if (!Double.isNaN(m[1])) {
                figures.computeIfAbsent("machine.shm.write.b" + backups, k -> new Figure(k,
                    "write of a file in /dev/shm (one writer)")).add(spec.size(), m[1]);
                figures.computeIfAbsent("machine.shm.read.b" + backups, k -> new Figure(k,
                    "read of a file in /dev/shm (one reader)")).add(spec.size(), m[2]);
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
            atOnce(i -> payload.saveTo(remote.spillway(), app("warm", i), true));
            deleteAll(remote.spillway(), "warm");
            atOnce(i -> remote.rawWrite(payload, backups, true, i));
            remote.rawClear();
            bar.done();
            long since = System.nanoTime();
            for (int rep = 1; settings.runs(rep, since); rep++) {
                if (rep == 2 && settings.seconds() > 0)
                    bar.reckon(1 + (int)Math.ceil(settings.seconds() / ((System.nanoTime() - since) / 1e9)));
                bar.step("rep " + rep + settings.of() + ": thin client, Spillway and raw");
                rate("spillway.save.thin", backups, "Spillway save from a thin client",
                    wall(atOnce(i -> payload.saveTo(remote.spillway(), app("thin", i), true))));
                rate("spillway.restore.thin", backups, "Spillway restore to a thin client",
                    read("thin-client restore", atOnce(i -> payload.restoreFrom(remote.spillway(), app("thin", i)))));
                deleteAll(remote.spillway(), "thin");
                rawThin(remote, payload, backups);
                bar.done();
            }
        }
        bar.finish();
    }

    /** Raw Ignite over a thin client: random keys, the best of put and putAll, read back by get and getAll. */
    private void rawThin(RemoteThin remote, BenchPayload payload, int backups) {
        double bestWrite = Double.MAX_VALUE;
        double bestRead = Double.MAX_VALUE;
        for (boolean batched : new boolean[] {false, true}) {
            bestWrite = Math.min(bestWrite, wall(atOnce(i -> remote.rawWrite(payload, backups, batched, i))));
            bestRead = Math.min(bestRead, read("raw thin-client reads",
                atOnce(i -> remote.rawRead(payload, batched, i))));
            remote.rawClear();
        }
        rate("raw.thin.random.write.best", backups, "raw Ignite over a thin client, random keys, best of put/putAll",
            bestWrite);
        rate("raw.thin.random.read.best", backups, "raw Ignite over a thin client, random keys, best of get/getAll",
            bestRead);
    }

    /**
     * Fills node 0's budget with ballast, then saves the states from node 0 (they spill to the peers) and restores
     * them there (their chunks are remote); records how much spilled. The ballast goes in halving steps, each kept
     * only while the cluster can still take every application's state from node 0 (with backups, node 0's ballast
     * also takes the peers' room to hold its copies after a loss): node 0 ends with room for at most a few chunks,
     * or as little as the cluster allows.
     */
    private void spill(IgniteCompute home, CheckpointStore thick, NodeJobs.Spec spec, int backups) {
        long chunk = settings.chunkBytes();
        // What the states need, with room to spare: saves planned one by one, at once, land a little differently.
        long states = settings.apps() * (spec.size() + spec.size() / 8 + 4 * chunk);
        long limit = Long.MAX_VALUE;
        for (int step = 0; step < 24; step++) {
            NodeCapacity node0 = thick.capacity().stream().filter(c -> c.node().equals(BenchCluster.name(0)))
                .findFirst().orElseThrow();
            long room = node0.safeHeadroom();
            long ballast = Math.min(limit, step == 0 ? room - 2 * chunk : room / 2);
            if (room < 4 * chunk || ballast < 2 * chunk)
                break;
            String app = app("ballast", step);
            home.call(new NodeJobs.Ballast(ballast, settings.chunkBytes(), app));
            if (!home.call(new NodeJobs.Fits(states, "bench-probe"))) {
                Bench.deleteCheckpoints(thick, app);
                limit = ballast / 2;
            }
        }
        List<double[]> saved = atOnce(i -> home.call(new NodeJobs.EmbeddedSave(spec, app("spill", i), true)));
        int local = 0;
        int spilled = 0;
        for (int i = 0; i < saved.size(); i++) {
            PlacementReport placement = thick.placement(app("spill", i), (long)saved.get(i)[2]);
            local += placement.localChunks();
            spilled += placement.spilledChunks();
        }
        spilledFractions.computeIfAbsent("spilledFraction.b" + backups, k -> new ArrayList<>())
            .add(local + spilled == 0 ? 0 : (double)spilled / (local + spilled));
        rate("spillway.save.spilling", backups, "Spillway save from node 0 once its budget is full (spills)",
            wall(saved));
        rate("spillway.restore.spilled", backups, "Spillway restore on node 0 of a spilled checkpoint", read(
            "restore of a spilled checkpoint", atOnce(i -> home.call(new NodeJobs.EmbeddedRestore(spec,
                app("spill", i))))));
        deleteAll(thick, "spill");
        deleteAll(thick, "ballast");
    }

    /**
     * Runs {@code work} for every application at once, each on a thread of its own, and returns what each
     * returned: when it started and ended ({@link NodeJobs#now()}), then anything else.
     */
    private List<double[]> atOnce(IntFunction<double[]> work) {
        List<Future<double[]>> running = new ArrayList<>();
        for (int i = 0; i < settings.apps(); i++) {
            int index = i;
            running.add(pool.submit(() -> work.apply(index)));
        }
        List<double[]> results = new ArrayList<>();
        for (Future<double[]> f : running) {
            try {
                results.add(f.get());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        return results;
    }

    /** Seconds from the first start to the last end of spans run at once. */
    private static double wall(List<double[]> spans) {
        double first = spans.stream().mapToDouble(s -> s[0]).min().orElseThrow();
        double last = spans.stream().mapToDouble(s -> s[1]).max().orElseThrow();
        return last - first;
    }

    /** {@link #wall} of reads that each compared their bytes with the payload (third element 1 when equal). */
    private static double read(String what, List<double[]> reads) {
        if (reads.stream().anyMatch(r -> r[2] != 1))
            throw new IllegalStateException(what + ": the bytes read back differ from the payload");
        return wall(reads);
    }

    /** Deletes every checkpoint of the applications of {@code path} the run has used. */
    private void deleteAll(CheckpointStore store, String path) {
        for (String app : applications) {
            if (!app.startsWith("bench-" + path + "-"))
                continue;
            Bench.deleteCheckpoints(store, app);
        }
    }
}
