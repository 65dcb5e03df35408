package dev.spillway.wire;

import dev.spillway.CheckpointInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a committed checkpoint is: its chunks in order ({@link ChunkTable}: each chunk's length, content hash, and
 * the stored chunk that holds its bytes, its own or one an earlier checkpoint of the application stored), its size
 * and origin. Kept in the application's catalog entry, written only after every chunk copy is stored, and sent to
 * a thin client that reads the checkpoint.
 */
public final class Manifest implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final String application;
    private final long checkpointId;
    private final long size;
    private final ChunkTable chunks;
    private final String originNode;
    private final long startedAt;
    private final long committedAt;
    /** Chunks with no healthy copy left, as the integrity scrub found them, ascending; empty when none. */
    private final int[] damaged;

    /**
     * @param chunks the chunks, chunk 0 first
     * @param originNode the consistent id of the node whose partitions the checkpoint filled first
     * @param startedAt when the checkpoint began (epoch millis)
     * @param committedAt when it was committed (epoch millis)
     */
    public Manifest(String application, long checkpointId, long size, ChunkTable chunks, String originNode,
                    long startedAt, long committedAt) {
        this(application, checkpointId, size, chunks.trimmed(), originNode, startedAt, committedAt, new int[0]);
    }

    private Manifest(String application, long checkpointId, long size, ChunkTable chunks, String originNode,
                     long startedAt, long committedAt, int[] damaged) {
        this.application = application;
        this.checkpointId = checkpointId;
        this.size = size;
        this.chunks = chunks;
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

    /** Bytes the application wrote. */
    public long size() {
        return size;
    }

    public int chunks() {
        return chunks.size();
    }

    /** The chunks, in order. */
    public ChunkTable table() {
        return chunks;
    }

    /** The key chunk {@code index}'s bytes are stored under (another checkpoint's, for a reference). */
    public ChunkKey key(int index) {
        return chunks.key(application, index);
    }

    /** The partition of chunk {@code index}'s stored bytes. */
    public int partition(int index) {
        return chunks.partition(index);
    }

    /** Bytes of chunk {@code index} as the application wrote them. */
    public int length(int index) {
        return chunks.length(index);
    }

    /** Bytes stored for chunk {@code index}. */
    public int storedLength(int index) {
        return chunks.storedLength(index);
    }

    /** The CRC32C of chunk {@code index}'s stored bytes. */
    public int checksum(int index) {
        return chunks.checksum(index);
    }

    /** Whether chunk {@code index}'s bytes are stored by this checkpoint (not a reference to another's). */
    public boolean ownChunk(int index) {
        return chunks.home(index) == checkpointId;
    }

    public String originNode() {
        return originNode;
    }

    /** Whether chunk {@code index} has no healthy copy left (the integrity scrub marked it). */
    public boolean isDamaged(int index) {
        return damaged != null && Arrays.binarySearch(damaged, index) >= 0;
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
        return new Manifest(application, checkpointId, size, chunks, originNode, startedAt, committedAt, more);
    }

    /** Bytes of the chunks this checkpoint stored itself (each stored chunk once), as stored. */
    public long ownBytes() {
        long sum = 0;
        java.util.BitSet seen = new java.util.BitSet();
        for (int i = 0; i < chunks.size(); i++) {
            if (chunks.home(i) == checkpointId && !seen.get(chunks.storedIndex(i))) {
                seen.set(chunks.storedIndex(i));
                sum += chunks.storedLength(i);
            }
        }
        return sum;
    }

    public CheckpointInfo info() {
        return new CheckpointInfo(application, checkpointId, size, chunks.size(), originNode,
            Instant.ofEpochMilli(committedAt), Duration.ofMillis(Math.max(0, committedAt - startedAt)),
            Arrays.stream(damagedChunks()).boxed().toList(), ownBytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Manifest m && application.equals(m.application) && checkpointId == m.checkpointId
            && size == m.size && chunks.equals(m.chunks) && Objects.equals(originNode, m.originNode)
            && startedAt == m.startedAt && committedAt == m.committedAt
            && Arrays.equals(damagedChunks(), m.damagedChunks());
    }

    @Override
    public int hashCode() {
        return Objects.hash(application, checkpointId, committedAt);
    }

    @Override
    public String toString() {
        return "Manifest[" + application + "/" + checkpointId + " " + size + " bytes in " + chunks.size()
            + " chunk(s)]";
    }
}
