package dev.spillway.internal.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.apache.ignite.metric.MetricRegistry;

/**
 * Spillway's meters in an Ignite metric registry, for the tools Ignite operators already use: JMX, and the
 * {@code SYS.METRICS} view where the node has a query engine. Ignite metrics have no tags: each is a meter's
 * figure summed over its applications, one per value of its other tag ({@code checkpoint.bytes.local}); a timer
 * gives its count, total and maximum in milliseconds. The names are the meters' without {@code spillway.}, in
 * Ignite's registry {@code custom.spillway} (Ignite puts custom registries under {@code custom.}).
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}). Not API: see {@code dev.spillway.internal}.
 */
public final class IgniteMetricsExport {
    /** The registry's name as given to Ignite; Ignite shows it as {@code custom.spillway}. */
    public static final String REGISTRY = "spillway";

    private IgniteMetricsExport() {
    }

    /**
     * Registers every figure of {@code meters} in {@code target}, each read from the meters when Ignite reads it;
     * the gauges of the region and the write sessions only on a {@code server}.
     */
    public static void register(MetricRegistry target, MeterRegistry meters, boolean server) {
        timer(target, meters, SpillwayMeters.SAVE, "Committed saves");
        timer(target, meters, SpillwayMeters.RESTORE, "Restores read through this node");
        for (String placement : List.of("local", "spilled")) {
            sum(target, meters, SpillwayMeters.BYTES, SpillwayMeters.TAG_PLACEMENT, placement,
                "Bytes of committed chunks whose primary copy went " + placement);
            sum(target, meters, SpillwayMeters.CHUNKS, SpillwayMeters.TAG_PLACEMENT, placement,
                "Committed chunks whose primary copy went " + placement);
        }
        for (String outcome : List.of("granted", "refused", "lapsed"))
            sum(target, meters, SpillwayMeters.LEASES, SpillwayMeters.TAG_OUTCOME, outcome,
                "Leases this node's capacity ledger " + outcome);
        sum(target, meters, SpillwayMeters.LEASED_BYTES, null, null, "Bytes of the leases this node granted");
        for (SpillwayMeters.Refusal reason : SpillwayMeters.Refusal.values())
            sum(target, meters, SpillwayMeters.REFUSALS, SpillwayMeters.TAG_REASON, reason.tag,
                "Saves refused for room, reason " + reason.tag);
        sum(target, meters, SpillwayMeters.INTEGRITY_FAILURES, null, null,
            "Restores through this node that found a chunk failing verification");
        if (!server)
            return;
        sum(target, meters, SpillwayMeters.SCRUB_CHUNKS, null, null, "Chunk copies the scrub verified here");
        sum(target, meters, SpillwayMeters.SCRUB_BYTES, null, null, "Bytes of chunk copies the scrub verified here");
        for (String outcome : List.of("repaired", "unrepaired"))
            sum(target, meters, SpillwayMeters.SCRUB_DAMAGED, SpillwayMeters.TAG_OUTCOME, outcome,
                "Damaged chunk copies the scrub found, " + outcome);
        sum(target, meters, SpillwayMeters.SESSIONS, null, null, "Write sessions open on this node");
        for (String region : List.of("budget", "used", "live", "reserved", "free", "safe.headroom",
            "worst.loss.room"))
            sum(target, meters, SpillwayMeters.REGION + "." + region, null, null,
                "The checkpoint region's " + region.replace('.', ' ') + " bytes");
    }

    /** The Ignite name of meter {@code name}, with the value of its other tag, if any. */
    static String igniteName(String name, String tagValue) {
        String bare = name.substring("spillway.".length());
        return tagValue == null ? bare : bare + "." + tagValue;
    }

    private static void sum(MetricRegistry target, MeterRegistry meters, String name, String tag, String value,
                            String description) {
        target.register(igniteName(name, value), () -> (long)total(search(meters, name, tag, value),
            IgniteMetricsExport::figure), description);
    }

    private static void timer(MetricRegistry target, MeterRegistry meters, String name, String description) {
        String bare = igniteName(name, null);
        target.register(bare + ".count", () -> (long)total(search(meters, name, null, null),
            m -> m instanceof Timer t ? t.count() : 0), description + ": how many");
        target.register(bare + ".totalMillis", () -> (long)total(search(meters, name, null, null),
            m -> m instanceof Timer t ? t.totalTime(TimeUnit.MILLISECONDS) : 0), description + ": their time, ms");
        target.register(bare + ".maxMillis", () -> (long)search(meters, name, null, null).meters().stream()
            .mapToDouble(m -> m instanceof Timer t ? t.max(TimeUnit.MILLISECONDS) : 0).max().orElse(0),
            description + ": the longest of the last minutes, ms");
    }

    private static Search search(MeterRegistry meters, String name, String tag, String value) {
        Search s = meters.find(name);
        return tag == null ? s : s.tag(tag, value);
    }

    private static double total(Search search, ToDoubleFunction<Meter> figure) {
        double sum = 0;
        for (Meter m : search.meters()) {
            double v = figure.applyAsDouble(m);
            if (Double.isFinite(v))
                sum += v;
        }
        return sum;
    }

    /** A counter's count or a gauge's value. */
    private static double figure(Meter m) {
        if (m instanceof Counter c)
            return c.count();
        if (m instanceof FunctionCounter c)
            return c.count();
        if (m instanceof Gauge g)
            return g.value();
        return 0;
    }
}
