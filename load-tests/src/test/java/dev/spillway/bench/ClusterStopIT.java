package dev.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A whole cluster stopped node by node at the admission limit (issue 18, item 1): SIGTERM or SIGINT (Ctrl-C) to
 * each of four node processes with 64 MB regions, filled until Spillway refuses, in several orders and at several
 * intervals (all at once, 0.3 s apart as a shell loop or a service manager does, and 3 s apart, when the first
 * departure's rebalance has run). Every node must print {@code STOPPED} and exit with 0; none may halt (exit 130
 * after Ignite's critical failure handler: each departure's rebalance moving partitions onto survivors that cannot
 * hold them) or log a critical failure. A node stops itself with {@code Ignition.stop} on either signal, so this
 * covers a stop through that call too.
 */
class ClusterStopIT {
    private static final Path DIR = Path.of("target", "cluster-stop").toAbsolutePath();
    private static final int MB = 1 << 20;
    private static final int NODES = 4;
    /** Times the four orders run: 1 in the build, more with {@code -Dspillway.cycles=N} (via spillway.test.jvm). */
    private static final int CYCLES = Integer.getInteger("spillway.cycles", 1);

    /** The nodes in the order they get {@code signal}, {@code interval} apart. */
    private record Stop(int[] order, Duration interval, String signal) {
    }

    @Test
    @DisplayName("four nodes at the admission limit stopped one by one, in several orders and intervals: every node "
        + "exits 0 after STOPPED, none halts")
    void wholeClusterStop() throws Exception {
        List<Stop> orders = List.of(new Stop(new int[] {0, 1, 2, 3}, Duration.ofMillis(300), "SIGTERM"),
            new Stop(new int[] {3, 1, 2, 0}, Duration.ZERO, "SIGINT"),
            new Stop(new int[] {2, 0, 3, 1}, Duration.ofSeconds(3), "SIGTERM"),
            new Stop(new int[] {1, 3, 0, 2}, Duration.ofSeconds(1), "SIGINT"));
        List<Stop> stops = new ArrayList<>();
        for (int c = 0; c < CYCLES; c++)
            stops.addAll(orders);
        List<String> report = new ArrayList<>();
        for (Stop stop : stops) {
            List<String> options = List.of("--region-max-size", "64MB", "--chunk-size", "256KB", "--backups", "1",
                "--lease-timeout", "3s");
            List<Integer> exits = new ArrayList<>();
            List<String> halts;
            String filled;
            try (BenchCluster cluster = BenchCluster.start(DIR, NODES, NodeProcesses.of("512m"), options)) {
                CheckpointStore store = Spillway.store(cluster.thick());
                int saved = Ballast.fill(store, 4 * MB, 7);
                filled = saved + " checkpoints, used " + store.capacity().stream()
                    .map(c -> String.format("%.1f%%", 100.0 * c.used() / c.regionMaxSize())).toList();
                // Node i of the order gets its signal i intervals after the first, as a loop with a pause does.
                ScheduledExecutorService signals = Executors.newSingleThreadScheduledExecutor();
                try {
                    for (int i = 0; i < stop.order().length; i++) {
                        int node = stop.order()[i];
                        Runnable send = "SIGINT".equals(stop.signal()) ? () -> cluster.interrupt(node)
                            : () -> cluster.terminate(node);
                        signals.schedule(send, stop.interval().toMillis() * i, TimeUnit.MILLISECONDS);
                    }
                }
                finally {
                    signals.shutdown();
                }
                for (int node : stop.order())
                    exits.add(cluster.awaitExit(node, Duration.ofSeconds(60)));
                halts = cluster.halts();
            }
            report.add(stop.signal() + " in order " + Arrays.toString(stop.order()) + " every "
                + stop.interval().toMillis() + " ms after " + filled + ": exits " + exits
                + (halts.isEmpty() ? "" : ", halts " + halts));
            System.out.println("cluster stop: " + report.get(report.size() - 1));
        }
        assertThat(report).as("every node exits 0 after STOPPED, none halts").allSatisfy(line -> assertThat(line)
            .doesNotContain("halts").contains("exits [0, 0, 0, 0]"));
    }
}
