package dev.spillway.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How settings write sizes and durations, read and written: sizes in bytes or with KB, MB, GB, TB (powers of 1024),
 * durations with ms, s, m, h.
 */
final class Values {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|K|MB|M|GB|G|TB|T)?",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

    private Values() {
    }

    /**
     * Bytes of a size such as {@code 512MB}, {@code 16KB} or {@code 1048576}.
     *
     * @throws IllegalArgumentException when {@code text} is not such a size or is too large
     */
    static long bytes(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.trim());
        if (m == null || !m.matches())
            throw new IllegalArgumentException("a size in bytes, or a number with KB, MB, GB or TB "
                + "(powers of 1024)");
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit.charAt(0)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        long n;
        try {
            n = Long.parseLong(m.group(1));
        }
        catch (NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        if (n > (Long.MAX_VALUE >> shift))
            throw new IllegalArgumentException("at most 8 EB");
        return n << shift;
    }

    /**
     * A duration such as {@code 500ms}, {@code 60s}, {@code 5m} or {@code 1h}.
     *
     * @throws IllegalArgumentException when {@code text} is not such a duration
     */
    static Duration duration(String text) {
        Matcher m = text == null ? null : DURATION.matcher(text.trim());
        if (m == null || !m.matches())
            throw new IllegalArgumentException("a duration such as 500ms, 60s, 5m or 1h");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** A size as a setting writes it, in the largest unit that keeps it whole: {@code 512MB}, {@code 16KB}, {@code 1000}. */
    static String size(long bytes) {
        String[] units = {"", "KB", "MB", "GB", "TB"};
        int unit = 0;
        while (bytes != 0 && unit < units.length - 1 && (bytes & 1023) == 0) {
            bytes >>= 10;
            unit++;
        }
        return bytes + units[unit];
    }

    /** A duration as a setting writes it: whole seconds as {@code 60s}, anything else as {@code 1500ms}. */
    static String duration(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
