package dev.spillway;

import java.io.OutputStream;

/**
 * Streams one checkpoint into the cluster. Bytes are cut into chunks as they arrive, so memory stays bounded by a
 * few chunks whatever the state's size. Nothing is visible to readers until {@link #commit()} returns;
 * {@link #abort()}, or {@link #close()} without a commit, discards what was written and frees its space.
 *
 * <p>A checkpoint costs what changed. Each chunk's content is hashed: a chunk whose bytes are already stored for
 * the application (in the {@linkplain #baseCheckpointId base}, the latest checkpoint committed when this one began,
 * or earlier in this one) is named, not stored again. An application that knows which bytes it did not change since
 * the base says so with {@link #unchanged}, and those bytes are neither read nor hashed. Restores are byte-equal
 * either way.
 *
 * <p>Not thread-safe: one thread writes one checkpoint.
 */
public abstract class CheckpointWriter extends OutputStream {

    /** The application this checkpoint belongs to. */
    public abstract String application();

    /** The id this checkpoint will have once committed. */
    public abstract long checkpointId();

    /**
     * Appends bytes to the checkpoint. Full chunks are stored as they fill.
     *
     * @throws CapacityExhaustedException when no node can take the next chunk (the checkpoint is aborted)
     * @throws IllegalStateException when the writer was committed, aborted or closed
     */
    @Override
    public abstract void write(byte[] b, int off, int len);

    @Override
    public abstract void write(int b);

    /** Appends all of {@code b}. */
    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    /**
     * Appends all of {@code b} as {@link #write(byte[])} does, but hands the array over instead of lending it: the
     * writer may store it as it is, without a copy, so {@code b} must not change until {@link #commit()} or
     * {@link #abort()} returns (a state that is kept anyway, or built afresh for each checkpoint, can be handed
     * over). It is stored without a copy when its length is {@link #chunkSize()} and the bytes written before it
     * fill whole chunks; otherwise it is copied like any write.
     *
     * @throws CapacityExhaustedException when no node can take the next chunk (the checkpoint is aborted)
     * @throws IllegalStateException when the writer was committed, aborted or closed
     */
    public void handOver(byte[] b) {
        write(b, 0, b.length);
    }

    /**
     * The checkpoint this one is written against: the application's latest committed checkpoint when this one
     * began, whose stored chunks it may name instead of storing them again; 0 when there was none. An application
     * that tracks what it changed since its own last save checks that this is that save before it uses
     * {@link #unchanged} (another writer of the application may have committed since).
     */
    public abstract long baseCheckpointId();

    /**
     * Appends {@code length} bytes that are the same as the {@linkplain #baseCheckpointId base}'s bytes at the same
     * offsets (from {@link #size()} on): whole chunks of them are named in the base without being read, hashed or
     * sent; a part of a chunk at either end of the range is read from the base and written like any bytes.
     *
     * @throws IllegalStateException when there is no base, or the writer was committed, aborted or closed
     * @throws InvalidArgumentException when the range ends past the base's size, or {@code length} is negative
     */
    public abstract void unchanged(long length);

    /** The size of the chunks this checkpoint is cut into (the cluster's chunk size). */
    public abstract int chunkSize();

    /** Bytes written so far. */
    public abstract long size();

    /**
     * Stores the last chunk, waits until every chunk copy (backups included) is stored, then commits the manifest,
     * which makes the checkpoint the application's latest, and applies retention. The checkpoints retention
     * evicts are invisible at once; their chunks are removed, and the peers' leases released, in the background
     * right after, and their space counts as used until then: on a nearly full cluster a save that follows at
     * once may be refused where one a moment later fits.
     *
     * @throws CapacityExhaustedException when the last chunk finds no room (the checkpoint is aborted)
     * @throws IllegalStateException when the writer was already committed, aborted or closed
     */
    public abstract CheckpointInfo commit();

    /** Discards the checkpoint: its chunks are removed and its reservations released. Idempotent. */
    public abstract void abort();

    /** Aborts the checkpoint unless it was committed. */
    @Override
    public void close() {
        abort();
    }
}
