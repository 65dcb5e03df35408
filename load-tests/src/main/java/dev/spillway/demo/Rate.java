package dev.spillway.demo;

import java.util.Locale;

/**
 * A timed transfer of {@code bytes} in {@code nanos}. MB means 2^20 bytes throughout the demo, as in
 * {@link dev.spillway.Bytes#format(long)}.
 */
record Rate(long bytes, long nanos) {
    private static final double MB = 1 << 20;

    double seconds() {
        return nanos / 1e9;
    }

    double mbPerSec() {
        return nanos == 0 ? 0 : bytes / MB / seconds();
    }

    /** This rate divided by {@code other}'s: above 1 means this one is faster. */
    double ratio(Rate other) {
        return other.mbPerSec() == 0 ? 0 : mbPerSec() / other.mbPerSec();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%.0f MB/s (%s in %.2f s)", mbPerSec(),
            dev.spillway.Bytes.format(bytes), seconds());
    }
}
