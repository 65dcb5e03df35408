package dev.spillway.internal.store;

import dev.spillway.CheckpointInfo;
import dev.spillway.internal.placement.ChunkKey;
import java.time.Duration;
import java.time.Instant;

/**
 * What a committed checkpoint is: its chunks (partition, length and CRC32C of each, in order), its size and
 * origin. Stored in the application's {@link AppCatalog}; written only after every chunk copy is stored.
 */
public final class Manifest implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    final String application;
    final long checkpointId;
    final long size;
    final int[] partitions;
    final int[] lengths;
    final int[] checksums;
    final String originNode;
    final long startedAt;
    final long committedAt;

    Manifest(String application, long checkpointId, long size, int[] partitions, int[] lengths, int[] checksums,
             String originNode, long startedAt, long committedAt) {
        this.application = application;
        this.checkpointId = checkpointId;
        this.size = size;
        this.partitions = partitions;
        this.lengths = lengths;
        this.checksums = checksums;
        this.originNode = originNode;
        this.startedAt = startedAt;
        this.committedAt = committedAt;
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

    public int length(int index) {
        return lengths[index];
    }

    public int checksum(int index) {
        return checksums[index];
    }

    public long checkpointId() {
        return checkpointId;
    }

    public String originNode() {
        return originNode;
    }

    public CheckpointInfo info() {
        return new CheckpointInfo(application, checkpointId, size, partitions.length, originNode,
            Instant.ofEpochMilli(committedAt), Duration.ofMillis(Math.max(0, committedAt - startedAt)));
    }
}
