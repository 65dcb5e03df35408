package dev.spillway.bench;

import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A benchmark state: random, incompressible bytes in chunks, the same for a given size, chunk size and seed in
 * every JVM (the bench process and the node processes generate it themselves rather than ship it). Each JVM keeps
 * the last few it made.
 */
final class BenchPayload {
    private static final Map<String, BenchPayload> MADE = new ConcurrentHashMap<>();

    private final byte[][] chunks;
    private final long size;

    private BenchPayload(byte[][] chunks, long size) {
        this.chunks = chunks;
        this.size = size;
    }

    static BenchPayload of(long size, int chunkSize, long seed) {
        String key = size + "/" + chunkSize + "/" + seed;
        BenchPayload p = MADE.get(key);
        if (p == null) {
            synchronized (MADE) {
                p = MADE.get(key);
                if (p == null) {
                    if (MADE.size() >= 2)
                        MADE.clear();
                    p = make(size, chunkSize, seed);
                    MADE.put(key, p);
                }
            }
        }
        return p;
    }

    private static BenchPayload make(long size, int chunkSize, long seed) {
        int count = Math.toIntExact((size + chunkSize - 1) / chunkSize);
        byte[][] chunks = new byte[count][];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            chunks[i] = new byte[(int)Math.min(chunkSize, size - (long)i * chunkSize)];
            ByteBuffer buf = ByteBuffer.wrap(chunks[i]).order(ByteOrder.LITTLE_ENDIAN);
            while (buf.remaining() >= Long.BYTES)
                buf.putLong(random.nextLong());
            while (buf.hasRemaining())
                buf.put((byte)random.nextInt());
        }
        return new BenchPayload(chunks, size);
    }

    long size() {
        return size;
    }

    /**
     * Writes {@code seq} into the first 8 bytes of every 16 KB of {@code state} (the smallest chunk size), so that
     * each save of it changes every chunk: Spillway stores a chunk whose content is stored already only once, and a
     * bench that measures full saves must not save the same bytes twice.
     */
    static void stamp(byte[] state, long seq) {
        ByteBuffer b = ByteBuffer.wrap(state);
        for (int at = 0; at + Long.BYTES <= state.length; at += 16 << 10)
            b.putLong(at, seq);
    }

    int chunks() {
        return chunks.length;
    }

    byte[] chunk(int i) {
        return chunks[i];
    }

    /**
     * Saves the payload as a checkpoint of {@code app}, chunk by chunk: handed over (the arrays are never changed,
     * so the writer may store them without a copy) or written (copied). Returns {start, end, checkpoint id}, the
     * times by {@link NodeJobs#now()}.
     */
    double[] saveTo(CheckpointStore store, String app, boolean handOver) {
        double start = NodeJobs.now();
        long id;
        try (CheckpointWriter writer = store.begin(app, size)) {
            for (byte[] c : chunks) {
                if (handOver)
                    writer.handOver(c);
                else
                    writer.write(c);
            }
            id = writer.commit().checkpointId();
        }
        return new double[] {start, NodeJobs.now(), id};
    }

    /** Restores {@code app}'s latest checkpoint and compares it with the payload: {start, end, 1 if equal or 0}. */
    double[] restoreFrom(CheckpointStore store, String app) {
        double start = NodeJobs.now();
        boolean ok;
        try (CheckpointReader reader = store.openLatest(app)) {
            ok = matches(reader);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new double[] {start, NodeJobs.now(), ok ? 1 : 0};
    }

    /**
     * Whether {@code in} holds exactly this payload's bytes; reads it whole into one reused buffer, a chunk at a
     * time (as an application reading a stream would, without allocating per read).
     */
    boolean matches(java.io.InputStream in) throws java.io.IOException {
        return matches(chunks, in);
    }

    /** Whether {@code in} holds exactly {@code chunks}' bytes, in order, and nothing more. */
    static boolean matches(byte[][] chunks, java.io.InputStream in) throws java.io.IOException {
        byte[] buf = new byte[chunks.length == 0 ? 1 : chunks[0].length];
        for (byte[] c : chunks) {
            if (in.readNBytes(buf, 0, c.length) != c.length || !Arrays.equals(buf, 0, c.length, c, 0, c.length))
                return false;
        }
        return in.read() == -1;
    }
}
