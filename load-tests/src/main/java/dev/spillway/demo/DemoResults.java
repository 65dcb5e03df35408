package dev.spillway.demo;

import dev.spillway.console.TextTable;
import dev.spillway.Bytes;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The figures of one demo run: Spillway's save and restore beside the raw baselines measured on the same payload
 * in the same JVM, as medians over the timing rounds; the single runs of the story (the save of {@value Demo#APP},
 * the restores after a node stopped); and the checks that decide the exit code.
 */
record DemoResults(long stateBytes, int chunkSize, int nodes, int backups, String origin, String stoppedNode,
                   int localChunks, int spilledChunks, long spilledBytes, TimingRounds.Result rounds, Rate finalSave,
                   Readback restore, Readback restoreStable, WarmUp.Result firstFill, Map<String, Boolean> checks) {

    boolean passed() {
        return checks.values().stream().allMatch(Boolean::booleanValue);
    }

    /** Spillway's rates beside each baseline's, with Spillway / raw ratios of the medians, and what they mean. */
    void printRates(PrintStream out) {
        int n = rounds.rounds().size();
        out.printf(Locale.ROOT, "Rates, median of %d %s (min-max in brackets), ratio = Spillway / raw of the medians%n"
            + "(MB = 2^20 bytes; %s state in %s chunks; raw = plain Ignite cache, same payload, same streamer "
            + "tuning)%n", n, n == 1 ? "round" : "rounds", Bytes.format(stateBytes), Bytes.format(chunkSize));
        TextTable table = new TextTable("lrrrrr", "", "Spillway (" + backups + " backup)", "raw (0 backups)", "ratio",
            "raw (1 backup)", "ratio");
        row(table, "save / raw write", rounds.save(), rounds.raw0Write(), rounds.raw1Write());
        row(table, "restore, full cluster / raw get", rounds.restore(), rounds.raw0Get(), rounds.raw1Get());
        row(table, "restore, rebalancing (1 run) / raw get", single(restore.rate()), rounds.raw0Get(),
            rounds.raw1Get());
        row(table, "restore, stable (1 run) / raw get", single(restoreStable.rate()), rounds.raw0Get(),
            rounds.raw1Get());
        table.print(out);
        TextTable thin = new TextTable("lrrr", "", "thin client", "on the node", "ratio");
        thin.row("save", cell(rounds.thinSave()), cell(rounds.save()), ratio(rounds.thinSave().ratio(rounds.save())));
        thin.row("restore", cell(rounds.thinRestore()), cell(rounds.restore()),
            ratio(rounds.thinRestore().ratio(rounds.restore())));
        out.println("Spillway over a thin client (home server " + origin + ") beside Spillway on " + origin
            + ", same state, same rounds:");
        thin.print(out);
        out.println("  Timed after the warm-up, all on " + origin + ", the raw gets on the full cluster with every "
            + "key primary there. The two 1-run restores");
        out.println("  ran after " + stoppedNode + " stopped: the first while Ignite rebalanced, the second once it "
            + "was over. The save of " + Demo.APP + " (1 run): " + String.format(Locale.ROOT, "%.0f MB/s.",
            finalSave.mbPerSec()));
    }

    private static void row(TextTable table, String name, Samples spillway, Samples raw0, Samples raw1) {
        table.row(name, cell(spillway), cell(raw0), ratio(spillway.ratio(raw0)), cell(raw1),
            ratio(spillway.ratio(raw1)));
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
            + "  \"rounds\": " + rounds.rounds().size() + ",\n"
            + "  \"spillway\": {\n"
            + "    \"save\": " + json(rounds.save()) + ",\n"
            + "    \"restore\": " + json(rounds.restore()) + ",\n"
            + "    \"finalSave\": " + json(finalSave) + ",\n"
            + "    \"restoreRebalancing\": " + json(restore.rate()) + ",\n"
            + "    \"restoreStable\": " + json(restoreStable.rate()) + "\n  },\n"
            + "  \"thinClient\": {\"save\": " + json(rounds.thinSave()) + ",\n    \"restore\": "
            + json(rounds.thinRestore()) + ",\n    \"saveVsEmbedded\": " + num(rounds.thinSave().ratio(rounds.save()))
            + ", \"restoreVsEmbedded\": " + num(rounds.thinRestore().ratio(rounds.restore())) + "},\n"
            + "  \"raw0\": " + json(TimingRounds.RAW0_CACHE, 0, rounds.raw0Write(), rounds.raw0Get()) + ",\n"
            + "  \"raw1\": " + json(TimingRounds.RAW1_CACHE, 1, rounds.raw1Write(), rounds.raw1Get()) + ",\n"
            + "  \"ratiosOfMedians\": {"
            + ratios("save", "Write", rounds.save(), rounds.raw0Write(), rounds.raw1Write()) + ",\n    "
            + ratios("restore", "Get", rounds.restore(), rounds.raw0Get(), rounds.raw1Get()) + ",\n    "
            + ratios("restoreRebalancing", "Get", single(restore.rate()), rounds.raw0Get(), rounds.raw1Get())
            + ",\n    "
            + ratios("restoreStable", "Get", single(restoreStable.rate()), rounds.raw0Get(), rounds.raw1Get())
            + "},\n"
            + "  \"firstFill\": {\"spillwaySave\": " + json(firstFill.spillwaySave()) + ", \"raw1Write\": "
            + json(firstFill.rawWrite()) + ", \"raw1Read\": " + json(firstFill.rawRead()) + "},\n"
            + "  \"checks\": {\n" + checksJson + "\n  },\n"
            + "  \"passed\": " + passed() + "\n"
            + "}\n";
    }

    /** {@code <name>VsRaw0<op>} and {@code <name>VsRaw1<op>}: Spillway's median over each baseline's. */
    private static String ratios(String name, String op, Samples spillway, Samples raw0, Samples raw1) {
        return quote(name + "VsRaw0" + op) + ": " + num(spillway.ratio(raw0)) + ", "
            + quote(name + "VsRaw1" + op) + ": " + num(spillway.ratio(raw1));
    }

    private static Samples single(Rate rate) {
        return new Samples(List.of(rate));
    }

    private static String json(String cache, int backups, Samples write, Samples read) {
        return "{\"cache\": " + quote(cache) + ", \"backups\": " + backups + ",\n    \"write\": " + json(write)
            + ",\n    \"read\": " + json(read) + "}";
    }

    private static String json(Samples s) {
        return "{\"medianMbPerSec\": " + num(s.median()) + ", \"minMbPerSec\": " + num(s.min())
            + ", \"maxMbPerSec\": " + num(s.max()) + ", \"rounds\": ["
            + s.rates().stream().map(DemoResults::json).collect(Collectors.joining(", ")) + "]}";
    }

    private static String json(Rate r) {
        return "{\"bytes\": " + r.bytes() + ", \"seconds\": " + num(r.seconds()) + ", \"mbPerSec\": "
            + num(r.mbPerSec()) + "}";
    }

    /** The median MB/s, and the range over the rounds when there was more than one. */
    private static String cell(Samples s) {
        String median = String.format(Locale.ROOT, "%.0f MB/s", s.median());
        return s.count() == 1 ? median : median + String.format(Locale.ROOT, " (%.0f-%.0f)", s.min(), s.max());
    }

    private static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
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
