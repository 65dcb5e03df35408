package dev.spillway.config;

/**
 * One problem of a node configuration, as values: the property, its value (null when unset or not shown), where the
 * value came from, what is wrong (null when the value is simply not allowed) and what is allowed. {@link #line()}
 * renders it; nothing reads a line back.
 *
 * @param property the setting's property, e.g. {@code spillway.thinClientPort}
 * @param value the value as given, {@code (hidden)} for a password, or null
 * @param source where it came from: {@code default}, a file's name, {@code environment X}, {@code system property
 *     x}, {@code option --x}, or null
 * @param reason what is wrong, as the end of a sentence that starts with the property (and its value), or null
 * @param allowed what is allowed, e.g. {@code a port from 1 to 65535}
 */
public record SettingProblem(String property, String value, String source, String reason, String allowed) {
    /**
     * The problem as one line: {@code property=value (from source): allowed: ...} for a value that is not allowed;
     * {@code property=value reason (from source)} for one the plugin's configuration refused; {@code property in
     * source reason} (or {@code property reason}) for a setting that is unknown or missing.
     */
    public String line() {
        if (value == null)
            return property + (source == null ? "" : " in " + source) + " " + reason;
        String from = source == null ? "" : " (from " + source + ")";
        if (reason == null)
            return property + "=" + value + from + ": allowed: " + allowed;
        return property + "=" + value + " " + reason + from;
    }

    @Override
    public String toString() {
        return line();
    }
}
