package dev.spillway.wire;

import dev.spillway.CheckpointInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a committed checkpoint is: its chunks (partition, length and CRC32C of each, in order), its size and
 * origin. Kept in the application's catalog entry, written only after every chunk copy is stored, and sent to a
 * thin client that reads the checkpoint.
 */
public final class Manifest implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final String application;
    private final long checkpointId;
    private final long size;
    private final int[] partitions;
    private final int[] lengths;
    private final int[] checksums;
    private final String originNode;
    private final long startedAt;
    private final long committedAt;
    /** Chunks with no healthy copy left, as the integrity scrub found them, ascending; empty when none. */
    private final int[] damaged;

    /**
     * @param partitions the partition of each chunk, chunk 0 first
     * @param lengths the length of each chunk
     * @param checksums the CRC32C of each chunk's bytes
     * @param originNode the consistent id of the node whose partitions the checkpoint filled first
     * @param startedAt when the checkpoint began (epoch millis)
     * @param committedAt when it was committed (epoch millis)
     */
    public Manifest(String application, long checkpointId, long size, int[] partitions, int[] lengths,
                    int[] checksums, String originNode, long startedAt, long committedAt) {
        this(application, checkpointId, size, partitions, lengths, checksums, originNode, startedAt, committedAt,
            new int[0]);
    }

    private Manifest(String application, long checkpointId, long size, int[] partitions, int[] lengths,
                     int[] checksums, String originNode, long startedAt, long committedAt, int[] damaged) {
        this.application = application;
        this.checkpointId = checkpointId;
        this.size = size;
        this.partitions = partitions;
        this.lengths = lengths;
        this.checksums = checksums;
        this.originNode = originNode;
        this.startedAt = startedAt;
        this.committedAt = committedAt;
        this.damaged = damaged;
    }

    public String application() {
        return application;
    }

    public long checkpointId() {
        return checkpointId;
    }

    public int chunks() {
        return partitions.length;
    }

    public ChunkKey key(int index) {
        return new ChunkKey(partitions[index], application, checkpointId, index);
    }

    public int partition(int index) {
        return partitions[index];
    }

    /** The partition of every chunk, chunk 0 first (a copy). */
    public int[] partitions() {
        return partitions.clone();
    }

    public int length(int index) {
        return lengths[index];
    }

    public int checksum(int index) {
        return checksums[index];
    }

    public String originNode() {
        return originNode;
    }

    /** The chunks with no healthy copy left, ascending (a copy); empty when the checkpoint is whole. */
    public int[] damagedChunks() {
        return damaged == null ? new int[0] : damaged.clone();
    }

    /** This manifest with chunk {@code index} marked as having no healthy copy left (itself if it is already). */
    public Manifest withDamaged(int index) {
        int[] d = damagedChunks();
        if (Arrays.binarySearch(d, index) >= 0)
            return this;
        int[] more = Arrays.copyOf(d, d.length + 1);
        more[d.length] = index;
        Arrays.sort(more);
        return new Manifest(application, checkpointId, size, partitions, lengths, checksums, originNode, startedAt,
            committedAt, more);
    }

    public CheckpointInfo info() {
        return new CheckpointInfo(application, checkpointId, size, partitions.length, originNode,
            Instant.ofEpochMilli(committedAt), Duration.ofMillis(Math.max(0, committedAt - startedAt)),
            Arrays.stream(damagedChunks()).boxed().toList());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && application.equals(m.application) && checkpointId == m.checkpointId
            && size == m.size && Arrays.equals(partitions, m.partitions) && Arrays.equals(lengths, m.lengths)
            && Arrays.equals(checksums, m.checksums) && Objects.equals(originNode, m.originNode)
            && startedAt == m.startedAt && committedAt == m.committedAt
            && Arrays.equals(damagedChunks(), m.damagedChunks());
    }

    @Override
    public int hashCode() {
        return Objects.hash(application, checkpointId, committedAt);
    }

    @Override
    public String toString() {
        return "Manifest[" + application + "/" + checkpointId + " " + size + " bytes in " + partitions.length
            + " chunk(s)]";
    }
}
