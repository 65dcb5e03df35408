package dev.spillway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One measured quantity over the repetitions of a run: its samples (MB/s, MB = 2^20 bytes) and their median. */
final class Figure {
    private final String name;
    private final String description;
    private final List<Double> samples = new ArrayList<>();

    Figure(String name, String description) {
        this.name = name;
        this.description = description;
    }

    String name() {
        return name;
    }

    String description() {
        return description;
    }

    /** Adds a sample of {@code bytes} moved in {@code seconds}; a negative time (bytes differed) is an error. */
    void add(long bytes, double seconds) {
        if (seconds < 0)
            throw new IllegalStateException(name + ": the bytes read back differ from the payload");
        samples.add(bytes / (double)(1 << 20) / seconds);
    }

    List<Double> samples() {
        return List.copyOf(samples);
    }

    boolean isEmpty() {
        return samples.isEmpty();
    }

    double median() {
        return median(samples);
    }

    /** The median of {@code values}; NaN when there are none. */
    static double median(List<Double> values) {
        if (values.isEmpty())
            return Double.NaN;
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    double min() {
        return samples.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    double max() {
        return samples.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** This figure's median over {@code baseline}'s. */
    double ratio(Figure baseline) {
        return median() / baseline.median();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.0f MB/s (%.0f-%.0f, %d runs)", median(), min(), max(), samples.size());
    }
}
