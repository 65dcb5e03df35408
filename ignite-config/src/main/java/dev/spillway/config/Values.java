package dev.spillway.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How settings write sizes and durations, for {@link NodeSettings} and the Spring XML ({@code spillway-node.xml}
 * calls these through SpEL): sizes in bytes or with KB, MB, GB, TB (powers of 1024), durations with ms, s, m, h.
 */
public final class Values {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|K|MB|M|GB|G|TB|T)?",
        Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);

    private Values() {
    }

    /**
     * For spillway-node.xml: refuses {@code spillway.tlsEnabled=true}, which the XML cannot act on (its TLS is a
     * commented block to fill in), rather than start a node without TLS.
     *
     * @throws NodeConfigurationException when {@code tlsEnabled} is true
     */
    public static boolean noTlsSwitch(String tlsEnabled) {
        if (Boolean.parseBoolean(tlsEnabled.trim()))
            throw new NodeConfigurationException(List.of("spillway.tlsEnabled=true is not acted on by "
                + "spillway-node.xml: uncomment its TLS block and drop the setting, or start the node with "
                + "./spillway node (or NodeConfigBuilder), which sets TLS up from it"));
        return false;
    }

    /**
     * Bytes of a size such as {@code 512MB}, {@code 16KB} or {@code 1048576}.
     *
     * @throws IllegalArgumentException when {@code text} is not such a size or is too large
     */
    public static long bytes(String text) {
        Matcher m = text == null ? null : SIZE.matcher(text.trim());
        if (m == null || !m.matches())
            throw new IllegalArgumentException("allowed: a size in bytes, or a number with KB, MB, GB or TB "
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
            throw new IllegalArgumentException("allowed: at most 8 EB");
        return n << shift;
    }

    /** Bytes of a size that must fit an int (chunk and page sizes). */
    public static int intBytes(String text) {
        long b = bytes(text);
        if (b > Integer.MAX_VALUE)
            throw new IllegalArgumentException("allowed: below 2 GB");
        return (int)b;
    }

    /**
     * A duration such as {@code 500ms}, {@code 60s}, {@code 5m} or {@code 1h}.
     *
     * @throws IllegalArgumentException when {@code text} is not such a duration
     */
    public static Duration duration(String text) {
        Matcher m = text == null ? null : DURATION.matcher(text.trim());
        if (m == null || !m.matches())
            throw new IllegalArgumentException("allowed: a duration such as 500ms, 60s, 5m or 1h");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
