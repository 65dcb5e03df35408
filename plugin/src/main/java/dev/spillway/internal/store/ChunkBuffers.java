package dev.spillway.internal.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A writer's chunk buffers, reused so that a checkpoint of any size allocates at most {@link #MAX_BYTES} worth of
 * them. Once that many chunks have been handed to the streamer since its last flush, {@link #next()} flushes it
 * (waiting until every copy of every chunk is stored) and takes the buffers back. That bounds a writer's memory, spares
 * the heap a large allocation per chunk, and surfaces a failed store within a few chunks rather than at commit.
 *
 * <p>Why a flush and not each chunk's own future: the future {@code IgniteDataStreamer.addData} returns for a single
 * entry completes as soon as the <em>first</em> node it was mapped to has stored it (Ignite 2.17,
 * {@code DataStreamerImpl.load0}: "single key, complete result future right away"). An entry is mapped to every
 * owner of its partition, backups and nodes still rebalancing it included, so the other copies may not be sent yet;
 * reusing the buffer then corrupted them (seen here, with and without backups). Only {@code flush()} and
 * {@code close()} wait for every node.
 */
final class ChunkBuffers {
    /** Bytes of chunks a writer hands to the streamer between two flushes. */
    static final int MAX_BYTES = 32 << 20;
    private static final int MIN_BUFFERS = 4;

    private final int chunkSize;
    private final int maxBuffers;
    private final Runnable flush;
    private final List<byte[]> sent = new ArrayList<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();

    /** @param flush flushes the streamer: when it returns, every chunk handed to it is stored */
    ChunkBuffers(int chunkSize, Runnable flush) {
        this.chunkSize = chunkSize;
        this.maxBuffers = Math.max(MIN_BUFFERS, MAX_BYTES / chunkSize);
        this.flush = flush;
    }

    /** Records a buffer of {@link #next()}'s handed to the streamer, to be taken back after the next flush. */
    void sent(byte[] buffer) {
        sent.add(buffer);
    }

    /** A buffer to fill: a spare one, a new one, or, when the writer has its fill of them, one taken back. */
    byte[] next() {
        if (!spare.isEmpty())
            return spare.poll();
        if (sent.size() < maxBuffers)
            return new byte[chunkSize];
        flush.run();
        spare.addAll(sent);
        sent.clear();
        return spare.isEmpty() ? new byte[chunkSize] : spare.poll();
    }
}
