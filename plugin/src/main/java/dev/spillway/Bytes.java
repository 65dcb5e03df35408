package dev.spillway;

import java.util.Locale;

/** Formats byte counts for messages and reports: {@code 512 B}, {@code 64 KB}, {@code 1.5 MB}, {@code 2 GB}. */
public final class Bytes {
    private Bytes() {
    }

    public static String format(long bytes) {
        if (bytes < 0)
            return bytes + " B";
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (value == Math.rint(value))
            return String.format(Locale.ROOT, "%d %s", (long)value, units[unit]);
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
