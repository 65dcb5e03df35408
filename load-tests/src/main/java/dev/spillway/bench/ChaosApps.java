package dev.spillway.bench;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.NoQuorumException;
import dev.spillway.Spillway;
import dev.spillway.SpillwayException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterNode;

/**
 * The chaos run's applications, each a thread of this JVM saving states of mixed sizes in a loop (a pause of 50 to
 * 250 ms between operations) and restoring its latest every third save, on one of the three paths: embedded (a compute job saves from inside a server node, a
 * different node each time; its restores run on another node), the thick client, the thin client. Every save is
 * recorded in the {@link ChaosLedger} with its SHA-256 before its first byte goes out; every restore is checked
 * against it at once.
 */
final class ChaosApps {
    enum Path {
        EMBEDDED, THICK, THIN
    }

    /** Sizes a save draws from: mostly small and middling, now and then large. */
    private static final int[] SIZES = {32 << 10, 256 << 10, 1 << 20, 3 << 20, 8 << 20};
    private static final int[] WEIGHTS = {3, 3, 3, 2, 1};
    private static final int PIECE = 256 << 10;

    private final BenchCluster cluster;
    private final ChaosLedger ledger;
    private final ChaosTimeline timeline;
    private final int apps;
    private final long seed;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    final AtomicLong committed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong unknown = new AtomicLong();
    final AtomicLong restoresVerified = new AtomicLong();
    final AtomicLong restoresFailed = new AtomicLong();
    final AtomicLong wrongBytes = new AtomicLong();
    /** The longest single save or restore call, in nanoseconds. */
    final AtomicLong longestCallNanos = new AtomicLong();
    /** What failed, by exception type and the first words of its message. */
    final ConcurrentHashMap<String, Integer> failures = new ConcurrentHashMap<>();
    final List<String> wrong = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Each application's next save number: it goes on across rounds. */
    private final long[] seqs;

    ChaosApps(BenchCluster cluster, ChaosLedger ledger, ChaosTimeline timeline, int apps, long seed) {
        this.cluster = cluster;
        this.ledger = ledger;
        this.timeline = timeline;
        this.apps = apps;
        this.seed = seed;
        this.seqs = new long[apps];
    }

    static String application(int app) {
        return "chaos-" + path(app).name().toLowerCase(java.util.Locale.ROOT) + "-" + app;
    }

    static Path path(int app) {
        return Path.values()[app % Path.values().length];
    }

    /** Starts every application's loop. */
    synchronized void start() {
        running = true;
        for (int a = 0; a < apps; a++) {
            int app = a;
            Thread t = new Thread(() -> loop(app), "chaos-" + application(app));
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    /** Stops the loops after the call each is in, and waits for them. */
    synchronized void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads)
            t.join();
        threads.clear();
    }

