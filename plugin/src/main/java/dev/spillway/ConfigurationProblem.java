package dev.spillway;

/**
 * One problem of a {@link SpillwayConfiguration}: the property, its value as the configuration holds it, what is
 * wrong with it and what is allowed, for example {@code spillway.chunkSize}, {@code 1 KB},
 * {@code is outside 16 KB to 64 MB} and {@code 16 KB to 64 MB}.
 *
 * @param property the property's name, e.g. {@code spillway.regionMaxSize}
 * @param value the value, formatted for people (sizes as {@code 5 MB})
 * @param reason what is wrong, as the end of a sentence that starts with the property and its value; it states
 *     the bound where that reads naturally ({@code is outside (0, 1]}, {@code is below Ignite's 10 MB minimum})
 * @param allowed what is allowed, on its own: {@code (0, 1]}, {@code at least 10 MB}, {@code 1 or more}
 */
public record ConfigurationProblem(String property, String value, String reason, String allowed) {
    /** The sentence: {@code property=value reason}, e.g. {@code spillway.highWaterMark=1.5 is outside (0, 1]}. */
    public String message() {
        return property + "=" + value + " " + reason;
    }

    @Override
    public String toString() {
        return message();
    }
}
