package dev.spillway.client;

import dev.spillway.CheckpointInfo;
import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Begun;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.Reply;
import dev.spillway.wire.ChunkingWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Future;
import org.apache.ignite.client.ClientCache;

/**
 * Writes one checkpoint over a thin client. The write session lives on the home server ({@link Begun#node()}),
 * which places the chunks and commits the manifest; the bytes go as single-key puts on the chunk cache, which the
 * thin client's partition awareness sends straight to each chunk's primary node (the 2.17 thin client has no data
 * streamer, and its putAll goes whole to one node). A bounded window of puts is in flight; a chunk buffer is
 * reused only once its put has completed, which with FULL_SYNC means every copy is stored; an array the
 * application handed over is sent as it is and never reused.
 */
final class ThinWriter extends ChunkingWriter {
    private final Begun begun;
    private final CheckpointService session;
    private final ClientCache<ChunkKey, byte[]> chunks;
    private final int window;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private final long renewEveryNanos;
    private final Duration timeout;
    private final String home;
    private int[] planned;
    private int plannedFrom;
    private long lastCall = System.nanoTime();

    /** A put in flight; {@code buffer} is null for an array the application handed over (never filled again). */
    private record InFlight(ChunkKey key, Future<Void> put, byte[] buffer) {
    }

    /**
     * @param timeout the longest a chunk put waits (control calls wait the thin client's own request timeout)
     * @param home the home server's consistent id, for messages
     */
    ThinWriter(Begun begun, CheckpointService session, ClientCache<ChunkKey, byte[]> chunks, int windowBytes,
               Duration timeout, String home) {
        super(begun.application(), begun.checkpointId(), begun.chunkSize());
        this.begun = begun;
        this.session = session;
        this.chunks = chunks;
        this.window = Math.max(2, windowBytes / begun.chunkSize());
        this.planned = begun.partitions();
        this.renewEveryNanos = begun.leaseTimeoutMillis() * 1_000_000L / 3;
        this.timeout = timeout;
        this.home = home;
    }

    @Override
    protected int partition(int index) {
        if (index - plannedFrom >= planned.length) {
            planned = Reply.value(session.partitions(begun.session(), index));
            plannedFrom = index;
            lastCall = System.nanoTime();
        }
        else if (System.nanoTime() - lastCall >= renewEveryNanos) {
            Reply.value(session.renew(begun.session()));
            lastCall = System.nanoTime();
        }
        return planned[index - plannedFrom];
    }

    @Override
    protected void send(ChunkKey key, byte[] chunk, boolean reusable) {
        while (inFlight.size() >= window)
            completeOldest();
        Future<Void> put = SpillwayClient.start(() -> chunks.putAsync(key, chunk), timeout,
            "requesting to store chunk " + key.index() + " of " + label());
        inFlight.add(new InFlight(key, put, reusable ? chunk : null));
    }

    @Override
    protected byte[] nextBuffer() {
        if (spare.isEmpty() && inFlight.size() >= window)
            completeOldest();
        return spare.isEmpty() ? new byte[begun.chunkSize()] : spare.poll();
    }

    /** Waits for the oldest put in flight; its buffer, if one of ours, is filled again. */
    private void completeOldest() {
        InFlight oldest = inFlight.poll();
        await(oldest);
        if (oldest.buffer() != null)
            spare.add(oldest.buffer());
    }

    @Override
    protected void awaitStored() {
        while (!inFlight.isEmpty())
            await(inFlight.poll());
    }

    @Override
    protected CheckpointInfo commitManifest(long size, int[] lengths, int[] checksums) {
        return Reply.value(session.commit(begun.session(), size, lengths, checksums));
    }

    @Override
    protected void discard(int sent) {
        // Let the puts in flight finish (or fail) first, so none lands after the session removed the chunks; all of
        // them within one timeout.
        long deadline = System.nanoTime() + timeout.toNanos();
        for (InFlight f : inFlight) {
            try {
                f.put().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException | TimeoutException e) {
                // A put that failed stored nothing; one that did not answer may land late, for the sweep.
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        inFlight.clear();
        try {
            Reply.value(session.abort(begun.session(), sent));
        }
        catch (RuntimeException e) {
            // The home server is gone or the session lapsed: its claim lapses and the reclaimer removes the chunks.
        }
    }

    @Override
    protected RuntimeException failure(RuntimeException e, String doing) {
        if (e instanceof SpillwayException || e instanceof IllegalStateException)
            return e;
        if (SpillwayClient.timedOut(e))
            return new OperationTimeoutException(doing + " " + label() + " (a call to its home server)", home,
                timeout, e);
        return new SpillwayException("Checkpoint " + label() + " failed while " + doing + " over the thin client: "
            + e.getMessage(), e);
    }

    private void await(InFlight f) {
        try {
            f.put().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            throw new OperationTimeoutException("storing chunk " + f.key().index() + " of " + label(),
                "the primary of partition " + f.key().partition(), timeout, e);
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException r ? r : new SpillwayException("A chunk put failed: " + cause,
                cause);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpillwayException("Interrupted while a chunk was stored", e);
        }
    }
}
