package dev.spillway.wire;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointIntegrityException;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.CheckpointReader;
import dev.spillway.InvalidArgumentException;
import dev.spillway.OperationTimeoutException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.zip.CRC32C;

/**
 * Reads a committed checkpoint back: fetches a small window of chunks ahead, verifies each chunk's length and
 * CRC32C against the manifest before handing out any of its bytes. The fetch is the data path: an asynchronous
 * get on a node's chunk cache, or a thin client's, which asks each chunk's primary node directly.
 */
public final class ChunkReader extends CheckpointReader {
    /** The pause between reads of a chunk that was not found while partitions moved. */
    static final long AGAIN_MILLIS = 100;
    private final Function<ChunkKey, Supplier<byte[]>> fetch;
    private final Manifest manifest;
    private final Supplier<ChunkAbsence> absence;
    private final Duration timeout;
    private final int window;
    private final ArrayDeque<Supplier<byte[]>> ahead = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private int fetched;
    private int index = -1;
    private byte[] current;
    private int pos;
    private final Consumer<CheckpointIntegrityException> onClose;
    /** The integrity failure this reader threw, if any: handed to {@link #onClose}. */
    private CheckpointIntegrityException integrityFailure;
    private boolean closed;

    /**
     * @param fetch starts fetching a chunk; the supplier waits for it (null when the chunk is missing)
     * @param absence why a chunk read found nothing, asked each time one did
     * @param timeout the longest a chunk is read again while partitions move
     * @param window chunks fetched ahead
     */
    public ChunkReader(Function<ChunkKey, Supplier<byte[]>> fetch, Manifest manifest,
                       Supplier<ChunkAbsence> absence, Duration timeout, int window) {
        this(fetch, manifest, absence, timeout, window, failure -> { });
    }

    /**
     * @param onClose runs once, at the first {@link #close}, given the integrity failure the reader threw or null
     *     (gives back what the reader held, counts the restore)
     */
    public ChunkReader(Function<ChunkKey, Supplier<byte[]>> fetch, Manifest manifest,
                       Supplier<ChunkAbsence> absence, Duration timeout, int window,
                       Consumer<CheckpointIntegrityException> onClose) {
        this.fetch = fetch;
        this.manifest = manifest;
        this.absence = absence;
        this.timeout = timeout;
        this.window = Math.max(1, window);
        this.onClose = onClose;
    }

    @Override
    public CheckpointInfo info() {
        return manifest.info();
    }

