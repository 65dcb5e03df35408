package dev.spillway.bench;

import dev.spillway.console.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./spillway bench SCENARIO}: benchmarks against baselines measured in the same run, on a cluster of node
 * processes the bench starts on loopback. Figures go to the console and to
 * {@code load-tests/target/bench/<run>/results.json}.
 */
@Command(name = "./spillway bench", mixinStandardHelpOptions = true, subcommands = {Bench.Throughput.class, Bench.Latency.class, Bench.Fill.class, Bench.Kill.class,
    Bench.Chaos.class, Bench.Incremental.class},
    description = "Benchmarks Spillway against raw Ignite and the machine, measured side by side in one run.")
public final class Bench {
    private static final PrintStream out = System.out;

    private Bench() {
    }

    public static void main(String[] args) {
        System.setProperty("IGNITE_QUIET", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        System.exit(run(args));
    }

    /** Runs the command line; returns the exit code (0 when the run completed). */
    static int run(String... args) {
        return new CommandLine(new Bench()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }

    /** Deletes every committed checkpoint of {@code application} (between the steps of a run). */
    static void deleteCheckpoints(dev.spillway.CheckpointStore store, String application) {
        for (dev.spillway.CheckpointInfo info : store.list(application))
            store.delete(application, info.checkpointId());
    }

    /** Options every scenario takes. */
    static final class Common {
        @Option(names = "--nodes", defaultValue = "3",
            description = "server node processes (default: ${DEFAULT-VALUE}; chaos: 4)")
        int nodes;

        @Option(names = "--node-heap", defaultValue = "2g", description = "each node's heap (default: ${DEFAULT-VALUE})")
        String nodeHeap;

        @Option(names = "--node-jvm-arg", description = "an extra JVM option for every node process, e.g. "
            + "-XX:StartFlightRecording=filename=node.jfr,settings=profile to profile where the time goes (repeatable)")
        List<String> nodeJvmArgs = new java.util.ArrayList<>();

        @Option(names = "--metrics-port", defaultValue = "0", description = "serve each node process's meters to "
            + "Prometheus: node i at http://HOST:(PORT+i)/metrics, HOST its address (127.0.0.1; chaos in network "
            + "namespaces: its own) (default: ${DEFAULT-VALUE}, none)")
        int metricsPort;

        /** How the node processes start: heap, extra JVM options, metrics ports; refuses a bad --metrics-port. */
        NodeProcesses processes() {
            try {
                return new NodeProcesses(nodeHeap, nodeJvmArgs, metricsPort);
            }
            catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(new Bench()), e.getMessage());
            }
        }

        @Option(names = "--addresses", split = ",", description = "an existing cluster's thin-client addresses "
            + "(host:port,...): no node processes are started, only the thin-client paths and a thin-client raw "
            + "baseline run (throughput and latency)")
        List<String> addresses = new java.util.ArrayList<>();

        /** Refuses a scenario that needs node processes of its own when --addresses names an existing cluster. */
        void needOwnCluster(String scenario) {
            if (!addresses.isEmpty())
                throw new CommandLine.ParameterException(new CommandLine(new Bench()), "bench " + scenario
                    + " starts and kills node processes of its own: it cannot run against --addresses");
        }

        @Option(names = "--out", defaultValue = "load-tests/target/bench",
            description = "where each run's folder goes (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--name", description = "the run folder's name (default: scenario and time)")
        String name;

        /**
         * Writes results.json and report.html, prints the figures and targets, and the closing line; returns the
         * exit code.
         */
        int finish(Path runDir, String scenario, long startedNanos, Map<String, Object> settings,
                   Map<String, Figure> figures, List<Map<String, Object>> targets, Map<String, Object> extra,
                   Runnable printScenario, boolean passed) throws IOException {
            double elapsed = (System.nanoTime() - startedNanos) / 1e9;
            settings.put("nodes", nodes);
            settings.put("nodeHeap", nodeHeap);
            if (metricsPort > 0)
                settings.put("metricsPort", metricsPort);
            Results.write(runDir, scenario, elapsed, settings, figures, targets, extra);
            printScenario.run();
            Results.print(Bench.out, figures, targets);
            Bench.out.printf(Locale.ROOT, "%n%s in %.0f s; results in %s, charts in %s%n", passed ? "Done" : "FAILED",
                elapsed, runDir.resolve("results.json"), runDir.resolve("report.html"));
            return passed ? 0 : 1;
        }

        Path runDir(String scenario) throws IOException {
            String run = name != null ? name : scenario + "-" + LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
            Path dir = out.toAbsolutePath().resolve(run);
            Files.createDirectories(dir);
            return dir;
        }
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Saves and restores of states by applications at once (embedded, thick client, thin client, "
            + "spilling) beside raw Ignite and the machine, with 0 and 1 backups.")
    static final class Throughput implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--apps", defaultValue = "1",
            description = "applications saving and restoring at once, each its own state (default: ${DEFAULT-VALUE})")
        int apps;

