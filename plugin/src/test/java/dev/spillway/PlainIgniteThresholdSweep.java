package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.test.PlainIgnite;
import dev.spillway.test.ProcessCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not a CI test (the name matches neither Surefire's nor Failsafe's patterns): the highest average
 * region fill at which plain Ignite survives the loss of its fullest node, with the settings of the N-1 tests
 * (64 MB regions, 128 partitions, one FULL_SYNC backup, 256 KB values, stock affinity, default failure handler).
 * For 3, 4 and 5 node processes it bisects the fill: fill with random-key puts to the target, SIGKILL the fullest
 * node, and see whether every survivor lives through the rebalance. Run it with
 * {@code mvn -B verify -pl plugin -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=PlainIgniteThresholdSweep} (about 10 minutes; {@code -Dsweep.nodes=4} for one size); the figures go to
 * stdout and {@code plugin/target/plain-ignite-threshold.txt}.
 */
class PlainIgniteThresholdSweep {
    private static final int REGION_MB = 64;
    private static final int VALUE_BYTES = 256 << 10;
    private static final Path RESULTS = Path.of("target", "plain-ignite-threshold.txt");

    @Test
    void sweep() throws IOException {
        String only = System.getProperty("sweep.nodes");
        int[] sizes = only == null ? new int[] {3, 4, 5} : new int[] {Integer.parseInt(only)};
        for (int n : sizes) {
            double lived = 0.55;
            double halted = 0.85;
            List<String> trials = new ArrayList<>();
            for (int step = 0; step < 4; step++) {
                double target = (lived + halted) / 2;
                Trial t = trial(n, target);
                trials.add(t.toString());
                System.out.println("plain Ignite, " + n + " nodes: " + t);
                if (t.survived)
                    lived = Math.max(lived, t.fill);
                else
                    halted = Math.min(halted, t.fill);
            }
            String line = String.format("plain Ignite, %d nodes, losing the fullest: lived at %.1f%%, a survivor "
                + "halted at %.1f%% average fill [%s]%n", n, lived * 100, halted * 100, String.join("; ", trials));
            System.out.print(line);
            Files.writeString(RESULTS, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private record Trial(double target, double fill, double fullestBefore, boolean survived, double fullestAfter,
                         String detail) {
        @Override
        public String toString() {
            return String.format("target %.1f%%: filled %.1f%% (fullest %.1f%%) -> %s", target * 100, fill * 100,
                fullestBefore * 100, survived ? String.format("all survivors lived, fullest at %.1f%%",
                    fullestAfter * 100) : "a survivor halted: " + detail);
        }
    }

    private static Trial trial(int n, double target) {
        long region = REGION_MB * (1L << 20);
        String name = String.format("PlainIgniteThresholdSweep-%d-%02.0f", n, target * 100);
        try (ProcessCluster cluster = ProcessCluster.builder(name, TestPorts.PLAIN_IGNITE_THRESHOLD_SWEEP.slot()).servers(n)
            .plainRegionMb(REGION_MB)
            .start()) {
            Ignite client = cluster.startClient();
            IgniteCache<Long, byte[]> cache = PlainIgnite.createCache(client, cluster.config().getPartitions(), 1);
            SplittableRandom keys = new SplittableRandom(n * 1000L + Math.round(target * 100));
            Map<String, Long> used = PlainIgnite.used(client);
            // Stop short of a region the fill itself would overflow (the skew is large).
            while (PlainIgnite.average(used) < target * region && PlainIgnite.max(used) < 0.93 * region) {
                for (int i = 0; i < 8; i++) {
                    long key = keys.nextLong();
                    cache.put(key, TestData.random(VALUE_BYTES, key));
                }
                used = PlainIgnite.used(client);
            }
            double fill = PlainIgnite.average(used) / region;
            double fullestBefore = PlainIgnite.max(used) / (double)region;
            assertThat(cluster.alive()).as("every node alive before the kill").hasSize(n);
            int victim = cluster.indexOf(PlainIgnite.fullest(used));
            List<Integer> survivors = new ArrayList<>(cluster.alive());
            survivors.remove(Integer.valueOf(victim));
            cluster.kill(victim);

            // Lived: every survivor alive and its usage unchanged over 3 s; halted: one exits or logs the overflow.
            long deadline = System.nanoTime() + 60_000_000_000L;
            Map<String, Long> last = null;
            int stableFor = 0;
            while (System.nanoTime() < deadline) {
                for (int i : survivors) {
                    boolean overflow = cluster.log(i).contains("IgniteOutOfMemory" + "Exception");
                    if (!cluster.isAlive(i) || overflow) {
                        return new Trial(target, fill, fullestBefore, false, 1, cluster.name(i)
                            + (cluster.isAlive(i) ? " logged a region overflow" : " exited with "
                            + cluster.exitValue(i)));
                    }
                }
                Map<String, Long> now;
                try {
                    now = PlainIgnite.used(client);
                }
                catch (RuntimeException e) {
                    now = null;
                }
                stableFor = now != null && now.equals(last) ? stableFor + 1 : 0;
                last = now;
                if (stableFor >= 6) {
                    double fullestAfter = PlainIgnite.max(now) / (double)region;
                    return new Trial(target, fill, fullestBefore, true, fullestAfter, "");
                }
                Thread.sleep(500);
            }
            return new Trial(target, fill, fullestBefore, false, 1, "no stable state within 60 s");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
