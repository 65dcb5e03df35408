package dev.spillway.bench;

import dev.spillway.CheckpointStore;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Saves one small state again and again at a fixed rate and records each save's latency in microseconds, measured
 * from the moment the save was due, not from when it started: a save that runs late because the one before was
 * slow counts the wait too (coordinated omission corrected), as a client on a fixed schedule would see it.
 */
final class LatencyLoop {
    /** Latencies above a minute are recorded as a minute. */
    static final long HIGHEST_MICROS = 60_000_000L;

    private LatencyLoop() {
    }

    /** What a loop measured. */
    static final class Outcome implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        final byte[] histogram;
        final int errors;
        final String firstError;

        Outcome(Histogram h, int errors, String firstError) {
            ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(buf);
            this.histogram = java.util.Arrays.copyOf(buf.array(), n);
            this.errors = errors;
            this.firstError = firstError;
        }

        Histogram histogram() {
            try {
                return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(histogram), 0);
            }
            catch (java.util.zip.DataFormatException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * @param warmUpNanos a first stretch at the same rate that is not recorded
     */
    static Outcome run(CheckpointStore store, String app, byte[] state, double perSecond, long durationNanos,
                       long warmUpNanos) {
        Histogram h = new Histogram(HIGHEST_MICROS, 3);
        long interval = (long)(1e9 / perSecond);
        int errors = 0;
        String firstError = null;
        long start = System.nanoTime();
        long recordFrom = start + warmUpNanos;
        long end = recordFrom + durationNanos;
        for (long due = start; due < end; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0)
                LockSupport.parkNanos(wait);
            try {
                store.save(app, state);
            }
            catch (RuntimeException e) {
                errors++;
                if (firstError == null)
                    firstError = e.toString();
            }
            if (due >= recordFrom)
                h.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - due) / 1000));
        }
        return new Outcome(h, errors, firstError);
    }
}
