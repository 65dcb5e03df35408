package dev.spillway.demo;

import dev.spillway.Bytes;
import dev.spillway.NodeCapacity;
import dev.spillway.SpillwayConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How large a state the demo saves, and why: large enough that the origin node's budget fills and the rest
 * spills to peers, small enough that the cluster holds every copy, that the raw baseline fits its region, and
 * that after one node is stopped the survivors can take the copies Ignite rebalances onto them.
 *
 * @param bytes the state size, a whole number of MB
 * @param reason how it was chosen, for the console
 */
record StateSize(long bytes, String reason) {
    /** The demo aims at this multiple of the origin's free space, so a good part of the state spills. */
    static final double SPILL_FACTOR = 1.4;
    /** Region bytes per state byte and copy: Spillway plans 1 MB + 33 KB per 1 MB chunk; page overhead ~2%. */
    static final double COPY_OVERHEAD = 1.05;
    /** Fill of a survivor's region after a node loss that the demo accepts (Ignite halts near 98%). */
    static final double SURVIVOR_FILL = 0.90;
    /** With fewer owners than survivors, the busiest survivor gains about this much over the average (measured). */
    static final double AFFINITY_SKEW = 1.45;
    private static final long MB = 1L << 20;

    static StateSize forced(long bytes) {
        return new StateSize(bytes, "set with --state-mb");
    }

    /**
     * @param capacity every server node's checkpoint region, as {@code CheckpointStore.capacity()} reports it
     * @param origin the node that saves the state
     * @param baselineRegion max size of the raw baseline's region on the origin node
     */
    static StateSize choose(List<NodeCapacity> capacity, String origin, SpillwayConfiguration conf,
                            long baselineRegion) {
        long originFree = capacity.stream().filter(c -> c.node().equals(origin)).mapToLong(NodeCapacity::free)
            .findFirst().orElseThrow(() -> new IllegalStateException("No capacity reported for " + origin));
        long clusterFree = capacity.stream().mapToLong(NodeCapacity::free).sum();
        int copies = conf.getBackups() + 1;
        int survivors = capacity.size() - 1;

        List<Limit> limits = new ArrayList<>();
        limits.add(new Limit(SPILL_FACTOR * originFree,
            String.format(Locale.ROOT, "%.1f x %s's free %s", SPILL_FACTOR, origin, Bytes.format(originFree))));
        limits.add(new Limit(clusterFree / (copies * COPY_OVERHEAD),
            "the cluster's free " + Bytes.format(clusterFree) + " holds " + copies + " copies"));
        limits.add(new Limit(baselineRegion * 0.8 / COPY_OVERHEAD,
            "the raw baseline fits its " + Bytes.format(baselineRegion) + " region"));
        if (survivors > 0 && copies > 1) {
            int held = Math.min(copies, survivors);
            double skew = held == survivors ? 1 : AFFINITY_SKEW;
            limits.add(new Limit(SURVIVOR_FILL * conf.getRegionMaxSize() * survivors / (held * COPY_OVERHEAD * skew),
                String.format(Locale.ROOT, "after one node stops, each of the %d survivors stays under %.0f%% of "
                    + "its %s region", survivors, SURVIVOR_FILL * 100, Bytes.format(conf.getRegionMaxSize()))));
        }
        Limit chosen = limits.stream().min((a, b) -> Double.compare(a.bytes, b.bytes)).orElseThrow();
        long bytes = Math.max(MB, (long)(chosen.bytes / MB) * MB);
        String reason = chosen == limits.get(0) ? chosen.why : "capped so that " + chosen.why + " (wanted "
            + limits.get(0).why + " = " + Bytes.format((long)limits.get(0).bytes) + ")";
        return new StateSize(bytes, reason);
    }

    private record Limit(double bytes, String why) {
    }
}
