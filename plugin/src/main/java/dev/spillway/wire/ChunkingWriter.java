package dev.spillway.wire;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointWriter;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What every checkpoint writer does with the bytes, whichever way it reaches the cluster: cuts them into chunks,
 * computes each chunk's CRC32C and length for the manifest, and hands each chunk, keyed with the partition its
 * placement chose, to the data path. Subclasses are the data paths (a data streamer on a node, single-key puts
 * over a thin client) and the control path that places chunks and commits the manifest.
 */
public abstract class ChunkingWriter extends CheckpointWriter {
    private static final int FIRST_CHUNKS = 16;

    private enum State { OPEN, COMMITTED, ABORTED }

    private final String application;
    private final long checkpointId;
    private final int chunkSize;
    private final CRC32C crc = new CRC32C();
    private State state = State.OPEN;
    private byte[] buffer;
    private int pos;
    private long size;
    private int chunks;
    private int[] lengths = new int[FIRST_CHUNKS];
    private int[] checksums = new int[FIRST_CHUNKS];

    protected ChunkingWriter(String application, long checkpointId, int chunkSize) {
        this.application = application;
        this.checkpointId = checkpointId;
        this.chunkSize = chunkSize;
    }

    /** The partition chunk {@code index} goes to; places more chunks when needed. */
    protected abstract int partition(int index);

    /**
     * Stores (or starts storing) a chunk. A {@code reusable} chunk is one of {@link #nextBuffer}'s buffers, to be
     * filled again once stored; otherwise it is an array the application handed over, which is never written to.
     */
    protected abstract void send(ChunkKey key, byte[] chunk, boolean reusable);

    /** A buffer of {@code chunkSize} bytes to fill next: a new one, or one whose chunk is stored. */
    protected abstract byte[] nextBuffer();

    /** Waits until every chunk sent is stored, backups included. */
    protected abstract void awaitStored();

    /** Commits the manifest of chunks 0 .. lengths.length - 1 and releases the checkpoint's reservation. */
    protected abstract CheckpointInfo commitManifest(long size, int[] lengths, int[] checksums);

    /** Removes whatever was stored of the first {@code sent} chunks and releases the reservation. */
    protected abstract void discard(int sent);

    /** The exception to throw for a failure of the data or control path while {@code doing}. */
    protected abstract RuntimeException failure(RuntimeException e, String doing);

    /** Runs once, when the writer has committed or aborted: what the writer held can be given back. */
    protected void finished() {
    }

    @Override
    public final String application() {
        return application;
    }

    @Override
    public final long checkpointId() {
        return checkpointId;
    }

    @Override
    public final long size() {
        return size;
    }

    /** Chunks sent so far. */
    protected final int chunks() {
        return chunks;
    }

    @Override
    public final void write(int b) {
        ensureOpen();
        if (buffer == null)
            buffer = freshBuffer();
        buffer[pos++] = (byte)b;
        size++;
        if (pos == chunkSize)
            emit(chunkSize, true);
    }

    @Override
    public final void handOver(byte[] b) {
        ensureOpen();
        if (pos != 0 || b.length != chunkSize) {
            write(b, 0, b.length);
            return;
        }
        // The application's array is the chunk as it is: no copy, and the data path never fills it again.
        buffer = b;
        size += b.length;
        emit(chunkSize, false);
    }

    @Override
    public final int chunkSize() {
        return chunkSize;
    }

    @Override
    public final void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            if (buffer == null)
                buffer = freshBuffer();
            int n = Math.min(len, chunkSize - pos);
            System.arraycopy(b, off, buffer, pos, n);
            pos += n;
            off += n;
            len -= n;
            size += n;
            if (pos == chunkSize)
                emit(chunkSize, true);
        }
    }

    @Override
    public final CheckpointInfo commit() {
        ensureOpen();
        try {
            if (pos > 0)
                emit(pos, true);
            awaitStored();
            CheckpointInfo info = commitManifest(size, Arrays.copyOf(lengths, chunks),
                Arrays.copyOf(checksums, chunks));
            state = State.COMMITTED;
            buffer = null;
            finished();
            return info;
        }
        catch (RuntimeException e) {
            if (state == State.OPEN)
                abandon();
            throw failure(e, "committing");
        }
    }

    @Override
    public final void abort() {
        if (state == State.OPEN)
            abandon();
    }

    private void emit(int len, boolean reusable) {
        try {
            int partition = partition(chunks);
            boolean whole = len == buffer.length;
            byte[] chunk = whole ? buffer : Arrays.copyOf(buffer, len);
            crc.reset();
            crc.update(chunk, 0, len);
            if (chunks == lengths.length) {
                lengths = Arrays.copyOf(lengths, chunks * 2);
                checksums = Arrays.copyOf(checksums, chunks * 2);
            }
            lengths[chunks] = len;
            checksums[chunks] = (int)crc.getValue();
            send(new ChunkKey(partition, application, checkpointId, chunks), chunk, reusable && whole);
            chunks++;
            buffer = null;
            pos = 0;
        }
        catch (RuntimeException e) {
            abandon();
            throw failure(e, "storing chunk " + chunks);
        }
    }

    private byte[] freshBuffer() {
        try {
            return nextBuffer();
        }
        catch (RuntimeException e) {
            abandon();
            throw failure(e, "storing chunk " + (chunks - 1));
        }
    }

    private void abandon() {
        state = State.ABORTED;
        buffer = null;
        try {
            discard(chunks);
        }
        finally {
            finished();
        }
    }

    private void ensureOpen() {
        if (state != State.OPEN)
            throw new IllegalStateException("Checkpoint writer " + label() + " is "
                + state.name().toLowerCase() + ": it accepts no more bytes");
    }

    protected final String label() {
        return application + "/" + checkpointId;
    }
}
