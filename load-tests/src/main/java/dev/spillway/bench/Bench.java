package dev.spillway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
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
@Command(name = "./spillway bench", mixinStandardHelpOptions = true, subcommands = {Bench.Throughput.class},
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
        return new CommandLine(new Bench()).execute(args);
    }

    /** Options every scenario takes. */
    static final class Common {
        @Option(names = "--nodes", defaultValue = "3", description = "server node processes (default: ${DEFAULT-VALUE})")
        int nodes;

        @Option(names = "--node-heap", defaultValue = "2g", description = "each node's heap (default: ${DEFAULT-VALUE})")
        String nodeHeap;

        @Option(names = "--node-jvm-arg", description = "an extra JVM option for every node process, e.g. "
            + "-XX:StartFlightRecording=filename=node.jfr,settings=profile to profile where the time goes (repeatable)")
        List<String> nodeJvmArgs = new java.util.ArrayList<>();

        @Option(names = "--out", defaultValue = "load-tests/target/bench",
            description = "where each run's folder goes (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--name", description = "the run folder's name (default: scenario and time)")
        String name;

        Path runDir(String scenario) throws IOException {
            String run = name != null ? name : scenario + "-" + LocalDateTime.now().format(
                DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
            Path dir = out.toAbsolutePath().resolve(run);
            Files.createDirectories(dir);
            return dir;
        }
    }

    @Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "Saves and restores of one state (embedded, thick client, thin client, spilling) beside raw "
            + "Ignite and the machine, with 0 and 1 backups.")
    static final class Throughput implements Callable<Integer> {
        @CommandLine.Mixin
        Common common = new Common();

        @Option(names = "--state-mb", defaultValue = "256", description = "state size in MB (default: ${DEFAULT-VALUE})")
        int stateMb;

        @Option(names = "--chunk-kb", defaultValue = "1024", description = "chunk size in KB (default: ${DEFAULT-VALUE})")
        int chunkKb;

        @Option(names = "--backups", defaultValue = "0,1", split = ",",
            description = "backup counts to run, one cluster each (default: ${DEFAULT-VALUE})")
        List<Integer> backups;

        @Option(names = "--reps", defaultValue = "5", description = "repetitions; figures are medians (default: ${DEFAULT-VALUE})")
        int reps;

        @Option(names = "--region-mb", defaultValue = "2048",
            description = "each node's checkpoint region in MB (default: ${DEFAULT-VALUE})")
        int regionMb;

        @Override
        public Integer call() throws Exception {
            Path runDir = common.runDir("throughput");
            ThroughputScenario.Settings s = new ThroughputScenario.Settings(common.nodes, (long)stateMb << 20,
                chunkKb << 10, backups, reps, (long)regionMb << 20, common.nodeHeap, common.nodeJvmArgs);
            out.printf(Locale.ROOT, "bench throughput: %d node processes, a %d MB state in %d KB chunks, backups %s, "
                + "%d repetitions; run folder %s%n", common.nodes, stateMb, chunkKb, backups, reps, runDir);
            long started = System.nanoTime();
            ThroughputScenario scenario = new ThroughputScenario(s, runDir, out);
            scenario.run();
            double seconds = (System.nanoTime() - started) / 1e9;

            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("nodes", common.nodes);
            settings.put("stateBytes", s.stateBytes());
            settings.put("chunkBytes", s.chunkBytes());
            settings.put("backups", backups);
            settings.put("repetitions", reps);
            settings.put("regionBytes", s.regionBytes());
            settings.put("nodeHeap", common.nodeHeap);
            List<Map<String, Object>> targets = Targets.evaluate(Targets.THROUGHPUT, scenario.figures());
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("spilledFractions", scenario.spilledFractions());
            extra.put("usage", scenario.usage());
            Results.write(runDir, "throughput", seconds, settings, scenario.figures(), targets, extra);
            Results.print(out, scenario.figures(), targets);
            out.printf(Locale.ROOT, "%nDone in %.0f s; results in %s, charts in %s%n", seconds,
                runDir.resolve("results.json"), runDir.resolve("report.html"));
            return 0;
        }
    }
}