    private void loop(int app) {
        String application = application(app);
        while (running) {
            long seq = seqs[app]++;
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + app * 7919L + seq);
            byte[] state = new byte[size(random)];
            random.nextBytes(state);
            save(app, application, state, seq);
            if (seq % 3 == 2 && running)
                restore(app, application, seq);
            think(random);
        }
    }

    /** An application checkpoints now and then, not flat out: 50 to 250 ms between operations. */
    private static void think(SplittableRandom random) {
        try {
            Thread.sleep(50 + random.nextInt(200));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int size(SplittableRandom random) {
        int total = 0;
        for (int w : WEIGHTS)
            total += w;
        int pick = random.nextInt(total);
        for (int i = 0; i < WEIGHTS.length; i++) {
            pick -= WEIGHTS[i];
            if (pick < 0)
                return SIZES[i];
        }
        return SIZES[0];
    }

    private void save(int app, String application, byte[] state, long seq) {
        String sha = ChaosLedger.sha256(state);
        long started = System.nanoTime();
        ChaosLedger.Outcome outcome;
        RuntimeException failure = null;
        if (path(app) == Path.EMBEDDED) {
            ClusterNode node = writerNode(seq);
            try {
                String[] r = cluster.thick().compute(cluster.thick().cluster().forNode(node))
                    .call(new ChaosJobs.Save(application, state));
                ChaosLedger.Attempt a = ledger.begin(application, Long.parseLong(r[0]), sha, state.length,
                    path(app).name(), String.valueOf(node.consistentId()));
                outcome = ChaosLedger.Outcome.valueOf(r[1]);
                a.outcome = outcome;
                if (outcome != ChaosLedger.Outcome.COMMITTED)
                    failures.merge(brief(r[2]), 1, Integer::sum);
                count(outcome, r[2], started);
                return;
            }
            catch (RuntimeException e) {
                // The job's node left or the job was lost: whether it committed is not known, nor its id.
                ledger.begin(application, -1, sha, state.length, path(app).name(),
                    String.valueOf(node.consistentId())).outcome = ChaosLedger.Outcome.UNKNOWN;
                failures.merge(brief(e.toString()), 1, Integer::sum);
                count(ChaosLedger.Outcome.UNKNOWN, e.toString(), started);
                return;
            }
        }
        CheckpointStore store = store(app);
        ChaosLedger.Attempt attempt = null;
        boolean committing = false;
        try (CheckpointWriter w = store.begin(application, state.length)) {
            attempt = ledger.begin(application, w.checkpointId(), sha, state.length, path(app).name(), null);
            writeInPieces(w, state);
            committing = true;
            w.commit();
            outcome = ChaosLedger.Outcome.COMMITTED;
        }
        catch (RuntimeException e) {
            failure = e;
            outcome = outcomeOf(e, committing);
            failures.merge(brief(e.toString()), 1, Integer::sum);
        }
        if (attempt != null)
            attempt.outcome = outcome;
        count(outcome, failure == null ? "" : failure.toString(), started);
    }

    private void count(ChaosLedger.Outcome outcome, String failure, long started) {
        longest(started);
        switch (outcome) {
            case COMMITTED -> {
                committed.incrementAndGet();
                timeline.save(ChaosTimeline.COMMITTED);
            }
            case UNKNOWN -> {
                unknown.incrementAndGet();
                timeline.save(ChaosTimeline.FAILED);
            }
            default -> {
                if (refusal(failure)) {
                    refused.incrementAndGet();
                    timeline.save(ChaosTimeline.REFUSED);
                }
                else {
                    failed.incrementAndGet();
                    timeline.save(ChaosTimeline.FAILED);
                }
            }
        }
    }

    private static boolean refusal(String failure) {
        return failure.contains(CapacityExhaustedException.class.getSimpleName())
            || failure.contains(NoQuorumException.class.getSimpleName());
    }

    /**
     * How a save that threw ended: refused or failed before its commit was sent, it is FAILED; a commit that
     * threw is FAILED only when Spillway says so, and UNKNOWN when it says the outcome is unknown or the failure is
     * not Spillway's (the link or the node went while the commit was under way).
     */
    static ChaosLedger.Outcome outcomeOf(RuntimeException e, boolean committing) {
        if (!committing || e instanceof CapacityExhaustedException || e instanceof NoQuorumException)
            return ChaosLedger.Outcome.FAILED;
        boolean spillways = e instanceof SpillwayException;
        String message = String.valueOf(e.getMessage());
        return !spillways || message.contains("unknown") ? ChaosLedger.Outcome.UNKNOWN : ChaosLedger.Outcome.FAILED;
    }

    /** Restores the latest; an embedded one on another node than save number {@code seq} ran on. */
    private void restore(int app, String application, long seq) {
        long started = System.nanoTime();
        try {
            String[] r;
            if (path(app) == Path.EMBEDDED) {
                r = cluster.thick().compute(cluster.thick().cluster().forNode(writerNode(seq + 1)))
                    .call(new ChaosJobs.Digest(application, -1));
            }
            else {
                try (CheckpointReader reader = store(app).openLatest(application)) {
                    String[] d = ChaosJobs.digest(reader);
                    r = new String[] {Long.toString(reader.info().checkpointId()), d[0], d[1]};
                }
            }
            longest(started);
            long id = Long.parseLong(r[0]);
            if (ledger.matches(application, id, r[1])) {
                restoresVerified.incrementAndGet();
            }
            else {
                wrongBytes.addAndGet(Long.parseLong(r[2]));
                wrong.add(application + "/" + id + " restored on the " + path(app) + " path: SHA-256 " + r[1]
                    + " is not the one its writer recorded");
            }
        }
        catch (CheckpointNotFoundException e) {
            longest(started);
        }
        catch (RuntimeException | IOException e) {
            longest(started);
            if (rootCause(e) instanceof CheckpointNotFoundException)
                return;
            restoresFailed.incrementAndGet();
            failures.merge("restore: " + brief(e.toString()), 1, Integer::sum);
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t)
            t = t.getCause();
        return t;
    }

    private void longest(long started) {
        longestCallNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
    }

    /** The server node an embedded save number {@code seq} runs on: a different one each time, in turn. */
    private ClusterNode writerNode(long seq) {
        Ignite thick = cluster.thick();
        List<ClusterNode> servers = new ArrayList<>(thick.cluster().forServers().nodes());
        servers.sort(Comparator.comparing(n -> String.valueOf(n.consistentId())));
        return servers.get((int)Math.floorMod(seq, (long)servers.size()));
    }

    private CheckpointStore store(int app) {
        return path(app) == Path.THIN ? cluster.thin() : Spillway.store(cluster.thick());
    }

    /** Writes {@code state} in pieces, as a stream of an application's state arrives. */
    static void writeInPieces(CheckpointWriter w, byte[] state) {
        for (int off = 0; off < state.length; off += PIECE)
            w.write(state, off, Math.min(PIECE, state.length - off));
    }

    /** An exception's type and the start of its message, to count failures by kind. */
    static String brief(String failure) {
        String s = failure.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<id>").replaceAll("\\d+", "N");
        return s.length() > 140 ? s.substring(0, 140) + "..." : s;
    }
}
