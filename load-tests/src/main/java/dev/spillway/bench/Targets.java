package dev.spillway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The speed targets, as ratios of medians measured in the same run. */
final class Targets {
    /** Spillway figure over baseline figure should be at least {@code min}. */
    record Target(String figure, String baseline, double min, String what) {
    }

    static final List<Target> THROUGHPUT = List.of(
        new Target("spillway.save.home.b0", "raw.localStreamer.write.b0", 0.9,
            "save on the home node, backups 0 / raw local-primary streamer"),
        new Target("spillway.save.home.b0", "raw.random.write.best.b0", 2.5,
            "save on the home node, backups 0 / raw random-key best"),
        new Target("spillway.save.home.b1", "raw.random.write.best.b1", 1.3,
            "save with backups 1 / raw FULL_SYNC default-affinity writes, 1 backup"),
        new Target("spillway.restore.local.b0", "raw.localStreamer.read.b0", 0.9,
            "restore of a local checkpoint / raw local gets"),
        new Target("spillway.restore.spilled.b0", "raw.random.read.best.b0", 1.5,
            "restore of a spilled checkpoint / raw random-key gets"),
        new Target("spillway.save.spilling.b0", "spillway.save.home.b0", 0.5,
            "save while spilling / save on the home node"),
        new Target("spillway.save.thin.b0", "spillway.save.home.b0", 0.6,
            "thin-client save / embedded save"),
        new Target("spillway.restore.thin.b0", "spillway.restore.local.b0", 0.6,
            "thin-client restore / embedded restore"));

    /** Issue 17's aims for checkpoints that cost what changed (ratios of effective save and restore rates). */
    static final List<Target> INCREMENTAL = List.of(
        new Target("inc.save.embedded.random.5", "full.save.embedded.random", 8,
            "5% of chunks changed, found by hash: effective save / full save (embedded)"),
        new Target("inc.save.embedded-hint.random.5", "full.save.embedded.random", 15,
            "5% of chunks changed, the application's hint: effective save / full save (embedded)"),
        new Target("inc.save.embedded.random.100", "full.save.embedded.random", 0.95,
            "100% changed, random content: save / full save as before (embedded)"),
        new Target("inc.save.embedded.compressible.100", "full.save.embedded.compressible", 0.9,
            "100% changed, compressible content (LZ4): save / full save as before (embedded)"),
        new Target("inc.restore.embedded.random.5", "full.restore.embedded.random", 0.9,
            "restore of an incremental checkpoint (5% changed) / restore of a full one (embedded)"),
        new Target("inc.save.thin.random.5", "full.save.thin.random", 8,
            "5% of chunks changed, found by hash: effective save / full save (thin client)"),
        new Target("inc.save.thin-hint.random.5", "full.save.thin.random", 15,
            "5% of chunks changed, the application's hint: effective save / full save (thin client)"),
        new Target("inc.save.thin.random.100", "full.save.thin.random", 0.95,
            "100% changed, random content: save / full save as before (thin client)"));

    /** A target row for a ratio that should be at most {@code max}, measured outside the figures. */
    static Map<String, Object> atMost(String what, double ratio, double max) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("target", what);
        row.put("ratio", ratio);
        row.put("atMost", max);
        row.put("met", ratio <= max);
        return row;
    }

    private Targets() {
    }

    /** Each target whose two figures were measured: the ratio and whether it is met. */
    static List<Map<String, Object>> evaluate(List<Target> targets, Map<String, Figure> figures) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Target t : targets) {
            Figure f = figures.get(t.figure());
            Figure b = figures.get(t.baseline());
            if (f == null || b == null || f.isEmpty() || b.isEmpty())
                continue;
            double ratio = f.ratio(b);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("target", t.what());
            row.put("figure", t.figure());
            row.put("baseline", t.baseline());
            row.put("ratio", ratio);
            row.put("atLeast", t.min());
            row.put("met", ratio >= t.min());
            rows.add(row);
        }
        return rows;
    }
}
