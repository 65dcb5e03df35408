package dev.spillway.bench;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.Spillway;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.cluster.ClusterNode;

/**
 * {@code bench chaos}: rounds of load with a fault in each, drawn from a seeded generator, on real node processes.
 * In a round the applications ({@link ChaosApps}) save and restore on every path; halfway, the regions are filled
 * to the admission limit with ballast checkpoints until a save is refused, the fault strikes, and two seconds later
 * the ballast is deleted. Then the applications stop and the round's checks run from the outside: the cluster
 * settles (no rebalance, claim, orphaned chunk or lease left) within its timeouts, admission accepts a save again,
 * every checkpoint a writer saw committed and retention keeps restores byte-equal on a node other than its
 * writer's, no save that failed is visible, and no node process halted.
 *
 * <p>One node down at a time, and the next loss only once the cluster has settled: with one backup that is what
 * Spillway promises to survive.
 */
final class ChaosScenario {
    record Settings(int nodes, int apps, int rounds, double seconds, long seed, long regionBytes, int chunkBytes,
                    Duration lease, java.util.Set<Fault> faults, boolean partitions,
                    NodeProcesses processes) {
    }

    /** The faults a round draws from. */
    enum Fault {
        /** SIGKILL of a node process. */
        KILL,
        /**
         * SIGSTOP, then SIGCONT 2 to 18 s later: shorter than failure detection (10 s), the node stalls the others;
         * longer, they take it out and it finds itself segmented. With a node down, at most 6 s.
         */
        PAUSE,
        /** SIGTERM: the node leaves cleanly. */
        LEAVE,
        /** A node joins: one slot past the cluster's nodes, new the first time (it leaves first when a node leaves). */
        JOIN,
        /** The node that was killed or left starts again. */
        RESTART,
        /** A thin-client writer process is killed with SIGKILL in the middle of a save. */
        WRITER_KILLED,
        /** A node holding chunks of a checkpoint being restored is killed with SIGKILL during the restore. */
        KILL_MID_RESTORE,
        /**
         * The network cuts a node off from every other node and the clients for 12 to 18 s, past failure detection,
         * then heals; a node the others took out meanwhile is restarted (Ignite never merges the two sides).
         */
        PARTITION
    }

    private static final String BALLAST = "chaos-ballast-";
    private static final String RESTORED = "chaos-restored";
    private static final String WRITER = "chaos-writer-process";
    private static final int BALLAST_BYTES = 8 << 20;
    /**
     * The most a node-killed-mid-restore checkpoint holds: 24 MB, or an eighth of a region where that is less. Two
     * are kept (retention 2), with backups: larger on 64 MB regions, they alone filled the cluster to its admission
     * limit, so deleting the ballast made no room after a loss.
     */
    private static final int RESTORED_BYTES = 24 << 20;
    /** The chaos run's network: 198.18.78.0/24 (PartitionIT's is .77). */
    private static final int NETWORK_SUBNET = 78;

