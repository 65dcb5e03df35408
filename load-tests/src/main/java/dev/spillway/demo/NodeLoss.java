package dev.spillway.demo;

import dev.spillway.CheckpointStore;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.PlacementReport.NodePlacement;
import java.util.Comparator;
import java.util.List;

/** The node the demo stops, and the wait for the rebalance that follows. */
final class NodeLoss {
    private static final long TIMEOUT_NANOS = 20_000_000_000L;
    private static final long QUIET_NANOS = 1_000_000_000L;

    private NodeLoss() {
    }

    /** The peer holding the most spilled primary chunks, or the second node when nothing spilled. */
    static String victim(PlacementReport placement) {
        return placement.nodes().stream().filter(n -> !n.origin() && n.chunks() > 0)
            .max(Comparator.comparingInt(NodePlacement::chunks)).map(NodePlacement::node)
            .orElse(DemoCluster.name(1));
    }

    static int chunksOn(PlacementReport placement, String node) {
        return placement.nodes().stream().filter(n -> n.node().equals(node)).mapToInt(NodePlacement::chunks).sum();
    }

    /**
     * Waits until no survivor's region usage has changed for a second, taken as the end of the rebalance that
     * followed the stop (survivors only gain partitions then), at most 20 s.
     *
     * @return whether the usage settled within the 20 s
     */
    static boolean awaitStableUsage(CheckpointStore store) {
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        List<Long> last = List.of();
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<Long> used = store.capacity().stream().map(NodeCapacity::used).toList();
            if (!used.equals(last)) {
                last = used;
                stableSince = System.nanoTime();
            }
            else if (System.nanoTime() - stableSince >= QUIET_NANOS)
                return true;
            sleep(200);
        }
        return false;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }
}
