package dev.spillway.demo;

import java.util.List;
import java.util.function.Function;

/**
 * One rate measured once per timing round, in round order, summed up by its median and range: a single timed
 * phase lasts well under a second and moves by a third from run to run, a median of several much less.
 */
record Samples(List<Rate> rates) {
    Samples {
        if (rates.isEmpty())
            throw new IllegalArgumentException("No samples");
        rates = List.copyOf(rates);
    }

    /** The figure {@code rate} takes from each of {@code rounds}. */
    static <T> Samples of(List<T> rounds, Function<T, Rate> rate) {
        return new Samples(rounds.stream().map(rate).toList());
    }

    int count() {
        return rates.size();
    }

    /** The median MB/s: the middle figure, or the mean of the two middle ones for an even count. */
    double median() {
        double[] sorted = sorted();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    double min() {
        return sorted()[0];
    }

    double max() {
        double[] sorted = sorted();
        return sorted[sorted.length - 1];
    }

    /** This median divided by {@code other}'s: above 1 means this one is faster. */
    double ratio(Samples other) {
        return ratio(median(), other);
    }

    /** A single figure divided by {@code other}'s median. */
    static double ratio(double mbPerSec, Samples other) {
        return other.median() == 0 ? 0 : mbPerSec / other.median();
    }

    private double[] sorted() {
        return rates.stream().mapToDouble(Rate::mbPerSec).sorted().toArray();
    }
}