    private final Settings settings;
    private final Path runDir;
    private final PrintStream out;
    private final Random random;
    private final ChaosLedger ledger = new ChaosLedger();
    private final ChaosTimeline timeline = new ChaosTimeline();
    private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);
    private final List<Map<String, Object>> rounds = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Object> outcome = new LinkedHashMap<>();
    private NamespaceNetwork network;
    private BenchCluster cluster;
    private ChaosApps apps;
    /** The node slot that is down (killed or left) and to be started again, or -1. */
    private int down = -1;
    private long bytesLost;
    private long restoresVerified;
    private long restoresFailed;
    private long failedVisible;
    private long wrongBytes;
    private long leftovers;
    private double longestSettleSeconds;

    ChaosScenario(Settings settings, Path runDir, PrintStream out) {
        this.settings = settings;
        this.runDir = runDir;
        this.out = out;
        this.random = new Random(settings.seed());
    }

    void run() throws IOException, InterruptedException {
        StepBar bar = new StepBar(out, 2 + settings.rounds());
        bar.step("starting " + settings.nodes() + " node processes");
        List<String> options = List.of("--region-max-size", Long.toString(settings.regionBytes()), "--chunk-size",
            Integer.toString(settings.chunkBytes()), "--backups", "1", "--retention", "2", "--lease-timeout",
            settings.lease().toMillis() + "ms");
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "chaos-region-sampler");
            t.setDaemon(true);
            return t;
        });
        try {
            // One slot more than the cluster's nodes, for the node that joins: on the network, and known to the
            // thin client.
            if (settings.partitions())
                network = NamespaceNetwork.create("c", NETWORK_SUBNET, settings.nodes() + 1);
            cluster = BenchCluster.start(runDir.resolve("cluster"), network, settings.nodes(),
                settings.processes(), options, settings.nodes() + 1, null);
            bar.done();
            CheckpointStore store = Spillway.store(cluster.thick());
            sampler.scheduleWithFixedDelay(() -> {
                try {
                    timeline.sample(store.capacity());
                }
                catch (RuntimeException e) {
                    // A sample missed during a fault: the report shows a gap.
                }
            }, 0, 1, TimeUnit.SECONDS);
            apps = new ChaosApps(cluster, ledger, timeline, settings.apps(), settings.seed());
            for (int r = 1; r <= settings.rounds(); r++) {
                bar.step("round " + r + " of " + settings.rounds());
                try {
                    round(r, store);
                }
                catch (RuntimeException | IOException e) {
                    // A fault the run could not carry out (a node that would not start again): the run ends here,
                    // its results written.
                    problems.add("round " + r + " could not go on: " + e);
                    apps.stop();
                    break;
                }
                bar.done();
            }
            bar.step("stopping the cluster");
        }
        finally {
            sampler.shutdownNow();
            if (apps != null)
                apps.stop();
            if (cluster != null) {
                List<String> halts = cluster.halts();
                outcome.put("nodesHalted", halts.size());
                outcome.put("halts", halts);
                cluster.close();
            }
            if (network != null)
                network.close();
        }
        bar.done();
        bar.finish();
        summarize();
    }

    private void round(int r, CheckpointStore store) throws IOException, InterruptedException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("round", r);
        row.put("startSecond", Math.round(timeline.seconds()));
        Fault fault = draw();
        row.put("fault", fault.name());
        timeline.event(r, "round", "round " + r + ": " + fault);
        // What the fault needs is set up before the regions fill: a checkpoint to restore, a writer mid-save.
        long restoredId = fault == Fault.KILL_MID_RESTORE ? saveForRestore(store) : -1;
        Process writer = fault == Fault.WRITER_KILLED ? startWriterProcess(r) : null;
        apps.start();
        long halfNanos = (long)(settings.seconds() * 1e9 / 2);
        TimeUnit.NANOSECONDS.sleep(halfNanos);
        int ballast = fill(r, store);
        row.put("ballastCheckpoints", ballast);
        String detail = strike(r, fault, store, restoredId, writer);
        row.put("detail", detail);
        TimeUnit.SECONDS.sleep(2);
        deleteBallast(r, store, ballast);
        TimeUnit.NANOSECONDS.sleep(Math.max(0, halfNanos - 2_000_000_000L));
        apps.stop();
        timeline.event(r, "check", "applications stopped; checks");
        check(r, store, row);
        rounds.add(row);
    }

    /** A fault that may strike now: with a node down, only those that take no other node down. */
    private Fault draw() {
        List<Fault> can = new ArrayList<>();
        if (down >= 0) {
            // A node down is started again in any case: it is the fault if no other is allowed.
            can.addAll(List.of(Fault.RESTART, Fault.RESTART, Fault.WRITER_KILLED, Fault.PAUSE));
        }
        else {
            can.addAll(List.of(Fault.KILL, Fault.PAUSE, Fault.LEAVE, Fault.WRITER_KILLED, Fault.KILL_MID_RESTORE));
            if (network != null)
                can.add(Fault.PARTITION);
            // One slot past the cluster's nodes joins, leaves (first, when a node leaves) and joins again.
            if (live().size() <= settings.nodes() && !cluster.alive(settings.nodes()))
                can.add(Fault.JOIN);
        }
        can.removeIf(f -> f != Fault.RESTART && !settings.faults().contains(f));
        if (can.isEmpty())
            can.add(Fault.KILL);
        return can.get(random.nextInt(can.size()));
    }

    /** The slots with a node running. */
    private List<Integer> live() {
        List<Integer> live = new ArrayList<>();
        for (int i = 0; i < cluster.slotCount(); i++) {
            if (cluster.alive(i))
                live.add(i);
        }
        return live;
    }

    private int anyLive() {
        List<Integer> live = live();
        return live.get(random.nextInt(live.size()));
    }

    private String strike(int r, Fault fault, CheckpointStore store, long restoredId, Process writer)
        throws IOException, InterruptedException {
        faults.merge(fault, 1, Integer::sum);
        String detail;
        switch (fault) {
            case KILL -> {
                down = anyLive();
                event(r, fault, "SIGKILL of " + BenchCluster.name(down));
                cluster.kill(down);
                detail = BenchCluster.name(down) + " killed";
            }
            case PAUSE -> {
                int victim = anyLive();
                // Past failure detection (10 s) the cluster takes the node out: a loss, so only when none is down.
                long millis = down >= 0 ? 2_000 + random.nextInt(4_000) : 2_000 + random.nextInt(16_000);
                event(r, fault, "SIGSTOP of " + BenchCluster.name(victim) + " for " + millis + " ms");
                int joins = cluster.joins(victim);
                cluster.pause(victim);
                Thread.sleep(millis);
                boolean dropped = !cluster.member(victim);
                cluster.resume(victim);
                detail = BenchCluster.name(victim) + " frozen for " + millis + " ms";
                if (dropped) {
                    // The cluster took it out: it finds itself segmented and joins again, or it is down.
                    boolean back = cluster.awaitJoins(victim, joins);
                    event(r, fault, BenchCluster.name(victim) + (back ? " was taken out and joined again"
                        : " was taken out and did not join again"));
                    detail += back ? ", taken out, joined again" : ", taken out, did not join again";
                    if (!back) {
                        down = victim;
                        if (cluster.alive(victim))
                            cluster.kill(victim);
                    }
                }
            }
            case LEAVE -> {
                List<Integer> live = live();
                // A node that joined during the run leaves first, to keep the cluster near its size.
                int victim = live.size() > settings.nodes() ? live.get(live.size() - 1) : anyLive();
                event(r, fault, "SIGTERM of " + BenchCluster.name(victim));
                int exit = cluster.stop(victim);
                if (victim < settings.nodes())
                    down = victim;
                detail = BenchCluster.name(victim) + " left (exit " + exit + ")";
            }
            case JOIN -> {
                int slot = settings.nodes();
                boolean again = cluster.slotCount() > slot;
                event(r, fault, BenchCluster.name(slot) + (again ? " joins again" : " joins"));
                cluster.start(slot);
                detail = BenchCluster.name(slot) + (again ? " joined again" : " joined");
            }
            case RESTART -> {
                int slot = down;
                event(r, fault, BenchCluster.name(slot) + " starts again");
                cluster.start(slot);
                down = -1;
                detail = BenchCluster.name(slot) + " restarted";
            }
            case WRITER_KILLED -> detail = killWriterProcess(r, writer);
            case PARTITION -> detail = cutOff(r);
            case KILL_MID_RESTORE -> detail = killMidRestore(r, store, restoredId);
            default -> throw new IllegalStateException("Unknown fault " + fault);
        }
        return detail;
    }

    /**
     * Cuts a node off for 12 to 18 s, past failure detection (10 s), and heals. The majority goes on; the node cut
     * off refuses saves (a minority); once healed, if the others took it out, it is restarted to join them again,
     * as the README's heal procedure says (Ignite never merges two sides).
     */
    private String cutOff(int r) throws IOException, InterruptedException {
        int victim = anyLive();
        long millis = 12_000 + random.nextInt(6_000);
        event(r, Fault.PARTITION, BenchCluster.name(victim) + " cut off for " + millis + " ms");
        network.isolate(victim);
        try {
            Thread.sleep(millis);
        }
        finally {
            network.heal();
        }
        String detail = BenchCluster.name(victim) + " cut off for " + millis + " ms";
        if (cluster.member(victim))
            return detail + ", still a member";
        event(r, Fault.PARTITION, "healed; " + BenchCluster.name(victim) + " was taken out: restarted to join again");
        int exit = cluster.stop(victim);
        cluster.start(victim);
        return detail + ", taken out, restarted after the heal (stopped with exit " + exit + ")";
    }

    private void event(int r, Fault fault, String detail) {
        timeline.event(r, fault.name(), detail);
    }

    /**
     * Starts a thin-client writer process and waits until it has begun a checkpoint and stored its first chunks;
     * null when it could not begin (a problem).
     */
    private Process startWriterProcess(int r) throws IOException, InterruptedException {
        String application = WRITER + "-" + r;
        List<String> addresses = live().stream().map(cluster::thinAddress).toList();
        Process p = new ProcessBuilder(ChildJvm.command("256m", List.of(), ChaosWriter.class.getName(),
            List.of(String.join(",", addresses), application))).redirectErrorStream(true).start();
        BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("BEGUN ")) {
                long id = Long.parseLong(line.substring(6).trim());
                ledger.begin(application, id, "never committed", 0, "THIN-PROCESS", null).outcome =
                    ChaosLedger.Outcome.FAILED;
                timeline.event(r, "writer", "writer process of " + application + "/" + id + " is writing");
                // Its output is not read again: let it go nowhere rather than fill the pipe.
                Thread drain = new Thread(() -> {
                    try {
                        lines.transferTo(java.io.Writer.nullWriter());
                    }
                    catch (IOException e) {
                        // The process was killed.
                    }
                }, "chaos-writer-drain");
                drain.setDaemon(true);
                drain.start();
                return p;
            }
            seen.append(line).append('\n');
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        problems.add("round " + r + ": the writer process never began its checkpoint: " + seen);
        return null;
    }

    /** Kills the writer process with SIGKILL: its checkpoint must never be visible, its claim lapse, its chunks go. */
    private String killWriterProcess(int r, Process writer) throws InterruptedException {
        if (writer == null)
            return "no writer process";
        event(r, Fault.WRITER_KILLED, "SIGKILL of the writer process (pid " + writer.pid() + ")");
        writer.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        return "writer process killed mid-save";
    }

    /** Saves the checkpoint a round's node-killed-mid-restore fault restores; returns its id (-1 if refused). */
    private long saveForRestore(CheckpointStore store) {
        byte[] state = new byte[(int)Math.min(RESTORED_BYTES, settings.regionBytes() / 8)];
        new java.util.SplittableRandom(settings.seed() + rounds.size()).nextBytes(state);
        try (CheckpointWriter w = store.begin(RESTORED, state.length)) {
            ChaosLedger.Attempt a = ledger.begin(RESTORED, w.checkpointId(), ChaosLedger.sha256(state), state.length,
                "THICK", null);
            ChaosApps.writeInPieces(w, state);
            boolean committed = false;
            try {
                w.commit();
                committed = true;
            }
            finally {
                a.outcome = committed ? ChaosLedger.Outcome.COMMITTED : ChaosLedger.Outcome.UNKNOWN;
            }
            return w.checkpointId();
        }
        catch (RuntimeException e) {
            problems.add("the checkpoint to restore during a kill could not be saved: " + e);
            return -1;
        }
    }

    /**
     * Restores a checkpoint of up to 24 MB over the thin client and, 4 MB in, kills a node holding some of its
     * chunks: the restore completes from the backups with the right bytes, or fails clearly; wrong bytes never.
     */
    private String killMidRestore(int r, CheckpointStore store, long id) throws InterruptedException {
        if (id < 0)
            return "no checkpoint to restore";
        PlacementReport placement = store.placement(RESTORED, id);
        List<Integer> holders = new ArrayList<>();
        for (PlacementReport.NodePlacement n : placement.nodes()) {
            int slot = BenchCluster.slot(n.node());
            if (n.chunks() > 0 && cluster.alive(slot))
                holders.add(slot);
        }
        int victim = holders.isEmpty() ? anyLive() : holders.get(random.nextInt(holders.size()));
        MessageDigest sha = ChaosLedger.digest();
        long started = System.nanoTime();
        try (CheckpointReader reader = cluster.thin().open(RESTORED, id)) {
            byte[] buf = new byte[1 << 20];
            long read = 0;
            for (int n; (n = reader.read(buf)) > 0; read += n) {
                sha.update(buf, 0, n);
                if (down < 0 && read >= 4L << 20) {
                    down = victim;
                    event(r, Fault.KILL_MID_RESTORE, "SIGKILL of " + BenchCluster.name(victim) + " after "
                        + (read >> 20) + " MB of " + RESTORED + "/" + id + " restored");
                    cluster.kill(victim);
                }
            }
            String digest = HexFormat.of().formatHex(sha.digest());
            if (ledger.matches(RESTORED, id, digest)) {
                restoresVerified++;
                return BenchCluster.name(victim) + " killed mid-restore; the restore completed byte-equal in "
                    + String.format(Locale.ROOT, "%.1f s", (System.nanoTime() - started) / 1e9);
            }
            wrongBytes += read;
            problems.add("round " + r + ": " + RESTORED + "/" + id + " restored with wrong bytes after the kill");
            return "WRONG BYTES";
        }
        catch (IOException | RuntimeException e) {
            restoresFailed++;
            if (down < 0) {
                down = victim;
                cluster.kill(victim);
            }
            return BenchCluster.name(victim) + " killed mid-restore; the restore failed clearly: "
                + ChaosApps.brief(e.toString());
        }
    }

    /**
     * Saves ballast checkpoints from the thick client until one is refused, 8 MB ones and then 1 MB ones: the
     * cluster is then within 1 MB of its admission limit. Returns how many it saved.
     */
    private int fill(int r, CheckpointStore store) {
        int k = 0;
        for (int size : new int[] {BALLAST_BYTES, 1 << 20}) {
            byte[] state = new byte[size];
            new java.util.SplittableRandom(r).nextBytes(state);
            for (int n = 0; ; n++, k++) {
                if (n == 1000) {
                    problems.add("round " + r + ": the regions never filled");
                    return k;
                }
                try {
                    store.save(BALLAST + r + "-" + k, state);
                }
                catch (CapacityExhaustedException e) {
                    break;
                }
                catch (RuntimeException e) {
                    problems.add("round " + r + ": a ballast save failed with something else than a refusal: " + e);
                    return k + 1;
                }
            }
        }
        timeline.event(r, "full", "admission limit reached after " + k + " ballast checkpoints");
        return k;
    }

    /** Deletes the round's {@code count} ballast checkpoints, retrying through the fault's aftermath. */
    private void deleteBallast(int r, CheckpointStore store, long count) throws InterruptedException {
        long deadline = System.nanoTime() + settings.lease().multipliedBy(4).toNanos() + 30_000_000_000L;
        for (int k = 0; k < count; k++) {
            String application = BALLAST + r + "-" + k;
            while (true) {
                try {
                    for (CheckpointInfo c : store.list(application))
                        store.delete(application, c.checkpointId());
                    break;
                }
                catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        problems.add("round " + r + ": ballast " + application + " could not be deleted: " + e);
                        return;
                    }
                    Thread.sleep(500);
                }
            }
        }
        timeline.event(r, "room", "ballast deleted");
    }

    private void check(int r, CheckpointStore store, Map<String, Object> row) throws InterruptedException {
        long started = System.nanoTime();
        String unsettled = settle(store);
        double settle = (System.nanoTime() - started) / 1e9;
        longestSettleSeconds = Math.max(longestSettleSeconds, settle);
        row.put("settledSeconds", Math.round(settle * 10) / 10.0);
        if (unsettled != null) {
            leftovers++;
            problems.add("round " + r + ": not settled within the timeouts: " + unsettled);
        }
        row.put("admission", admits(r, store));
        long lostBefore = bytesLost;
        long wrongBefore = wrongBytes;
        long verifiedBefore = restoresVerified;
        verifyLedger(r, store);
        row.put("restoresVerified", restoresVerified - verifiedBefore);
        row.put("bytesLost", bytesLost - lostBefore);
        row.put("wrongBytes", wrongBytes - wrongBefore);
        row.put("nodesHalted", cluster.halts().size());
        timeline.event(r, "checked", "round " + r + " checked in " + Math.round((System.nanoTime() - started) / 1e9)
            + " s");
    }

    /**
     * Waits until every live node reports no rebalance, no claim and no orphaned chunk, and no lease is
     * outstanding: a dead writer's claim lapses in one lease (two when the catalog's primary changed), orphans in
     * one, each found by passes a quarter lease apart. Returns what was left at the deadline, or null.
     */
    private String settle(CheckpointStore store) throws InterruptedException {
        long lease = settings.lease().toNanos();
        long deadline = System.nanoTime() + 3 * lease + TimeUnit.SECONDS.toNanos(60);
        String left = "never asked";
        while (System.nanoTime() < deadline) {
            try {
                left = leftover(store);
                if (left == null)
                    return null;
            }
            catch (RuntimeException e) {
                left = "asking failed: " + e;
            }
            Thread.sleep(500);
        }
        return left;
    }

    private String leftover(CheckpointStore store) {
        List<String> left = new ArrayList<>();
        for (ClusterNode n : cluster.thick().cluster().forServers().nodes()) {
            long[] h = cluster.thick().compute(cluster.thick().cluster().forNode(n))
                .call(new ChaosJobs.Housekeeper());
            if (h[0] > 0 || h[2] > 0 || h[4] > 0)
                left.add(n.consistentId() + ": " + h[0] + " claim(s), longest unrenewed " + h[1] + " ms; " + h[2]
                    + " orphan(s), longest " + h[3] + " ms" + (h[4] > 0 ? "; rebalancing" : ""));
        }
        for (NodeCapacity c : store.capacity()) {
            if (c.leases() > 0)
                left.add(c.node() + ": " + c.leases() + " lease(s)");
        }
        return left.isEmpty() ? null : String.join("; ", left);
    }

    /**
     * Whether a 1 MB save is admitted again on every path (embedded on a node, the thick client, the thin client),
     * each retried until two lease timeouts and 10 s past the check's start: room was made, and no path was left
     * broken by the fault.
     */
    private boolean admits(int r, CheckpointStore store) throws InterruptedException {
        byte[] state = new byte[1 << 20];
        long deadline = System.nanoTime() + settings.lease().multipliedBy(2).toNanos() + 10_000_000_000L;
        String app = "chaos-admission-probe";
        boolean all = true;
        for (ChaosApps.Path path : ChaosApps.Path.values()) {
            while (true) {
                try {
                    long id;
                    if (path == ChaosApps.Path.EMBEDDED) {
                        ClusterNode on = cluster.thick().cluster().forServers().forRandom().node();
                        String[] saved = cluster.thick().compute(cluster.thick().cluster().forNode(on))
                            .call(new ChaosJobs.Save(app, state));
                        if (!ChaosLedger.Outcome.COMMITTED.name().equals(saved[1]))
                            throw new IllegalStateException(saved[2]);
                        id = Long.parseLong(saved[0]);
                    }
                    else {
                        id = (path == ChaosApps.Path.THIN ? cluster.thin() : store).save(app, state).checkpointId();
                    }
                    store.delete(app, id);
                    break;
                }
                catch (RuntimeException e) {
                    if (System.nanoTime() > deadline) {
                        problems.add("round " + r + ": a 1 MB save on the " + path + " path is still not admitted "
                            + "once room was made: " + e);
                        all = false;
                        break;
                    }
                    Thread.sleep(500);
                }
            }
        }
        return all;
    }

    /**
     * Every application's visible checkpoints against the ledger: none a failed save; each restores byte-equal on
     * a node other than its writer's; and the newest checkpoints retention keeps (two) are all visible.
     */
    private void verifyLedger(int r, CheckpointStore store) {
        for (String application : ledger.applications()) {
            List<CheckpointInfo> visible;
            try {
                visible = store.list(application);
            }
            catch (RuntimeException e) {
                problems.add("round " + r + ": listing " + application + " failed: " + e);
                continue;
            }
            List<Long> visibleIds = visible.stream().map(CheckpointInfo::checkpointId).toList();
            for (CheckpointInfo c : visible) {
                ChaosLedger.Attempt a = ledger.find(application, c.checkpointId()).orElse(null);
                if (a != null && a.outcome == ChaosLedger.Outcome.FAILED) {
                    failedVisible++;
                    problems.add("round " + r + ": " + application + "/" + c.checkpointId() + " is visible although "
                        + "its save failed");
                    continue;
                }
                verifyRestore(r, application, c, a);
            }
            List<ChaosLedger.Attempt> kept = ledger.attempts(application).stream()
                .filter(a -> a.outcome == ChaosLedger.Outcome.COMMITTED
                    || a.outcome == ChaosLedger.Outcome.UNKNOWN && visibleIds.contains(a.checkpointId))
                .sorted(Comparator.comparingLong((ChaosLedger.Attempt a) -> a.checkpointId).reversed())
                .limit(2).toList();
            for (ChaosLedger.Attempt a : kept) {
                if (!visibleIds.contains(a.checkpointId)) {
                    bytesLost += a.size;
                    problems.add("round " + r + ": " + application + "/" + a.checkpointId + " (" + a.size + " bytes, "
                        + a.path + ") was committed and is gone");
                }
            }
        }
    }

    private void verifyRestore(int r, String application, CheckpointInfo c, ChaosLedger.Attempt a) {
        List<ClusterNode> others = new ArrayList<>(cluster.thick().cluster().forServers().nodes());
        others.removeIf(n -> a != null && String.valueOf(n.consistentId()).equals(a.writerNode));
        ClusterNode on = others.get(random.nextInt(others.size()));
        try {
            String[] d = cluster.thick().compute(cluster.thick().cluster().forNode(on))
                .call(new ChaosJobs.Digest(application, c.checkpointId()));
            if (ledger.matches(application, c.checkpointId(), d[1])) {
                restoresVerified++;
            }
            else {
                wrongBytes += Long.parseLong(d[2]);
                problems.add("round " + r + ": " + application + "/" + c.checkpointId() + " restored on "
                    + on.consistentId() + " with bytes its writer never saved");
            }
        }
        catch (RuntimeException e) {
            bytesLost += c.size();
            problems.add("round " + r + ": " + application + "/" + c.checkpointId() + " could not be restored on "
                + on.consistentId() + " once the cluster settled: " + e);
        }
    }

    private void summarize() {
        long halted = ((Number)outcome.getOrDefault("nodesHalted", 0)).longValue();
        outcome.put("rounds", rounds.size());
        Map<String, Integer> byKind = new LinkedHashMap<>();
        for (Fault f : Fault.values())
            byKind.put(f.name().toLowerCase(Locale.ROOT).replace('_', '-'), faults.getOrDefault(f, 0));
        outcome.put("faults", byKind);
        outcome.put("savesCommitted", apps.committed.get());
        outcome.put("savesRefused", apps.refused.get());
        outcome.put("savesFailed", apps.failed.get() + apps.unknown.get());
        outcome.put("savesOutcomeUnknown", apps.unknown.get());
        outcome.put("restoresVerified", restoresVerified + apps.restoresVerified.get());
        outcome.put("restoresFailedClearly", restoresFailed + apps.restoresFailed.get());
        outcome.put("bytesLost", bytesLost);
        outcome.put("wrongBytes", wrongBytes + apps.wrongBytes.get());
        outcome.put("failedSavesVisible", failedVisible);
        outcome.put("unsettledRounds", leftovers);
        outcome.put("longestStallSeconds", Math.round(apps.longestCallNanos.get() / 1e8) / 10.0);
        outcome.put("longestSettleSeconds", Math.round(longestSettleSeconds * 10) / 10.0);
        outcome.put("failuresByKind", new LinkedHashMap<>(apps.failures));
        List<String> all = new ArrayList<>(problems);
        all.addAll(apps.wrong);
        outcome.put("problems", all);
        outcome.put("passed", all.isEmpty() && halted == 0 && bytesLost == 0 && wrongBytes + apps.wrongBytes.get() == 0);
    }

    /** The one summary line. */
    String summaryLine() {
        @SuppressWarnings("unchecked")
        Map<String, Integer> byKind = (Map<String, Integer>)outcome.get("faults");
        StringBuilder kinds = new StringBuilder();
        byKind.forEach((k, v) -> kinds.append(kinds.length() == 0 ? "" : " ").append(k).append(' ').append(v));
        return String.format(Locale.ROOT, "rounds %d, faults (%s), saves committed %d, refused %d, failed %d, "
                + "restores verified %d, bytes lost %d, wrong bytes %d, nodes halted %d, longest stall %.1f s",
            outcome.get("rounds"), kinds, outcome.get("savesCommitted"), outcome.get("savesRefused"),
            outcome.get("savesFailed"), outcome.get("restoresVerified"), outcome.get("bytesLost"),
            outcome.get("wrongBytes"), outcome.get("nodesHalted"), outcome.get("longestStallSeconds"));
    }

    boolean passed() {
        return Boolean.TRUE.equals(outcome.get("passed"));
    }

    Map<String, Object> outcome() {
        return outcome;
    }

    List<Map<String, Object>> rounds() {
        return rounds;
    }

    ChaosTimeline timeline() {
        return timeline;
    }
}
