package dev.spillway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The latency aims: 1 MB checkpoints saved embedded, p99 under 5 ms without backups, 15 ms with one. */
final class LatencyTargets {
    private LatencyTargets() {
    }

    static List<Map<String, Object>> evaluate(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            if (!"embedded".equals(r.get("path")) || !Integer.valueOf(1 << 20).equals(r.get("sizeBytes")))
                continue;
            int backups = (Integer)r.get("backups");
            double aim = backups == 0 ? 5.0 : 15.0;
            double p99 = (Double)r.get("p99Ms");
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("target", "1 MB checkpoint, embedded, " + backups + " backup" + (backups == 1 ? "" : "s")
                + ": p99 latency (ms) under " + aim);
            t.put("figure", "latency p99 ms");
            t.put("baseline", "aim");
            // Shown as a ratio like the speed targets: the aim over the measured p99, at least 1 when met.
            t.put("ratio", aim / p99);
            t.put("atLeast", 1.0);
            t.put("met", p99 < aim);
            t.put("p99Ms", p99);
            out.add(t);
        }
        return out;
    }
}
