package dev.spillway.bench;

import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code bench kill}: several applications (thick-client writers) save states in a steady loop while one node
 * process is killed with SIGKILL a third of the way in. Committed MB per second over the run, the saves that
 * failed, and afterwards a byte-equal restore of every application's latest checkpoint from the survivors.
 */
final class KillScenario {
    record Settings(int nodes, int writers, int stateBytes, int backups, long durationNanos, long regionBytes,
                    NodeProcesses processes) {
    }

    private final Settings settings;
    private final Path runDir;
    private final PrintStream out;
    private final Map<String, Object> outcome = new LinkedHashMap<>();
    private final List<Map<String, Object>> usage = new ArrayList<>();
    private final List<Map<String, Object>> timeline = new ArrayList<>();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    /** Each writer's base state, made before the load (a payload per writer, not regenerated while timed). */
    private final byte[][] bases;

    KillScenario(Settings settings, Path runDir, PrintStream out) {
        this.settings = settings;
        this.runDir = runDir;
        this.out = out;
        this.bases = new byte[settings.writers()][];
        for (int w = 0; w < bases.length; w++)
            bases[w] = BenchPayload.of(settings.stateBytes(), settings.stateBytes(), 5000 + w).chunk(0);
    }

    Map<String, Object> outcome() {
        return outcome;
    }

    List<Map<String, Object>> timeline() {
        return timeline;
    }

    List<Map<String, Object>> usage() {
        synchronized (usage) {
            return new ArrayList<>(usage);
        }
    }

    /** A writer's state for save number {@code seq}: its base payload with the number in the first 8 bytes. */
    private byte[] state(int writer, long seq) {
        byte[] s = bases[writer].clone();
        ByteBuffer.wrap(s).putLong(0, seq);
        return s;
    }

    void run() throws IOException, InterruptedException {
        int seconds = (int)Math.ceil(settings.durationNanos() / 1e9);
        StepBar bar = new StepBar(out, 4 + seconds);
        bar.step("starting " + settings.nodes() + " node processes");
        List<String> options = List.of("--region-max-size", settings.regionBytes() + "", "--chunk-size", "1MB",
            "--backups", settings.backups() + "", "--retention", "1");
        long started = System.nanoTime();
        int victim = settings.nodes() - 1;
        try (BenchCluster cluster = BenchCluster.start(runDir.resolve("cluster"), settings.nodes(),
            settings.processes(), options)) {
            bar.done();
            CheckpointStore store = Spillway.store(cluster.thick());
            long[] lastCommitted = new long[settings.writers()];
            Arrays.fill(lastCommitted, -1);
            AtomicLongArray committedPerSecond = new AtomicLongArray(seconds + 1);
            AtomicInteger failed = new AtomicInteger();
            AtomicInteger committed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(settings.writers(), r -> {
                Thread t = new Thread(r, "bench-kill-writer");
                t.setDaemon(true);
                return t;
            });
            List<String> applications = java.util.stream.IntStream.range(0, settings.writers())
                .mapToObj(KillScenario::application).toList();
            long loadStart;
            long killedAt = -1;
            try (UsageSampler sampler = new UsageSampler(store, started, "kill", () -> applications, usage)) {
                loadStart = System.nanoTime();
                long end = loadStart + settings.durationNanos();
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < settings.writers(); w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> {
                        for (long seq = 0; System.nanoTime() < end; seq++) {
                            try {
                                store.save(application(writer), state(writer, seq));
                                lastCommitted[writer] = seq;
                                committed.incrementAndGet();
                                int sec = (int)((System.nanoTime() - loadStart) / 1_000_000_000L);
                                committedPerSecond.addAndGet(Math.min(seconds, sec), settings.stateBytes());
                            }
                            catch (RuntimeException e) {
                                failed.incrementAndGet();
                                failures.merge(e.getClass().getSimpleName(), 1, Integer::sum);
                            }
                        }
                    }));
                }
                long killAt = loadStart + settings.durationNanos() / 3;
                for (int s = 1; s <= seconds; s++) {
                    long next = loadStart + s * 1_000_000_000L;
                    if (killedAt < 0 && killAt <= next) {
                        Thread.sleep(Math.max(0, (killAt - System.nanoTime()) / 1_000_000));
                        bar.step("SIGKILL of node process " + BenchCluster.name(victim));
                        cluster.kill(victim);
                        killedAt = System.nanoTime();
                    }
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                    bar.step("load: " + committed.get() + " saves committed, " + failed.get() + " failed");
                    bar.done();
                }
                for (Future<?> f : writers) {
                    try {
                        f.get(5, TimeUnit.MINUTES);
                    }
                    catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        throw new IllegalStateException("A writer failed: " + e, e);
                    }
                }
            }
            finally {
                pool.shutdownNow();
            }
            bar.step("restoring every application's latest checkpoint from the survivors");
            int equal = 0;
            for (int w = 0; w < settings.writers(); w++) {
                if (lastCommitted[w] < 0)
                    continue;
                // The latest is the last save known committed, or a later one whose save failed after its
                // commit (around the SIGKILL): its number is in its first 8 bytes.
                byte[] latest = store.restoreLatest(application(w));
                long seq = latest.length >= Long.BYTES ? ByteBuffer.wrap(latest).getLong(0) : -1;
                if (seq >= lastCommitted[w] && Arrays.equals(latest, state(w, seq)))
                    equal++;
            }
            bar.done();
            for (int s = 0; s < seconds; s++) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("second", s);
                p.put("mbCommitted", committedPerSecond.get(s) / (double)(1 << 20));
                timeline.add(p);
            }
            int withCheckpoint = (int)Arrays.stream(lastCommitted).filter(x -> x >= 0).count();
            outcome.put("killedNode", BenchCluster.name(victim));
            outcome.put("killedAtSecond", (killedAt - loadStart) / 1e9);
            outcome.put("savesCommitted", committed.get());
            outcome.put("savesFailed", failed.get());
            outcome.put("failuresByType", new LinkedHashMap<>(failures));
            outcome.put("applications", settings.writers());
            outcome.put("applicationsWithACheckpoint", withCheckpoint);
            outcome.put("restoredByteEqual", equal);
            outcome.put("survivorsAlive", cluster.thick().cluster().forServers().nodes().size());
            outcome.put("nothingLost", equal == withCheckpoint && withCheckpoint == settings.writers());
            bar.step("stopping the cluster");
        }
        bar.done();
        bar.finish();
    }

    void print() {
        out.println();
        out.printf(Locale.ROOT, "Kill: %s killed with SIGKILL at %.1f s; %d saves committed, %d failed %s; %d of %d "
                + "applications' latest checkpoints restored byte-equal; %d server nodes alive%n",
            outcome.get("killedNode"), (Double)outcome.get("killedAtSecond"), (Integer)outcome.get("savesCommitted"),
            (Integer)outcome.get("savesFailed"), outcome.get("failuresByType"), (Integer)outcome.get("restoredByteEqual"),
            (Integer)outcome.get("applications"), (Integer)outcome.get("survivorsAlive"));
        out.print("  committed MB per second:");
        for (Map<String, Object> p : timeline)
            out.printf(Locale.ROOT, " %.0f", (Double)p.get("mbCommitted"));
        out.println();
    }

    boolean passed() {
        return Boolean.TRUE.equals(outcome.get("nothingLost"))
            && Integer.valueOf(settings.nodes() - 1).equals(outcome.get("survivorsAlive"));
    }

    /** Writer {@code w}'s application id. */
    private static String application(int w) {
        return "kill-app-" + w;
    }
}
