package dev.spillway.wire;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointIntegrityException;
import dev.spillway.CheckpointWriter;
import dev.spillway.InvalidArgumentException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * What every checkpoint writer does with the bytes, whichever way it reaches the cluster: cuts them into chunks,
 * hashes each chunk's content, and either names a chunk already stored for the application with the same content
 * (in the base checkpoint, or earlier in this one) or hands the chunk, keyed with the partition its placement chose
 * and with its CRC32C, to the data path. What the application marks {@linkplain #unchanged unchanged} is named in
 * the base without being read or hashed. Subclasses are the data paths (a data streamer on a node, single-key
 * puts over a thin client) and the control path that places chunks and commits the manifest.
 */
public abstract class ChunkingWriter extends CheckpointWriter {
    private enum State { OPEN, COMMITTED, ABORTED }

    /** A content hash, as the map of stored chunks looks it up. */
    private record Hash(long high, long low) {
    }

    /** A chunk of a table, whose stored bytes a later chunk with the same content names. */
    private record Stored(ChunkTable table, int row) {
    }

    private final String application;
    private final long checkpointId;
    private final int chunkSize;
    /** The checkpoint this one may name stored chunks of, or null. */
    private final Manifest base;
    private final ChunkCodec codec;
    /** Whether chunks are hashed and found by content; off, every chunk is stored and none hashed. */
    private final boolean deduplicate;
    private final CRC32C crc = new CRC32C();
    private final long[] hash = new long[2];
    /** The stored chunks this checkpoint may name, by content: the base's, then its own as they are stored. */
    private final Map<Hash, Stored> known = new HashMap<>();
    private final ChunkTable table = new ChunkTable();
    private State state = State.OPEN;
    private byte[] buffer;
    private int pos;
    private long size;
    /** Chunks this checkpoint stored itself (sent to the data path) so far. */
    private int stored;
    private long storedBytes;

    /**
     * @param base the committed checkpoint whose stored chunks this one may name (the write session's, kept while it
     *     is written), or null
     * @param codec how the chunks this checkpoint stores are compressed
     * @param deduplicate whether chunks are hashed and found by content (off: every chunk stored, none hashed)
     */
    protected ChunkingWriter(String application, long checkpointId, int chunkSize, Manifest base, ChunkCodec codec,
                             boolean deduplicate) {
        this.application = application;
        this.checkpointId = checkpointId;
        this.chunkSize = chunkSize;
        this.base = base;
        this.codec = codec;
        this.deduplicate = deduplicate;
        if (base != null && deduplicate) {
            ChunkTable t = base.table();
            for (int i = 0; i < t.size(); i++) {
                // A chunk saved without deduplication has no hash (0, 0): it is named only by an unchanged range. A
                // damaged chunk (no healthy copy left) is never named again: a new checkpoint stores its content anew.
                if ((t.hashHigh(i) != 0 || t.hashLow(i) != 0) && !base.isDamaged(i))
                    known.putIfAbsent(new Hash(t.hashHigh(i), t.hashLow(i)), new Stored(t, i));
            }
        }
    }

    /** The partition stored chunk {@code index} goes to; places more chunks when needed. */
    protected abstract int partition(int index);

    /**
     * The stored bytes of a chunk of the base, read from the cluster (null when missing): for a range marked
     * unchanged that begins or ends inside a chunk.
     */
    protected abstract byte[] readStored(ChunkKey key);

    /**
     * Stores (or starts storing) a chunk. A {@code reusable} chunk is one of {@link #nextBuffer}'s buffers, to be
     * filled again once stored; otherwise it is an array the application handed over, which is never written to.
     */
    protected abstract void send(ChunkKey key, byte[] chunk, boolean reusable);

    /** A buffer of {@code chunkSize} bytes to fill next: a new one, or one whose chunk is stored. */
    protected abstract byte[] nextBuffer();

    /** Waits until every chunk sent is stored, backups included. */
    protected abstract void awaitStored();

    /** Commits the manifest of {@code chunks} and releases the checkpoint's reservation. */
    protected abstract CheckpointInfo commitManifest(long size, ChunkTable chunks);

    /** Removes whatever was stored of the first {@code sent} stored chunks and releases the reservation. */
    protected abstract void discard(int sent);

    /** The exception to throw for a failure of the data or control path while {@code doing}. */
    protected abstract RuntimeException failure(RuntimeException e, String doing);

    /** Runs once, when the writer has committed or aborted: what the writer held can be given back. */
    protected void finished() {
    }

    /**
     * Called for every chunk named rather than stored (found by its hash, or marked unchanged): keeps the session
     * alive (its lease and claim renewed when due) while no chunk is placed, as placing a chunk does. A save of a
     * large state that changed little may name chunks for longer than the lease timeout.
     */
    protected void keepAlive() {
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

    @Override
    public final long baseCheckpointId() {
        return base == null ? 0 : base.checkpointId();
    }

    /** Bytes this checkpoint stored itself so far, as stored (compressed or not): what it sent, not what it named. */
    public final long storedBytes() {
        return storedBytes;
    }

    /** Chunks this checkpoint stored itself (sent) so far. */
    protected final int chunks() {
        return stored;
    }

    @Override
    public final void unchanged(long length) {
        ensureOpen();
        if (length < 0)
            throw new InvalidArgumentException("length", "Checkpoint " + label() + ": an unchanged range of "
                + length + " bytes; a length is 0 or more");
        if (base == null)
            throw new IllegalStateException("Checkpoint " + label() + " has no base: no checkpoint of " + application
                + " was committed when it began, so no bytes are unchanged from one; write them");
        if (size + length > base.size())
            throw new InvalidArgumentException("length", "Checkpoint " + label() + ": bytes " + size + " to "
                + (size + length) + " cannot be unchanged from checkpoint " + base.checkpointId() + ", which has "
                + base.size() + " bytes");
        int i = -1;
        try {
            while (length > 0) {
                i = (int)(size / chunkSize);
                int offset = (int)(size % chunkSize);
                int baseLength = base.length(i);
                if (offset == 0 && baseLength == chunkSize && length >= chunkSize && !base.isDamaged(i)) {
                    // A whole chunk: named as the base names it, neither read nor hashed.
                    table.addFrom(base.table(), i);
                    size += chunkSize;
                    length -= chunkSize;
                    keepAlive();
                    continue;
                }
                // Part of a chunk: its bytes are read from the base and written like any others.
                int n = (int)Math.min(length, baseLength - offset);
                write(baseChunk(i), offset, n);
                length -= n;
            }
        }
        catch (RuntimeException e) {
            if (state == State.OPEN)
                abandon();
            throw e instanceof CheckpointIntegrityException ? e
                : failure(e, "reading chunk " + i + " of its base " + application + "/" + base.checkpointId());
        }
    }

    /** Chunk {@code i} of the base, read and verified. */
    private byte[] baseChunk(int i) {
        byte[] b = readStored(base.key(i));
        if (b == null)
            throw new CheckpointIntegrityException(application, base.checkpointId(), i, "the chunk is missing ("
                + "partition " + base.partition(i) + ") while checkpoint " + label() + " named it unchanged");
        return ChunkReader.verified(base, i, b, crc);
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
            CheckpointInfo info = commitManifest(size, table.trimmed());
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
            boolean whole = len == buffer.length;
            Hash h = null;
            Stored same = null;
            if (deduplicate) {
                ContentHash.of(buffer, 0, len, hash);
                h = new Hash(hash[0], hash[1]);
                same = known.get(h);
            }
            else
                hash[0] = hash[1] = 0;
            if (same != null && same.table().length(same.row()) == len) {
                // Already stored for the application: named, not sent. A buffer of ours is filled again.
                table.addFrom(same.table(), same.row());
                if (!(reusable && whole))
                    buffer = null;
                pos = 0;
                keepAlive();
                return;
            }
            int index = stored;
            int partition = partition(index);
            byte[] compressed = codec.encode(buffer, len);
            byte[] chunk = compressed != null ? compressed : whole ? buffer : Arrays.copyOf(buffer, len);
            crc.reset();
            crc.update(chunk, 0, chunk.length);
            table.add(len, hash[0], hash[1], partition, checkpointId, index, chunk.length, (int)crc.getValue(),
                codec.lastCodec());
            if (h != null)
                known.putIfAbsent(h, new Stored(table, table.size() - 1));
            send(new ChunkKey(partition, application, checkpointId, index), chunk,
                compressed == null && reusable && whole);
            stored++;
            storedBytes += chunk.length;
            // A buffer of ours whose bytes went compressed is filled again at once.
            if (!(compressed != null && reusable && whole))
                buffer = null;
            pos = 0;
        }
        catch (RuntimeException e) {
            abandon();
            throw failure(e, "storing chunk " + stored);
        }
    }

    private byte[] freshBuffer() {
        try {
            return nextBuffer();
        }
        catch (RuntimeException e) {
            abandon();
            throw failure(e, "storing chunk " + (stored - 1));
        }
    }

    private void abandon() {
        state = State.ABORTED;
        buffer = null;
        try {
            discard(stored);
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
