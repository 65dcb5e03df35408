package dev.spillway.demo;

import dev.spillway.Bytes;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointStore;
import dev.spillway.PlacementReport;
import dev.spillway.Spillway;
import dev.spillway.client.SpillwayClient;
import dev.spillway.SpillwayConfiguration;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.ignite.Ignite;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * The main job demo: three Ignite server nodes in this JVM save a state too large for the first node's checkpoint
 * budget (the rest spills to the peers), lose a node that holds spilled chunks, and restore the state from a
 * survivor. Spillway's save and restore rates are printed beside raw Ignite baselines measured in the same run on
 * the same payload, as medians over several timing rounds, and written as JSON next to the work directory
 * ({@code target/demo-results.json}).
 *
 * <p>Exit code 0 when every check passed, 1 when one failed or the demo broke, 2 for bad arguments.
 */
public final class Demo {
    static final String APP = "demo-app";
    static final int NODES = 3;
    static final int CHUNK = 1 << 20;
    /** The raw baselines' region, on every node: the largest baseline puts one copy of the state on the origin. */
    static final String RAW_REGION = "demo-baseline-region";
    static final long RAW_REGION_SIZE = 512L << 20;
    private static final long SEED = 0x5911_1a7L;
    private static final long MB = 1L << 20;
    private static final PrintStream out = System.out;

    private final SpillwayConfiguration plugin = new SpillwayConfiguration()
        .setRegionMaxSize(256 * MB).setHighWaterMark(0.8).setChunkSize(CHUNK).setBackups(1).setRetention(2);
    private final Path workDir;
    private final long forcedState;
    private final int rounds;

    private Demo(DemoOptions options) {
        this.workDir = options.workDir();
        this.forcedState = options.stateBytes();
        this.rounds = options.rounds();
    }

