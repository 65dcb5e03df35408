package dev.spillway.wire;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The chunks of one checkpoint, in order, as its manifest lists them. Per chunk: what the application wrote (its
 * length and {@link ContentHash}) and where those bytes are stored: the chunk key of the checkpoint that stored them
 * (its {@link #home} and {@link #storedIndex}, in {@link #partition}), with the stored length, the CRC32C of the
 * stored bytes and the codec they were stored with. A chunk the checkpoint stored itself has its own id as home; a
 * chunk whose bytes were already stored for the application (by an earlier checkpoint, or earlier in the same one)
 * is a reference to that stored chunk. Stored chunks are numbered in the order they were stored, 0 first.
 */
public final class ChunkTable implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The codec of bytes stored as they are. */
    public static final byte RAW = 0;
    private static final int FIRST = 16;

    private int count;
    private int[] lengths;
    /** Two longs a chunk. */
    private long[] hashes;
    private int[] partitions;
    private long[] homes;
    private int[] storedIndexes;
    private int[] storedLengths;
    private int[] checksums;
    private byte[] codecs;

    public ChunkTable() {
        this(FIRST);
    }

    private ChunkTable(int capacity) {
        lengths = new int[capacity];
        hashes = new long[2 * capacity];
        partitions = new int[capacity];
        homes = new long[capacity];
        storedIndexes = new int[capacity];
        storedLengths = new int[capacity];
        checksums = new int[capacity];
        codecs = new byte[capacity];
    }

    /**
     * Appends a chunk.
     *
     * @param length bytes the application wrote
     * @param hashHigh the first half of their content hash
     * @param hashLow the second half
     * @param partition the partition of the stored chunk
     * @param home the checkpoint that stored it
     * @param storedIndex its index among that checkpoint's stored chunks
     * @param storedLength bytes stored
     * @param checksum CRC32C of the stored bytes
     * @param codec how the bytes were stored ({@link #RAW}: as they are)
     */
    public void add(int length, long hashHigh, long hashLow, int partition, long home, int storedIndex,
                    int storedLength, int checksum, byte codec) {
        if (count == lengths.length)
            grow(Math.max(FIRST, count * 2));
        lengths[count] = length;
        hashes[2 * count] = hashHigh;
        hashes[2 * count + 1] = hashLow;
        partitions[count] = partition;
        homes[count] = home;
        storedIndexes[count] = storedIndex;
        storedLengths[count] = storedLength;
        checksums[count] = checksum;
        codecs[count] = codec;
        count++;
    }

    /** Appends chunk {@code i} of {@code other} as it is: a reference to the same stored chunk. */
    public void addFrom(ChunkTable other, int i) {
        add(other.lengths[i], other.hashes[2 * i], other.hashes[2 * i + 1], other.partitions[i], other.homes[i],
            other.storedIndexes[i], other.storedLengths[i], other.checksums[i], other.codecs[i]);
    }

    private void grow(int capacity) {
        lengths = Arrays.copyOf(lengths, capacity);
        hashes = Arrays.copyOf(hashes, 2 * capacity);
        partitions = Arrays.copyOf(partitions, capacity);
        homes = Arrays.copyOf(homes, capacity);
        storedIndexes = Arrays.copyOf(storedIndexes, capacity);
        storedLengths = Arrays.copyOf(storedLengths, capacity);
        checksums = Arrays.copyOf(checksums, capacity);
        codecs = Arrays.copyOf(codecs, capacity);
    }

    /** This table with its arrays cut to its chunks: what a manifest keeps. */
    public ChunkTable trimmed() {
        ChunkTable t = new ChunkTable(count);
        t.count = count;
        System.arraycopy(lengths, 0, t.lengths, 0, count);
        System.arraycopy(hashes, 0, t.hashes, 0, 2 * count);
        System.arraycopy(partitions, 0, t.partitions, 0, count);
        System.arraycopy(homes, 0, t.homes, 0, count);
        System.arraycopy(storedIndexes, 0, t.storedIndexes, 0, count);
        System.arraycopy(storedLengths, 0, t.storedLengths, 0, count);
        System.arraycopy(checksums, 0, t.checksums, 0, count);
        System.arraycopy(codecs, 0, t.codecs, 0, count);
        return t;
    }

    /** Chunks in the table. */
    public int size() {
        return count;
    }

    public int length(int i) {
        return lengths[check(i)];
    }

    public long hashHigh(int i) {
        return hashes[2 * check(i)];
    }

    public long hashLow(int i) {
        return hashes[2 * check(i) + 1];
    }

    public int partition(int i) {
        return partitions[check(i)];
    }

    public long home(int i) {
        return homes[check(i)];
    }

    public int storedIndex(int i) {
        return storedIndexes[check(i)];
    }

    public int storedLength(int i) {
        return storedLengths[check(i)];
    }

    public int checksum(int i) {
        return checksums[check(i)];
    }

    public byte codec(int i) {
        return codecs[check(i)];
    }

    /** The key chunk {@code i}'s bytes are stored under. */
    public ChunkKey key(String application, int i) {
        return new ChunkKey(partitions[check(i)], application, homes[i], storedIndexes[i]);
    }

    /** Whether chunks {@code i} of this table and {@code j} of {@code other} say the same in every field. */
    public boolean sameChunk(int i, ChunkTable other, int j) {
        check(i);
        other.check(j);
        return lengths[i] == other.lengths[j] && hashes[2 * i] == other.hashes[2 * j]
            && hashes[2 * i + 1] == other.hashes[2 * j + 1] && partitions[i] == other.partitions[j]
            && homes[i] == other.homes[j] && storedIndexes[i] == other.storedIndexes[j]
            && storedLengths[i] == other.storedLengths[j] && checksums[i] == other.checksums[j]
            && codecs[i] == other.codecs[j];
    }

    /** The sum of the chunks' lengths: the bytes the application wrote. */
    public long logicalBytes() {
        long sum = 0;
        for (int i = 0; i < count; i++)
            sum += lengths[i];
        return sum;
    }

    private int check(int i) {
        if (i < 0 || i >= count)
            throw new IndexOutOfBoundsException("chunk " + i + " of a table of " + count);
        return i;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ChunkTable t) || t.count != count)
            return false;
        for (int i = 0; i < count; i++) {
            if (!sameChunk(i, t, i))
                return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        return count;
    }

    @Override
    public String toString() {
        return "ChunkTable[" + count + " chunk(s), " + logicalBytes() + " bytes]";
    }
}
