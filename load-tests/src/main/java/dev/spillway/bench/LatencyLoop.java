package dev.spillway.bench;

import dev.spillway.CheckpointStore;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Saves one small state again and again at a fixed rate and records each save's latency in microseconds, measured
 * from the moment the save was due, not from when it started: a save that runs late because the one before was
 * slow counts the wait too (coordinated omission corrected), as a client on a fixed schedule would see it. The
 * loop's very first save is reported on its own.
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
        /** The first save of the loop (of this application, on this path), in microseconds; not in the histogram. */
        final long firstSaveMicros;

        Outcome(Histogram h, int errors, String firstError, long firstSaveMicros) {
            ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
            int n = h.encodeIntoCompressedByteBuffer(buf);
            this.histogram = java.util.Arrays.copyOf(buf.array(), n);
            this.errors = errors;
            this.firstError = firstError;
            this.firstSaveMicros = firstSaveMicros;
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
     * Saves at {@code perSecond} for {@code warmUpNanos} unrecorded, then for {@code durationNanos} recorded. The
     * recorded schedule starts when the warm-up ends, so a backlog the warm-up built (the first saves on a cold JVM
     * or a fresh cluster are slow) does not spill into the recorded figures; the first save's own time is kept
     * apart.
     */
    /** The stamp of each save in this JVM, never the same twice. */
    private static final AtomicLong STAMPS = new AtomicLong();

    static Outcome run(CheckpointStore store, String app, byte[] state, double perSecond, long durationNanos,
                       long warmUpNanos) {
        long interval = (long)(1e9 / perSecond);
        // Stamped before each save (a copy: the payload is shared), so that no save finds its chunks stored.
        state = state.clone();
        Histogram h = new Histogram(HIGHEST_MICROS, 3);
        Loop warmUp = new Loop();
        long first = System.nanoTime();
        warmUp.save(store, app, state);
        long firstSaveMicros = (System.nanoTime() - first) / 1000;
        warmUp.pace(store, app, state, first + interval, first + warmUpNanos, interval, null);
        Loop recorded = new Loop();
        long start = System.nanoTime();
        recorded.pace(store, app, state, start, start + durationNanos, interval, h);
        return new Outcome(h, warmUp.errors + recorded.errors,
            warmUp.firstError != null ? warmUp.firstError : recorded.firstError, firstSaveMicros);
    }

    /** Saves on a schedule, counting failures. */
    private static final class Loop {
        int errors;
        String firstError;

        void pace(CheckpointStore store, String app, byte[] state, long from, long until, long interval,
                  Histogram h) {
            for (long due = from; due < until; due += interval) {
                long wait = due - System.nanoTime();
                if (wait > 0)
                    LockSupport.parkNanos(wait);
                save(store, app, state);
                if (h != null)
                    h.recordValue(Math.min(HIGHEST_MICROS, (System.nanoTime() - due) / 1000));
            }
        }

        void save(CheckpointStore store, String app, byte[] state) {
            try {
                // Every save changes every chunk, as a full save does.
                BenchPayload.stamp(state, STAMPS.incrementAndGet());
                store.save(app, state);
            }
            catch (RuntimeException e) {
                errors++;
                if (firstError == null)
                    firstError = e.toString();
            }
        }
    }
}
