package dev.spillway.plugin;

import dev.spillway.NodeCapacity;
import dev.spillway.WorstLoss;
import dev.spillway.internal.capacity.CapacityLedger;
import dev.spillway.internal.capacity.ClusterCapacity;
import dev.spillway.internal.metrics.SpillwayMeters;
import java.util.List;
import java.util.Optional;

/**
 * A server node's region figures for its gauges: its own ledger's, read at each scrape, and the two that need the
 * cluster's ledgers (its N-1 safe headroom, the worst single loss's room), read once for both when a scrape asks
 * for them within a second of each other. Without a loss to survive, the safe headroom is the free bytes and the
 * worst loss's room is reported as the free bytes too.
 */
final class RegionReadings implements SpillwayMeters.Region {
    private static final long CLUSTER_READ_NANOS = 1_000_000_000L;

    private final String node;
    private final CapacityLedger ledger;
    private final ClusterCapacity cluster;
    private ClusterRead last;

    private record ClusterRead(long at, long safeHeadroom, long worstLossRoom, long live) {
    }

    RegionReadings(String node, CapacityLedger ledger, ClusterCapacity cluster) {
        this.node = node;
        this.ledger = ledger;
        this.cluster = cluster;
    }

    @Override
    public long budget() {
        return ledger.snapshot().budget();
    }

    @Override
    public long used() {
        return ledger.snapshot().used();
    }

    @Override
    public long live() {
        return clusterRead().live();
    }

    @Override
    public long reserved() {
        return ledger.snapshot().reserved();
    }

    @Override
    public long free() {
        return ledger.snapshot().free();
    }

    @Override
    public long safeHeadroom() {
        return clusterRead().safeHeadroom();
    }

    @Override
    public long worstLossRoom() {
        return clusterRead().worstLossRoom();
    }

    private synchronized ClusterRead clusterRead() {
        long now = System.nanoTime();
        if (last != null && now - last.at() < CLUSTER_READ_NANOS)
            return last;
        long free = ledger.snapshot().free();
        List<NodeCapacity> all = cluster.capacity();
        NodeCapacity mine = all.stream().filter(c -> c.node().equals(node)).findFirst().orElse(null);
        Optional<WorstLoss> worst = cluster.worstLoss();
        last = new ClusterRead(now, mine == null ? free : mine.safeHeadroom(),
            worst.map(WorstLoss::headroom).orElse(free), mine == null ? ledger.snapshot().used() : mine.liveBytes());
        return last;
    }
}
