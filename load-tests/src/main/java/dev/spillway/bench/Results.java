package dev.spillway.bench;

import dev.spillway.console.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A run's figures: results.json (every sample, the machine, the settings, the commit) and the console table. */
final class Results {
    private Results() {
    }

    /** Writes results.json and report.html; returns the JSON. */
    static String write(Path runDir, String scenario, double seconds, Map<String, Object> settings,
                      Map<String, Figure> figures, List<Map<String, Object>> targets, Map<String, Object> extra)
        throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", scenario);
        root.put("finishedAt", RunInfo.now());
        root.put("durationSeconds", seconds);
        root.put("gitCommit", RunInfo.gitCommit());
        root.put("machine", RunInfo.machine());
        root.put("settings", settings);
        Map<String, Object> figs = new LinkedHashMap<>();
        figures.forEach((name, f) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("description", f.description());
            m.put("unit", "MB/s (MB = 2^20 bytes)");
            m.put("median", f.median());
            m.put("min", f.min());
            m.put("max", f.max());
            m.put("samples", f.samples());
            figs.put(name, m);
        });
        root.put("figures", figs);
        root.put("targets", targets);
        root.put("ratios", ratios(figures));
        root.putAll(extra);
        String json = Json.write(root);
        Files.writeString(runDir.resolve("results.json"), json);
        Report.write(runDir, json);
        return json;
    }

    /**
     * For every Spillway figure, its median over each baseline's of the same backup count: saves against the raw
     * writes and the machine's writes, restores against the raw reads and the machine's reads.
     */
    static Map<String, Map<String, Double>> ratios(Map<String, Figure> figures) {
        Map<String, Map<String, Double>> ratios = new LinkedHashMap<>();
        figures.forEach((name, f) -> {
            if (!name.startsWith("spillway.") || f.isEmpty())
                return;
            boolean save = name.contains(".save.");
            String backups = name.substring(name.lastIndexOf('.'));
            Map<String, Double> against = new LinkedHashMap<>();
            figures.forEach((base, b) -> {
                if (!base.endsWith(backups) || base.startsWith("spillway.") || b.isEmpty())
                    return;
                boolean write = base.contains(".write") || base.startsWith("machine.memcpy");
                boolean read = base.contains(".read");
                if (save ? write : read)
                    against.put(base, f.ratio(b));
            });
            ratios.put(name, against);
        });
        return ratios;
    }

    static void print(PrintStream out, Map<String, Figure> figures, List<Map<String, Object>> targets) {
        out.println();
        out.println("Figures, median MB/s over the repetitions (min-max):");
        figures.forEach((name, f) -> out.printf(Locale.ROOT, "  %-32s %6.0f (%.0f-%.0f)  %s%n", name, f.median(),
            f.min(), f.max(), f.description()));
        Map<String, Map<String, Double>> ratios = ratios(figures);
        if (!ratios.isEmpty()) {
            out.println();
            out.println("Every Spillway figure against each baseline of its backup count, ratio of medians:");
            ratios.forEach((name, against) -> {
                out.printf(Locale.ROOT, "  %s (%.0f MB/s):%n", name, figures.get(name).median());
                StringBuilder line = new StringBuilder("   ");
                against.forEach((baseline, r) -> {
                    String item = String.format(Locale.ROOT, " %6.2fx %-32s", r, baseline);
                    if (line.length() + item.length() > 120) {
                        out.println(line.toString().stripTrailing());
                        line.setLength(3);
                    }
                    line.append(item);
                });
                out.println(line.toString().stripTrailing());
            });
        }
        out.println();
        out.println("Targets, ratios of medians in this run:");
        for (Map<String, Object> t : targets) {
            String bound = t.containsKey("atMost") ? String.format(Locale.ROOT, "at most %.2fx", t.get("atMost"))
                : String.format(Locale.ROOT, "at least %.2fx", t.get("atLeast"));
            out.printf(Locale.ROOT, "  [%s] %5.2fx (%s)  %s%n", (Boolean)t.get("met") ? " met" : "MISS",
                (Double)t.get("ratio"), bound, t.get("target"));
        }
    }
}