        @Option(names = "--state-mb", defaultValue = "256",
            description = "each application's state size in MB (default: ${DEFAULT-VALUE})")
        int stateMb;

        @Option(names = "--chunk-kb", defaultValue = "1024", description = "chunk size in KB (default: ${DEFAULT-VALUE})")
        int chunkKb;

        @Option(names = "--backups", defaultValue = "0,1", split = ",",
            description = "backup counts to run, one cluster each (default: ${DEFAULT-VALUE})")
        List<Integer> backups;

        @Option(names = "--reps", defaultValue = "5", description = "repetitions; figures are medians (default: ${DEFAULT-VALUE})")
        int reps;

        @Option(names = "--seconds", defaultValue = "0", description = "instead of --reps: repetitions for this "
            + "many seconds per backup count (at least one); 0 counts --reps (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--region-mb", defaultValue = "2048",
            description = "each node's checkpoint region in MB (default: ${DEFAULT-VALUE})")
        int regionMb;

        @Option(names = "--security", defaultValue = "off", split = ",", description = "off, on, or off,on: "
            + "clusters without security, and with a security file and authenticated clients (figures ending in "
            + ".secure), each with every backup count (default: ${DEFAULT-VALUE})")
        List<String> security;

        @Override
        public Integer call() throws Exception {
            if (apps < 1 || stateMb < 1 || chunkKb < 1 || reps < 1)
                throw new CommandLine.ParameterException(spec.commandLine(), "--apps, --state-mb, --chunk-kb and "
                    + "--reps must each be at least 1");
            if (seconds < 0)
                throw new CommandLine.ParameterException(spec.commandLine(), "--seconds must be 0 or more");
            if ((long)apps * stateMb * 2 > regionMb)
                throw new CommandLine.ParameterException(spec.commandLine(), "--apps " + apps + " x --state-mb "
                    + stateMb + " must fit in half of --region-mb " + regionMb + ": the home-node figures need every "
                    + "state local on node 0");
            List<Boolean> secure = new ArrayList<>();
            for (String mode : security) {
                if (!mode.equals("off") && !mode.equals("on"))
                    throw new CommandLine.ParameterException(spec.commandLine(), "--security takes off, on or off,on; "
                        + "not " + mode);
                secure.add(mode.equals("on"));
            }
            if (secure.contains(true) && !common.addresses.isEmpty())
                throw new CommandLine.ParameterException(spec.commandLine(), "--security on starts its own cluster: "
                    + "not with --addresses");
            Path runDir = common.runDir("throughput");
            ThroughputScenario.Settings s = new ThroughputScenario.Settings(common.nodes, apps, (long)stateMb << 20,
                chunkKb << 10, backups, reps, seconds, (long)regionMb << 20, common.processes(),
                common.addresses, secure);
            out.printf(Locale.ROOT, "bench throughput: %d node processes, %d application(s) at once with a %d MB state "
                + "each in %d KB chunks, backups %s, %s; run folder %s%n", common.nodes, apps, stateMb, chunkKb,
                backups, seconds > 0 ? "repetitions for " + seconds + " s" : reps + " repetitions", runDir);
            long started = System.nanoTime();
            ThroughputScenario scenario = new ThroughputScenario(s, runDir, out);
            scenario.run();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("applications", apps);
            settings.put("stateBytes", s.stateBytes());
            settings.put("chunkBytes", s.chunkBytes());
            settings.put("backups", backups);
            settings.put("security", security);
            if (seconds > 0)
                settings.put("secondsPerBackupCount", seconds);
            else
                settings.put("repetitions", reps);
            settings.put("regionBytes", s.regionBytes());
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("spilledFractions", scenario.spilledFractions());
            extra.put("usage", scenario.usage());
            extra.put("rates", scenario.rates());
            return common.finish(runDir, "throughput", started, settings, scenario.figures(),
                Targets.evaluate(Targets.THROUGHPUT, scenario.figures()), extra, () -> { }, true);
        }
    }

    @Command(name = "incremental", mixinStandardHelpOptions = true,
        description = "A state saved again and again with 0.1% to 100% of its chunks changed between saves, random and "
            + "compressible, embedded and over a thin client, with and without the application's hint; beside the "
            + "full save as it was (deduplication off, no compression) and raw Ignite, in the same run.")
    static final class Incremental implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--state-mb", defaultValue = "256", description = "the state's size in MB (default: "
            + "${DEFAULT-VALUE})")
        int stateMb;

        @Option(names = "--chunk-kb", defaultValue = "1024",
            description = "chunk size in KB (default: ${DEFAULT-VALUE})")
        int chunkKb;

        @Option(names = "--changed", defaultValue = "0.1,1,5,25,100", split = ",",
            description = "percentages of the chunks changed between saves (default: ${DEFAULT-VALUE})")
        List<Double> changed;

        @Option(names = "--content", defaultValue = "random,compressible", split = ",",
            description = "random, compressible, or both (default: ${DEFAULT-VALUE})")
        List<IncrementalState.Content> contents;

        @Option(names = "--paths", defaultValue = "embedded,embedded-hint,thin,thin-hint", split = ",",
            description = "writers: embedded on node 0, a thin client; -hint: marking unchanged bytes (default: "
                + "${DEFAULT-VALUE})")
        List<String> paths;

        @Option(names = "--backups", defaultValue = "1", description = "backup copies (default: ${DEFAULT-VALUE})")
        int backups;

        @Option(names = "--reps", defaultValue = "3", description = "saves per share; figures are medians (default: "
            + "${DEFAULT-VALUE})")
        int reps;

        @Option(names = "--region-mb", defaultValue = "2048",
            description = "each node's checkpoint region in MB (default: ${DEFAULT-VALUE})")
        int regionMb;

        @Override
        public Integer call() throws Exception {
            common.needOwnCluster("incremental");
            if (stateMb < 1 || chunkKb < 1 || reps < 2 || backups < 0)
                throw new CommandLine.ParameterException(spec.commandLine(), "--state-mb and --chunk-kb must be at "
                    + "least 1, --reps at least 2 (two checkpoints are retained), --backups 0 or more");
            for (double p : changed) {
                if (!(p > 0 && p <= 100))
                    throw new CommandLine.ParameterException(spec.commandLine(), "--changed takes percentages above "
                        + "0 and at most 100; not " + p);
            }
            for (String p : paths) {
                if (!List.of("embedded", "embedded-hint", "thin", "thin-hint").contains(p))
                    throw new CommandLine.ParameterException(spec.commandLine(), "--paths takes embedded, "
                        + "embedded-hint, thin, thin-hint; not " + p);
            }
            Path runDir = common.runDir("incremental");
            IncrementalScenario.Settings s = new IncrementalScenario.Settings(common.nodes, (long)stateMb << 20,
                chunkKb << 10, changed, contents, paths, reps, backups, (long)regionMb << 20, common.processes());
            out.printf(Locale.ROOT, "bench incremental: %d node processes, a %d MB state in %d KB chunks, %s%% "
                + "changed, %s content, paths %s, backups %d, %d saves each; run folder %s%n", common.nodes, stateMb,
                chunkKb, changed, contents, paths, backups, reps, runDir);
            long started = System.nanoTime();
            IncrementalScenario scenario = new IncrementalScenario(s, runDir, out);
            scenario.run();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("stateBytes", s.stateBytes());
            settings.put("chunkBytes", s.chunkBytes());
            settings.put("changedPercents", changed);
            settings.put("contents", contents);
            settings.put("paths", paths);
            settings.put("backups", backups);
            settings.put("repetitions", reps);
            settings.put("regionBytes", s.regionBytes());
            List<Map<String, Object>> targets = new ArrayList<>(Targets.evaluate(Targets.INCREMENTAL,
                scenario.figures()));
            Double perState = scenario.physical().get("embedded.random.5");
            if (perState != null)
                targets.add(Targets.atMost("retention 2, 5% changed: region bytes per copy / one state "
                    + "(embedded, random)", perState, 1.1));
            scenario.rows().stream().filter(r -> r.get("path").equals("embedded")
                    && r.get("content").equals("compressible") && (Double)r.get("changedPercent") == 100)
                .findFirst().ifPresent(r -> targets.add(Targets.atMost("compressible content, LZ4: region bytes / "
                    + "logical bytes of the retained checkpoints (embedded, 100% changed)",
                    (Double)r.get("retainedPhysicalMbPerCopy") / (Double)r.get("retainedLogicalMbPerCopy"), 0.4)));
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("incremental", scenario.rows());
            return common.finish(runDir, "incremental", started, settings, scenario.figures(), targets, extra,
                () -> printRows(scenario.rows()), true);
        }

        private static void printRows(List<Map<String, Object>> rows) {
            out.println();
            out.println("Per share changed: effective save MB/s, MB sent per save, retained checkpoints' region MB per "
                + "copy (logical / physical, physical over one state):");
            for (Map<String, Object> r : rows) {
                out.printf(Locale.ROOT, "  %-14s %-13s %6s%%  %7.0f MB/s  sent %8.1f MB  retained %6.0f / %6.0f MB "
                    + "(%.2fx)  begin/write/commit %.0f/%.0f/%.0f ms%n", r.get("path"), r.get("content"),
                    r.get("changedPercent"), r.get("saveMbPerSecond"), r.get("sentMb"),
                    r.get("retainedLogicalMbPerCopy"), r.get("retainedPhysicalMbPerCopy"), r.get("physicalPerState"),
                    r.get("beginMs"), r.get("writeMs"), r.get("commitMs"));
            }
        }
    }

    @Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Small checkpoints at a fixed rate (embedded on node 0, thin client): p50, p90, p99, p99.9 "
            + "and max latency from an HdrHistogram, coordinated omission corrected, with 0 and 1 backups.")
    static final class Latency implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--sizes-kb", defaultValue = "64,256,1024,4096", split = ",",
            description = "checkpoint sizes in KB (default: ${DEFAULT-VALUE})")
        List<Integer> sizesKb;

        @Option(names = "--rate", defaultValue = "20", description = "saves per second (default: ${DEFAULT-VALUE})")
        double rate;

        @Option(names = "--seconds", defaultValue = "10",
            description = "recorded seconds per size and path (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--warm-up-seconds", defaultValue = "2",
            description = "unrecorded seconds before each (default: ${DEFAULT-VALUE})")
        double warmUp;

        @Option(names = "--cluster-warm-up-seconds", defaultValue = "5",
            description = "unrecorded saves on each fresh cluster before the first size (default: ${DEFAULT-VALUE})")
        double clusterWarmUp;

        @Option(names = "--backups", defaultValue = "0,1", split = ",",
            description = "backup counts to run, one cluster each (default: ${DEFAULT-VALUE})")
        List<Integer> backups;

        @Override
        public Integer call() throws Exception {
            Path runDir = common.runDir("latency");
            List<Integer> sizes = sizesKb.stream().map(k -> k << 10).toList();
            LatencyScenario.Settings s = new LatencyScenario.Settings(common.nodes, sizes, backups, rate,
                (long)(seconds * 1e9), (long)(warmUp * 1e9), (long)(clusterWarmUp * 1e9), common.processes(),
                common.addresses);
            out.printf(Locale.ROOT, "bench latency: %d node processes, sizes %s KB at %.0f/s for %.0f s each, backups "
                + "%s; run folder %s%n", common.nodes, sizesKb, rate, seconds, backups, runDir);
            long started = System.nanoTime();
            LatencyScenario scenario = new LatencyScenario(s, runDir, out);
            scenario.run();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("sizesBytes", sizes);
            settings.put("perSecond", rate);
            settings.put("recordedSecondsPerSize", seconds);
            settings.put("backups", backups);
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("latency", scenario.rows());
            extra.put("coldStart", scenario.coldStart());
            return common.finish(runDir, "latency", started, settings, Map.of(),
                LatencyTargets.evaluate(scenario.rows()), extra, scenario::print, true);
        }
    }

    @Command(name = "fill", mixinStandardHelpOptions = true,
        description = "Saves from node 0, each kept, until Spillway refuses: rates while local and while spilling, "
            + "then every node alive, the capacity error raised, nothing committed lost.")
    static final class Fill implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--state-mb", defaultValue = "16", description = "size of each save in MB (default: ${DEFAULT-VALUE})")
        int stateMb;

        @Option(names = "--backups", defaultValue = "1", description = "backups (default: ${DEFAULT-VALUE})")
        int backups;

        @Option(names = "--region-mb", defaultValue = "512",
            description = "each node's checkpoint region in MB (default: ${DEFAULT-VALUE})")
        int regionMb;

        @Override
        public Integer call() throws Exception {
            common.needOwnCluster("fill");
            Path runDir = common.runDir("fill");
            FillScenario.Settings s = new FillScenario.Settings(common.nodes, stateMb << 20, backups,
                (long)regionMb << 20, common.processes());
            out.printf(Locale.ROOT, "bench fill: %d node processes with %d MB regions, %d backup(s), %d MB saves; run "
                + "folder %s%n", common.nodes, regionMb, backups, stateMb, runDir);
            long started = System.nanoTime();
            FillScenario scenario = new FillScenario(s, runDir, out);
            scenario.run();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("stateBytes", s.stateBytes());
            settings.put("backups", backups);
            settings.put("regionBytes", s.regionBytes());
            List<Map<String, Object>> targets = Targets.evaluate(List.of(new Targets.Target("fill.save.spilling",
                "fill.save.local", 0.5, "save while spilling / save while local")), scenario.figures());
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("outcome", scenario.outcome());
            extra.put("saves", scenario.saves());
            extra.put("usage", scenario.usage());
            return common.finish(runDir, "fill", started, settings, scenario.figures(), targets, extra,
                scenario::print, scenario.passed());
        }
    }

    @Command(name = "kill", mixinStandardHelpOptions = true,
        description = "Applications save in a steady loop while one node process is killed with SIGKILL: committed "
            + "MB per second, failed saves, then a byte-equal restore of every application's latest checkpoint.")
    static final class Kill implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--writers", defaultValue = "4", description = "applications saving (default: ${DEFAULT-VALUE})")
        int writers;

        @Option(names = "--state-mb", defaultValue = "16", description = "size of each save in MB (default: ${DEFAULT-VALUE})")
        int stateMb;

        @Option(names = "--seconds", defaultValue = "30", description = "load duration (default: ${DEFAULT-VALUE})")
        int seconds;

        @Option(names = "--region-mb", defaultValue = "512",
            description = "each node's checkpoint region in MB (default: ${DEFAULT-VALUE})")
        int regionMb;

        @Override
        public Integer call() throws Exception {
            common.needOwnCluster("kill");
            Path runDir = common.runDir("kill");
            KillScenario.Settings s = new KillScenario.Settings(common.nodes, writers, stateMb << 20, 1,
                seconds * 1_000_000_000L, (long)regionMb << 20, common.processes());
            out.printf(Locale.ROOT, "bench kill: %d node processes (1 backup), %d applications saving %d MB states for "
                + "%d s, the last node killed a third of the way in; run folder %s%n", common.nodes, writers, stateMb,
                seconds, runDir);
            long started = System.nanoTime();
            KillScenario scenario = new KillScenario(s, runDir, out);
            scenario.run();
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("writers", writers);
            settings.put("stateBytes", s.stateBytes());
            settings.put("backups", 1);
            settings.put("seconds", seconds);
            settings.put("regionBytes", s.regionBytes());
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("outcome", scenario.outcome());
            extra.put("timeline", scenario.timeline());
            extra.put("usage", scenario.usage());
            return common.finish(runDir, "kill", started, settings, Map.of(), List.of(), extra, scenario::print,
                scenario.passed());
        }
    }

    @Command(name = "chaos", mixinStandardHelpOptions = true,
        description = "Rounds of load on every path (embedded, thick, thin) with a fault in each, drawn from a seeded "
            + "generator (SIGKILL, SIGSTOP/SIGCONT, a clean leave, a join, a restart, a writer process killed "
            + "mid-save, a node killed mid-restore, a network partition), the regions filled to the admission limit "
            + "before each; after each round, checks from the outside that nothing committed was lost, no failed save "
            + "is visible, no node halted and housekeeping settled. Exit status 1 on any loss, wrong byte, halt or "
            + "failed check.")
    static final class Chaos implements Callable<Integer> {
        /** Without --nodes: four, as the 50-round run asks (the other scenarios take three). */
        private static final int NODES = 4;

        @CommandLine.Mixin
        Common common = new Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--rounds", defaultValue = "10", description = "rounds, one fault each (default: ${DEFAULT-VALUE})")
        int rounds;

        @Option(names = "--seconds", defaultValue = "10",
            description = "seconds of load per round, the fault halfway (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--seed", description = "the seed faults, victims and states are drawn from (default: "
            + "the time; printed, to run the same draws again)")
        Long seed;

        @Option(names = "--apps", defaultValue = "6", description = "applications saving and restoring, spread over "
            + "the embedded, thick-client and thin-client paths (default: ${DEFAULT-VALUE})")
        int apps;

        @Option(names = "--region-mb", defaultValue = "128",
            description = "each node's checkpoint region in MB (default: ${DEFAULT-VALUE})")
        int regionMb;

        @Option(names = "--lease-seconds", defaultValue = "5",
            description = "the lease timeout: how soon a dead writer's claim and space come back (default: "
                + "${DEFAULT-VALUE})")
        int leaseSeconds;

        @Option(names = "--faults", split = ",", description = "the faults to draw from (default: all of "
            + "${COMPLETION-CANDIDATES}); a node that is down is always started again")
        java.util.Set<ChaosScenario.Fault> faults = java.util.EnumSet.allOf(ChaosScenario.Fault.class);

        @Option(names = "--network", defaultValue = "auto", description = "namespaces: each node in a network "
            + "namespace of its own on 198.18.78.0/24, which the run cuts (partitions are drawn; needs root or "
            + "CAP_NET_ADMIN); loopback: no partitions; auto: namespaces where they can be made (default: "
            + "${DEFAULT-VALUE})")
        String network;

        /** Whether the run's nodes go on a namespace network (and partitions are drawn), or why not. */
        private boolean namespaces() {
            switch (network) {
                case "loopback":
                    return false;
                case "namespaces":
                    NamespaceNetwork.unavailable().ifPresent(why -> {
                        throw new CommandLine.ParameterException(spec.commandLine(), "--network namespaces: " + why);
                    });
                    return true;
                case "auto":
                    java.util.Optional<String> why = NamespaceNetwork.unavailable();
                    why.ifPresent(w -> Bench.out.println("No network partitions in this run: " + w));
                    return why.isEmpty();
                default:
                    throw new CommandLine.ParameterException(spec.commandLine(), "--network " + network
                        + ": namespaces, loopback or auto");
            }
        }

        @Override
        public Integer call() throws Exception {
            common.needOwnCluster("chaos");
            int nodes = spec.commandLine().getParseResult().hasMatchedOption("--nodes") ? common.nodes : NODES;
            if (rounds < 1 || apps < 1 || seconds < 4 || leaseSeconds < 1)
                throw new CommandLine.ParameterException(spec.commandLine(), "--rounds, --apps and --lease-seconds "
                    + "must each be at least 1, --seconds at least 4");
            if (nodes < 3 || nodes > BenchCluster.MAX_SLOTS - 1)
                throw new CommandLine.ParameterException(spec.commandLine(), "--nodes must be 3 to "
                    + (BenchCluster.MAX_SLOTS - 1) + ": one node is down at a time, the majority must remain, and "
                    + "one more may join");
            if (regionMb < 64)
                throw new CommandLine.ParameterException(spec.commandLine(), "--region-mb must be at least 64");
            boolean partitions = namespaces();
            long s = seed != null ? seed : System.currentTimeMillis();
            Path runDir = common.runDir("chaos");
            // The thick client's log (nodes failing, links reset: the run's faults) goes to a file, not the console.
            if (System.getProperty("org.slf4j.simpleLogger.logFile") == null)
                System.setProperty("org.slf4j.simpleLogger.logFile", runDir.resolve("client.log").toString());
            ChaosScenario.Settings settings = new ChaosScenario.Settings(nodes, apps, rounds, seconds, s,
                (long)regionMb << 20, 256 << 10, java.time.Duration.ofSeconds(leaseSeconds), faults, partitions,
                common.processes());
            Bench.out.printf(Locale.ROOT, "bench chaos: %d node processes (1 backup, %d MB regions) on %s, %d "
                + "applications, %d rounds of %.0f s, seed %d; run folder %s%n", nodes, regionMb,
                partitions ? "network namespaces" : "loopback", apps, rounds, seconds, s, runDir);
            long started = System.nanoTime();
            ChaosScenario scenario = new ChaosScenario(settings, runDir, Bench.out);
            scenario.run();
            Map<String, Object> settingsJson = new LinkedHashMap<>();
            settingsJson.put("nodes", nodes);
            settingsJson.put("applications", apps);
            settingsJson.put("rounds", rounds);
            settingsJson.put("secondsPerRound", seconds);
            settingsJson.put("seed", s);
            settingsJson.put("regionBytes", (long)regionMb << 20);
            settingsJson.put("leaseSeconds", leaseSeconds);
            settingsJson.put("faults", faults.stream().map(Enum::name).toList());
            settingsJson.put("network", partitions ? "namespaces (198.18.78.0/24)" : "loopback");
            settingsJson.put("backups", 1);
            settingsJson.put("nodeHeap", common.nodeHeap);
            if (common.metricsPort > 0)
                settingsJson.put("metricsPort", common.metricsPort);
            Path results = ChaosReport.write(runDir, (System.nanoTime() - started) / 1e9, settingsJson, scenario);
            for (Object problem : (List<?>)scenario.outcome().get("problems"))
                Bench.out.println("  problem: " + problem);
            for (Object halt : (List<?>)scenario.outcome().get("halts"))
                Bench.out.println("  halted: " + halt);
            Bench.out.println();
            Bench.out.println(scenario.summaryLine());
            Bench.out.printf(Locale.ROOT, "%s; results in %s, report in %s%n", scenario.passed() ? "PASSED" : "FAILED",
                results, results.resolveSibling("report.html"));
            return scenario.passed() ? 0 : 1;
        }
    }
}
