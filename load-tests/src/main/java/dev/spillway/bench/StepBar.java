package dev.spillway.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A console progress bar over the steps of a run: {@code [#####.....] 12/40 steps, 1:05 elapsed, about 1:20 left
 * - what runs now}. On a terminal it redraws one line; otherwise it prints a line per step.
 */
final class StepBar {
    private static final int WIDTH = 24;

    private final PrintStream out;
    private int total;
    private final boolean terminal = System.console() != null;
    private final long started = System.nanoTime();
    private int done;

    StepBar(PrintStream out, int total) {
        this.out = out;
        this.total = Math.max(1, total);
    }

    /** Shows that {@code what} starts now. */
    void step(String what) {
        String line = line(what);
        if (terminal) {
            out.print("\r" + line + " ".repeat(Math.max(0, 110 - line.length())));
            out.flush();
        }
        else
            out.println(line);
    }

    /** Takes a new estimate of the steps in all (runs of a set duration learn it as they go). */
    void reckon(int steps) {
        total = Math.max(done + 1, steps);
    }

    /** Counts a step as done. */
    void done() {
        done = Math.min(total, done + 1);
    }

    /** Ends the bar's line. */
    void finish() {
        if (terminal)
            out.println("\r" + line("done"));
    }

    private String line(String what) {
        long elapsed = (System.nanoTime() - started) / 1_000_000_000L;
        int filled = done * WIDTH / total;
        String left = done == 0 ? "" : String.format(Locale.ROOT, ", about %s left",
            clock(elapsed * (total - done) / done));
        return String.format(Locale.ROOT, "[%s%s] %d/%d steps, %s elapsed%s - %s", "#".repeat(filled),
            ".".repeat(WIDTH - filled), done, total, clock(elapsed), left, what);
    }

    private static String clock(long seconds) {
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
