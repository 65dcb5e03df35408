package dev.spillway.bench;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.SplittableRandom;

/**
 * An application's state for {@code bench incremental}, kept where its writer runs (a node, or the bench process
 * for the thin client) and changed between saves as an application changes its state: a given fraction of its
 * chunks, chosen at random, each with a new stamp; the rest as they were. Two contents: random bytes (nothing to
 * compress), and records of a simulation-like state (a counter, a quantised walk, 8 random bytes, 8 zero bytes and
 * one of 8 patterns per 64 bytes; LZ4 about 3:1). Not thread-safe: one writer.
 */
final class IncrementalState {
    /** What the state holds. */
    enum Content { RANDOM, COMPRESSIBLE }

    private final byte[][] chunks;
    private final long size;
    private final SplittableRandom choice;
    private BitSet changed = new BitSet();
    private long version;

    IncrementalState(long size, int chunkSize, Content content, long seed) {
        this.size = size;
        int count = Math.toIntExact((size + chunkSize - 1) / chunkSize);
        chunks = new byte[count][];
        SplittableRandom random = new SplittableRandom(seed);
        byte[][] patterns = new byte[8][32];
        for (byte[] p : patterns)
            random.nextBytes(p);
        long id = 0;
        double walk = 0;
        for (int i = 0; i < count; i++) {
            chunks[i] = new byte[(int)Math.min(chunkSize, size - (long)i * chunkSize)];
            ByteBuffer b = ByteBuffer.wrap(chunks[i]).order(ByteOrder.LITTLE_ENDIAN);
            if (content == Content.RANDOM) {
                while (b.remaining() >= Long.BYTES)
                    b.putLong(random.nextLong());
            }
            else {
                while (b.remaining() >= 64) {
                    b.putLong(id++);
                    walk += random.nextDouble() - 0.5;
                    b.putDouble(Math.round(walk * 16) / 16.0);
                    b.putLong(random.nextLong());
                    b.putLong(0);
                    b.put(patterns[random.nextInt(patterns.length)]);
                }
            }
            while (b.hasRemaining())
                b.put((byte)random.nextInt());
        }
        this.choice = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    }

    long size() {
        return size;
    }

    int chunks() {
        return chunks.length;
    }

    /**
     * Changes {@code percent} of the chunks (at least one), chosen at random: each gets the next version's stamp in
     * its first 8 bytes of every 16 KB, which keeps its content's kind. Returns how many changed.
     */
    int change(double percent) {
        version++;
        int n = Math.max(1, (int)Math.round(chunks.length * percent / 100));
        changed = new BitSet(chunks.length);
        if (n >= chunks.length)
            changed.set(0, chunks.length);
        while (changed.cardinality() < n)
            changed.set(choice.nextInt(chunks.length));
        for (int i = changed.nextSetBit(0); i >= 0; i = changed.nextSetBit(i + 1))
            BenchPayload.stamp(chunks[i], version);
        return n;
    }

    /**
     * Saves the state, its chunk arrays handed over; with {@code hint}, the chunks not changed since the last
     * {@link #change} are marked unchanged instead (neither read nor hashed). Returns {start, end, bytes stored,
     * checkpoint id, seconds to begin, seconds writing, seconds to commit}.
     */
    double[] save(CheckpointStore store, String app, boolean hint) {
        double start = NodeJobs.now();
        CheckpointInfo info;
        double begun;
        double written;
        try (CheckpointWriter w = store.begin(app, hint ? 0 : size)) {
            begun = NodeJobs.now();
            boolean againstBase = hint && w.baseCheckpointId() > 0;
            long unchanged = 0;
            for (int i = 0; i < chunks.length; i++) {
                if (againstBase && !changed.get(i)) {
                    unchanged += chunks[i].length;
                    continue;
                }
                if (unchanged > 0) {
                    w.unchanged(unchanged);
                    unchanged = 0;
                }
                w.handOver(chunks[i]);
            }
            if (unchanged > 0)
                w.unchanged(unchanged);
            written = NodeJobs.now();
            info = w.commit();
        }
        double end = NodeJobs.now();
        return new double[] {start, end, info.storedBytes(), info.checkpointId(), begun - start, written - begun,
            end - written};
    }

    /** Restores the application's latest checkpoint and compares it with the state: {start, end, 1 when equal}. */
    double[] restore(CheckpointStore store, String app) {
        double start = NodeJobs.now();
        boolean equal;
        try (CheckpointReader in = store.openLatest(app)) {
            equal = BenchPayload.matches(chunks, in);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new double[] {start, NodeJobs.now(), equal ? 1 : 0};
    }
}
