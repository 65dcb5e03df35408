package dev.spillway.demo;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one demo run: Spillway's save and restore beside the raw baselines measured on the same payload
 * in the same JVM, and the checks that decide the exit code.
 */
record DemoResults(long stateBytes, int chunkSize, int nodes, int backups, String origin, String stoppedNode,
                   int localChunks, int spilledChunks, long spilledBytes, Rate save, Readback restore,
                   Readback restoreStable, RawBaseline.Result raw0, RawBaseline.Result raw1, WarmUp.Result firstFill,
                   Map<String, Boolean> checks) {

    boolean passed() {
        return checks.values().stream().allMatch(Boolean::booleanValue);
    }

    /** Spillway's rates beside each baseline's, with Spillway / raw ratios. */
    void printRates(PrintStream out) {
        TextTable table = new TextTable("lrrrrr", "", "Spillway (" + backups + " backup)", "raw (0 backups)", "ratio",
            "raw (1 backup)", "ratio");
        table.row("save / raw write", cell(save), cell(raw0.write()), ratio(save, raw0.write()),
            cell(raw1.write()), ratio(save, raw1.write()));
        readRow(table, "restore, rebalancing / raw get", restore.rate());
        readRow(table, "restore, stable / raw get", restoreStable.rate());
        table.print(out);
    }

    private void readRow(TextTable table, String name, Rate restore) {
        table.row(name, cell(restore), cell(raw0.read().rate()), ratio(restore, raw0.read().rate()),
            cell(raw1.read().rate()), ratio(restore, raw1.read().rate()));
    }

    void printChecks(PrintStream out) {
        checks.forEach((name, ok) -> out.println("  [" + (ok ? " ok " : "FAIL") + "] " + name));
    }

    String json() {
        String checksJson = checks.entrySet().stream()
            .map(e -> "    " + quote(e.getKey()) + ": " + e.getValue()).collect(Collectors.joining(",\n"));
        return "{\n"
            + "  \"stateBytes\": " + stateBytes + ",\n"
            + "  \"chunkBytes\": " + chunkSize + ",\n"
            + "  \"nodes\": " + nodes + ",\n"
            + "  \"backups\": " + backups + ",\n"
            + "  \"originNode\": " + quote(origin) + ",\n"
            + "  \"stoppedNode\": " + quote(stoppedNode) + ",\n"
            + "  \"localChunks\": " + localChunks + ",\n"
            + "  \"spilledChunks\": " + spilledChunks + ",\n"
            + "  \"spilledBytes\": " + spilledBytes + ",\n"
            + "  \"spillway\": {\"save\": " + json(save) + ", \"restore\": " + json(restore.rate())
            + ", \"restoreStable\": " + json(restoreStable.rate()) + "},\n"
            + "  \"raw0\": " + json(raw0) + ",\n"
            + "  \"raw1\": " + json(raw1) + ",\n"
            + "  \"ratios\": {\"saveVsRaw0Write\": " + num(save.ratio(raw0.write()))
            + ", \"saveVsRaw1Write\": " + num(save.ratio(raw1.write()))
            + ", \"restoreVsRaw0Get\": " + num(restore.rate().ratio(raw0.read().rate()))
            + ", \"restoreVsRaw1Get\": " + num(restore.rate().ratio(raw1.read().rate()))
            + ", \"restoreStableVsRaw0Get\": " + num(restoreStable.rate().ratio(raw0.read().rate()))
            + ", \"restoreStableVsRaw1Get\": " + num(restoreStable.rate().ratio(raw1.read().rate())) + "},\n"
            + "  \"firstFill\": {\"spillwaySave\": " + json(firstFill.spillwaySave()) + ", \"raw1Write\": "
            + json(firstFill.rawWrite()) + ", \"raw1Read\": " + json(firstFill.rawRead()) + "},\n"
            + "  \"checks\": {\n" + checksJson + "\n  },\n"
            + "  \"passed\": " + passed() + "\n"
            + "}\n";
    }

    private static String json(RawBaseline.Result r) {
        return "{\"cache\": " + quote(r.cache()) + ", \"backups\": " + r.backups() + ", \"write\": "
            + json(r.write()) + ", \"read\": " + json(r.read().rate()) + "}";
    }

    private static String json(Rate r) {
        return "{\"bytes\": " + r.bytes() + ", \"seconds\": " + num(r.seconds()) + ", \"mbPerSec\": "
            + num(r.mbPerSec()) + "}";
    }

    private static String cell(Rate r) {
        return String.format(Locale.ROOT, "%.0f MB/s in %.2f s", r.mbPerSec(), r.seconds());
    }

    private static String ratio(Rate spillway, Rate raw) {
        return String.format(Locale.ROOT, "%.2fx", spillway.ratio(raw));
    }

    private static String num(double d) {
        return Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null";
    }

    private static String quote(String s) {
        if (s == null)
            return "null";
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