    @Override
    public int read() {
        if (!ready())
            return -1;
        return current[pos++] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0)
            return 0;
        int total = 0;
        while (len > 0 && ready()) {
            int n = Math.min(len, current.length - pos);
            System.arraycopy(current, pos, b, off, n);
            pos += n;
            off += n;
            len -= n;
            total += n;
        }
        return total == 0 ? -1 : total;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.length - pos;
    }

    @Override
    public void close() {
        if (closed)
            return;
        closed = true;
        current = null;
        ahead.clear();
        onClose.accept(integrityFailure);
    }

    /** Whether bytes are available in the current chunk, moving to the next verified chunk when needed. */
    private boolean ready() {
        try {
            return advance();
        }
        catch (CheckpointIntegrityException e) {
            integrityFailure = e;
            throw e;
        }
    }

    private boolean advance() {
        if (closed)
            throw new IllegalStateException("Reader of checkpoint " + label() + " is closed");
        if (index < 0)
            refuseIfDamaged();
        while (current == null || pos == current.length) {
            if (index + 1 >= manifest.chunks())
                return false;
            while (fetched < manifest.chunks() && ahead.size() < window)
                ahead.add(fetch.apply(manifest.key(fetched++)));
            index++;
            current = verified(index, ahead.poll().get());
            pos = 0;
        }
        return true;
    }

    /** Fails at the first read of a checkpoint the integrity scrub marked damaged, naming its first such chunk. */
    private void refuseIfDamaged() {
        int[] damaged = manifest.damagedChunks();
        if (damaged.length > 0)
            throw new CheckpointIntegrityException(manifest.application(), manifest.checkpointId(), damaged[0],
                "no healthy copy of it is left: the integrity scrub marked the checkpoint damaged (chunks "
                    + Arrays.toString(damaged) + ")");
    }

    private byte[] verified(int i, byte[] chunk) {
        return verified(manifest, i, chunk == null ? readAgain(i) : chunk, crc);
    }

    /**
     * Chunk {@code i}'s bytes as the application wrote them, from {@code chunk}, its stored bytes, once their length
     * and CRC32C match {@code manifest} and they decode to the chunk's length: the one check of stored bytes, for a
     * restore and for a writer reading back part of its base.
     *
     * @throws CheckpointIntegrityException naming the checkpoint, the chunk and what did not match
     */
    static byte[] verified(Manifest manifest, int i, byte[] chunk, CRC32C crc) {
        if (chunk.length != manifest.storedLength(i))
            throw new CheckpointIntegrityException(manifest.application(), manifest.checkpointId(), i,
                "length " + chunk.length + " differs from the manifest's " + manifest.storedLength(i)
                    + " (partition " + manifest.partition(i) + ")");
        crc.reset();
        crc.update(chunk, 0, chunk.length);
        int actual = (int)crc.getValue();
        if (actual != manifest.checksum(i))
            throw new CheckpointIntegrityException(manifest.application(), manifest.checkpointId(), i,
                String.format("CRC32C 0x%08x differs from the manifest's 0x%08x (partition %d)", actual,
                    manifest.checksum(i), manifest.partition(i)));
        try {
            return ChunkCodec.decode(manifest.table().codec(i), chunk, manifest.length(i));
        }
        catch (IllegalArgumentException e) {
            throw new CheckpointIntegrityException(manifest.application(), manifest.checkpointId(), i,
                "its stored bytes match their CRC32C but do not decode (partition " + manifest.partition(i) + "): "
                    + e.getMessage());
        }
    }

    /**
     * Reads chunk {@code i} again after a read found nothing: while partitions move, every {@value #AGAIN_MILLIS} ms
     * for at most the timeout; once none moves, once more (they may have settled just after the read). Missing from
     * that read too, the chunk has no copy left.
     */
    private byte[] readAgain(int i) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ChunkAbsence why = absence.get();
            if (why == ChunkAbsence.REMOVED)
                throw new CheckpointNotFoundException("Checkpoint " + label() + " was removed while it was read: "
                    + "retention removes a checkpoint once newer commits leave it out of the newest kept, and a "
                    + "delete at once; open the latest instead");
            if (why == ChunkAbsence.MOVING) {
                if (System.nanoTime() > deadline)
                    throw new OperationTimeoutException("reading chunk " + i + " of " + label() + " (partition "
                        + manifest.partition(i) + "), not found while partitions kept moving", "(any)", timeout,
                        null);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(AGAIN_MILLIS));
            }
            byte[] chunk = fetch.apply(manifest.key(i)).get();
            if (chunk != null)
                return chunk;
            if (why == ChunkAbsence.SETTLED)
                throw new CheckpointIntegrityException(manifest.application(), manifest.checkpointId(), i,
                    "the chunk is missing (partition " + manifest.partition(i) + "), read again once no partition "
                        + "was moving");
        }
    }

    private String label() {
        return manifest.application() + "/" + manifest.checkpointId();
    }

    /** Reads a checkpoint whole into one array, and closes the reader. */
    public static byte[] readAll(CheckpointReader reader) {
        try (reader) {
            long size = reader.info().size();
            if (size > Integer.MAX_VALUE - 8)
                throw new InvalidArgumentException("checkpointId", "Checkpoint " + reader.info().application()
                    + "/" + reader.info().checkpointId() + " has " + size + " bytes, more than a byte[] holds; "
                    + "read it with open() instead");
            byte[] out = new byte[(int)size];
            int n = reader.readNBytes(out, 0, out.length);
            if (n != out.length)
                throw new IllegalStateException("Checkpoint ended after " + n + " of " + size + " bytes");
            return out;
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
