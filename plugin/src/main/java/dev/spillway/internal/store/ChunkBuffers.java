package dev.spillway.internal.store;

import java.util.ArrayDeque;
import org.apache.ignite.lang.IgniteFuture;

/**
 * A writer's chunk buffers. When {@link #MAX_BYTES} worth of chunks are in flight, {@link #next()} waits for the
 * oldest to be stored, so a writer's memory stays bounded by a few chunks and a failed store surfaces at the next
 * chunk rather than at commit.
 *
 * <p>With one copy per chunk (no backups) a buffer is reused once its chunk is stored, which spares the heap a large
 * allocation per chunk. With backups it is not: the future {@code IgniteDataStreamer.addData} returns for a single
 * entry completes when the <em>first</em> node holding a copy has stored it (Ignite 2.17, {@code DataStreamerImpl
 * .load0}: "single key, complete result future right away"), while the other copies may still be waiting to be
 * sent, so reusing the buffer then would corrupt them. Only {@code flush()}/{@code close()} wait for every copy.
 */
final class ChunkBuffers {
    /** Bytes of chunks a writer may have in flight. */
    static final int MAX_BYTES = 16 << 20;
    private static final int MIN_BUFFERS = 4;

    private record InFlight(byte[] buffer, IgniteFuture<?> stored) {
    }

    private final int chunkSize;
    private final int maxInFlight;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();

    private final boolean reuse;

    /** @param reuse whether a buffer may be reused once its chunk's future completes (one copy per chunk) */
    ChunkBuffers(int chunkSize, boolean reuse) {
        this.chunkSize = chunkSize;
        this.reuse = reuse;
        this.maxInFlight = Math.max(MIN_BUFFERS, MAX_BYTES / chunkSize);
    }

    /** Records a buffer handed to the streamer; only full-size buffers come back for reuse. */
    void sent(byte[] buffer, IgniteFuture<?> stored) {
        inFlight.add(new InFlight(reuse && buffer.length == chunkSize ? buffer : null, stored));
    }

    /** A buffer to fill: a spare one, one whose chunk is stored, a new one, or the oldest once its chunk is stored. */
    byte[] next() {
        while (!inFlight.isEmpty() && inFlight.peek().stored().isDone())
            recycle(inFlight.poll());
        if (!spare.isEmpty())
            return spare.poll();
        if (inFlight.size() < maxInFlight)
            return new byte[chunkSize];
        while (spare.isEmpty() && !inFlight.isEmpty())
            recycle(inFlight.poll());
        return spare.isEmpty() ? new byte[chunkSize] : spare.poll();
    }

    /** Waits for the chunk's store (rethrowing its failure) and keeps its buffer. */
    private void recycle(InFlight done) {
        done.stored().get();
        if (done.buffer() != null)
            spare.add(done.buffer());
    }
}