    public static void main(String[] args) {
        Thread onSignal = new Thread(Demo::interrupted, "demo-interrupted");
        Runtime.getRuntime().addShutdownHook(onSignal);
        int code;
        try {
            DemoOptions options = DemoOptions.parse(args);
            if (options.help())
                out.println(DemoOptions.USAGE);
            code = options.help() ? 0 : new Demo(options).run();
        }
        catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n" + DemoOptions.USAGE);
            code = 2;
        }
        catch (Throwable t) {
            System.err.println("Demo failed: " + t);
            t.printStackTrace();
            code = 1;
        }
        Runtime.getRuntime().removeShutdownHook(onSignal);
        System.exit(code);
    }

    /**
     * On SIGINT or SIGTERM: ends the JVM at once. The nodes live in this JVM, so nothing is left behind, and
     * stopping them under a running save would only print the cancelled operations' stack traces.
     */
    private static void interrupted() {
        System.err.println(System.lineSeparator() + "Interrupted: exiting without stopping the nodes one by one");
        Runtime.getRuntime().halt(130);
    }

    private int run() throws IOException {
        // Ignite's quiet mode prints its console summary straight to stdout whatever the slf4j level; off, that
        // summary goes to the logger at INFO, which simplelogger.properties keeps off the console.
        System.setProperty("IGNITE_QUIET", "false");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        System.setProperty("IGNITE_NO_ASCII", "true");
        // The demo stops its nodes itself, or halts on a signal (see interrupted()).
        System.setProperty("IGNITE_NO_SHUTDOWN_HOOK", "true");
        Files.createDirectories(workDir);
        out.printf(Locale.ROOT, "Spillway demo: %d server nodes in this JVM; checkpoint region %s per node, budget %s "
                + "(high-water mark %.2f), %s chunks, %d backup, retention %d%n", NODES,
            Bytes.format(plugin.getRegionMaxSize()), Bytes.format(plugin.budget()), plugin.getHighWaterMark(),
            Bytes.format(plugin.getChunkSize()), plugin.getBackups(), plugin.getRetention());
        DemoCluster cluster = new DemoCluster(workDir, plugin, Map.of(RAW_REGION, RAW_REGION_SIZE));
        try (cluster) {
            return run(cluster);
        }
        finally {
            cluster.failures().forEach(f -> System.err.println("Node failure: " + f));
        }
    }

    private int run(DemoCluster cluster) throws IOException {
        Ignite origin = start(cluster);
        CheckpointStore store = Spillway.store(origin);
        Payload payload = generate(forcedState > 0 ? StateSize.forced(forcedState)
            : StateSize.choose(store.capacity(), origin.name(), plugin, RAW_REGION_SIZE));
        WarmUp.Result firstFill = warmUp(origin, store, payload);
        TimingRounds.Result timings;
        try (SpillwayClient thin = SpillwayClient.connect(new ClientConfiguration().setAddresses("127.0.0.1:"
            + origin.cluster().localNode().attribute("clientListenerPort")), origin.name())) {
            timings = timingRounds(origin, store, thin, payload);
        }
        SpillwayTimings.Saved saved = finalSave(origin, store, payload);
        PlacementReport placement = store.placement(APP, saved.info().checkpointId());
        out.println();
        NodeTable.print(out, store.capacity(), placement, List.of());

        String victim = NodeLoss.victim(placement);
        long t = step("Stopping " + victim + ", which holds " + NodeLoss.chunksOn(placement, victim)
            + " spilled chunks");
        cluster.stop(victim);
        done(t);
        Restores restores = restoreAfterLoss(store, payload, origin.name(), saved.info(), victim);

        DemoResults results = new DemoResults(payload.size(), CHUNK, NODES, plugin.getBackups(), origin.name(),
            victim, placement.localChunks(), placement.spilledChunks(), placement.spilledBytes(), timings,
            saved.rate(), restores.duringRebalance(), restores.stable(), firstFill,
            checks(timings, placement, victim, restores, cluster));
        report(results);
        return results.passed() ? 0 : 1;
    }

    private static Ignite start(DemoCluster cluster) throws IOException {
        long t = step("Starting nodes " + DemoCluster.name(0) + ".." + DemoCluster.name(NODES - 1) + " on loopback");
        cluster.start(NODES);
        done(t);
        return cluster.node(0);
    }

    private static Payload generate(StateSize size) {
        long t = step("Generating a random state of " + Bytes.format(size.bytes()) + " (" + size.reason() + ")");
        Payload payload = Payload.random(size.bytes(), CHUNK, SEED);
        done(t);
        return payload;
    }

    private static WarmUp.Result warmUp(Ignite origin, CheckpointStore store, Payload payload) throws IOException {
        long t = step("Warm-up, not timed: the state once through a plain cache and once through Spillway, read "
            + "back, deleted (compiles the paths, touches the regions' memory)");
        WarmUp.Result firstFill = WarmUp.run(origin, store, RAW_REGION, payload);
        done(t);
        out.printf(Locale.ROOT, "  first fill (cold JVM, memory never touched): Spillway save %.0f MB/s, raw write "
            + "(1 backup) %.0f MB/s, raw get %.0f MB/s%n", firstFill.spillwaySave().mbPerSec(),
            firstFill.rawWrite().mbPerSec(), firstFill.rawRead().mbPerSec());
        return firstFill;
    }

    /** The timed comparison, {@link #rounds} times over: the table's figures are the medians of these rounds. */
    private TimingRounds.Result timingRounds(Ignite origin, CheckpointStore store, CheckpointStore thin,
                                             Payload payload) throws IOException {
        long t = step("Timing " + rounds + (rounds == 1 ? " round" : " rounds") + " on " + origin.name() + ", each: "
            + "raw Ignite streamer write + get with 0 backups (raw0), with 1 backup (raw1), Spillway save as "
            + TimingRounds.APP + " + restore, then delete; the same over a thin client with " + origin.name()
            + " as its home server");
        List<TimingRounds.Round> measured = new ArrayList<>();
        for (int i = 1; i <= rounds; i++) {
            out.println("  round " + i + "/" + rounds);
            measured.add(TimingRounds.round(origin, store, thin, RAW_REGION, payload, out));
        }
        done(t);
        return new TimingRounds.Result(measured);
    }

    private static SpillwayTimings.Saved finalSave(Ignite origin, CheckpointStore store, Payload payload) {
        step("Spillway: saving the state as " + APP + " from " + origin.name());
        SpillwayTimings.Saved saved = SpillwayTimings.save(store, APP, payload, out);
        out.println("  " + saved.rate() + ", a single run (the table's save figure is the rounds' median)");
        return saved;
    }

    private static Map<String, Boolean> checks(TimingRounds.Result timings, PlacementReport placement, String victim,
                                               Restores restores, DemoCluster cluster) {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("raw baselines read back the payload in every round", timings.rawMatched());
        checks.put("Spillway restores in the timing rounds (node and thin client) returned the saved bytes", timings.restoresMatched());
        checks.put("part of the state spilled to peers", placement.spilledChunks() > 0);
        checks.put("restores after stopping " + victim + " returned the saved bytes",
            restores.duringRebalance().matches() && restores.stable().matches());
        checks.put("no node failed", cluster.failures().isEmpty());
        return checks;
    }

    /** The restores after the loss of a node: one during the rebalance, one once it is over. */
    private record Restores(Readback duringRebalance, Readback stable) {
    }

    /**
     * Restores right after the stop, while Ignite rebalances; waits for the rebalance to end, shows where the
     * chunks are, and restores again on the now stable cluster.
     */
    private static Restores restoreAfterLoss(CheckpointStore store, Payload payload, String node, CheckpointInfo info,
                                             String stopped) throws IOException {
        step("Spillway: restoring the latest checkpoint of " + APP + " on " + node + " while Ignite rebalances");
        Readback duringRebalance = SpillwayTimings.restore(store, APP, payload, out, "restore");
        out.println("  restored bytes vs saved: " + duringRebalance.check().describe());
        if (!NodeLoss.awaitStableUsage(store))
            out.println("  (region usage still changing after 20 s: the rebalance is not over)");
        out.println();
        NodeTable.print(out, store.capacity(), store.placement(APP, info.checkpointId()), List.of(stopped));
        step("Spillway: restoring again on " + node + ", the rebalance over");
        Readback stable = SpillwayTimings.restore(store, APP, payload, out, "restore");
        out.println("  restored bytes vs saved: " + stable.check().describe());
        return new Restores(duringRebalance, stable);
    }

    private void report(DemoResults results) throws IOException {
        out.println();
        results.printRates(out);
        out.println();
        results.printChecks(out);
        Path json = workDir.getParent().resolve("demo-results.json");
        Files.writeString(json, results.json());
        out.println();
        out.println((results.passed() ? "Demo passed" : "Demo FAILED") + "; figures written to " + json);
    }

    private static long step(String what) {
        out.println();
        out.println("> " + what);
        return System.nanoTime();
    }

    private static void done(long startedAt) {
        out.printf(Locale.ROOT, "  done in %.1f s%n", (System.nanoTime() - startedAt) / 1e9);
    }
}
