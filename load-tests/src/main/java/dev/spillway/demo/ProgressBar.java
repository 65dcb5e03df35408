package dev.spillway.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A one-line console progress bar: percent, MB done of total, MB/s, redrawn with {@code \r} at most every 200 ms.
 * When the output is not a terminal only the final line is printed.
 */
final class ProgressBar {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 30;
    private static final double MB = 1 << 20;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final boolean interactive;
    private final long startedAt = System.nanoTime();
    private long drawnAt;

    ProgressBar(PrintStream out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.interactive = System.console() != null;
    }

    void update(long done) {
        long now = System.nanoTime();
        if (!interactive || now - drawnAt < REDRAW_NANOS)
            return;
        drawnAt = now;
        out.print('\r' + line(done, now));
        out.flush();
    }

    /** Draws the final state and ends the line. */
    void finish(long done) {
        out.print((interactive ? "\r" : "") + line(done, System.nanoTime()) + System.lineSeparator());
        out.flush();
    }

    private String line(long done, long now) {
        double fraction = total == 0 ? 1 : Math.min(1, (double)done / total);
        int filled = (int)Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-9, (now - startedAt) / 1e9);
        return String.format(Locale.ROOT, "  %-9s [%s%s] %3d%%  %4.0f/%.0f MB  %5.0f MB/s", label,
            "#".repeat(filled), ".".repeat(WIDTH - filled), Math.round(fraction * 100), done / MB, total / MB,
            done / MB / seconds);
    }
}
