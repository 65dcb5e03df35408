package dev.spillway.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The state the demo saves: random, incompressible bytes held as chunks, so the raw baselines can store each
 * chunk as one cache value and a restore can be compared slice by slice without a second full copy.
 */
final class Payload {
    private final byte[][] chunks;
    private final int chunkSize;
    private final long size;

    private Payload(byte[][] chunks, int chunkSize, long size) {
        this.chunks = chunks;
        this.chunkSize = chunkSize;
        this.size = size;
    }

    /** {@code size} random bytes in chunks of {@code chunkSize} (the last one may be shorter). */
    static Payload random(long size, int chunkSize, long seed) {
        int count = Math.toIntExact((size + chunkSize - 1) / chunkSize);
        byte[][] chunks = new byte[count][];
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            chunks[i] = new byte[(int)Math.min(chunkSize, size - (long)i * chunkSize)];
            fill(chunks[i], random);
        }
        return new Payload(chunks, chunkSize, size);
    }

    private static void fill(byte[] chunk, SplittableRandom random) {
        ByteBuffer buf = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.remaining() >= Long.BYTES)
            buf.putLong(random.nextLong());
        while (buf.hasRemaining())
            buf.put((byte)random.nextInt());
    }

    long size() {
        return size;
    }

    int chunkCount() {
        return chunks.length;
    }

    byte[] chunk(int i) {
        return chunks[i];
    }

    /** A fresh comparison of a byte stream against this payload, from its first byte. */
    Check check() {
        return new Check();
    }

    /** Compares bytes as they arrive with the payload at the same position; remembers the first difference. */
    final class Check {
        private long position;
        private long firstMismatch = -1;

        void accept(byte[] buf, int off, int len) {
            while (len > 0 && firstMismatch < 0) {
                if (position >= size) {
                    firstMismatch = position;
                    return;
                }
                byte[] chunk = chunks[(int)(position / chunkSize)];
                int in = (int)(position % chunkSize);
                int n = Math.min(len, chunk.length - in);
                int diff = Arrays.mismatch(buf, off, off + n, chunk, in, in + n);
                if (diff >= 0) {
                    firstMismatch = position + diff;
                    return;
                }
                position += n;
                off += n;
                len -= n;
            }
        }

        long position() {
            return position;
        }

        /** Whether every byte matched and the stream had exactly the payload's length. */
        boolean matches() {
            return firstMismatch < 0 && position == size;
        }

        String describe() {
            if (firstMismatch >= 0)
                return "first difference at byte " + firstMismatch;
            if (position != size)
                return "stream ended after " + position + " of " + size + " bytes";
            return "all " + size + " bytes equal";
        }
    }
}
