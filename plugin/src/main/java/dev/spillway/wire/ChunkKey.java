package dev.spillway.wire;

import java.util.Objects;
import org.apache.ignite.cache.affinity.AffinityKeyMapped;

/**
 * Key of one chunk in the chunk cache. {@link #partition} is the affinity field: with the stock rendezvous
 * function a key whose field is P lands in partition P, so the writer chooses the chunk's primary node by
 * choosing P. The field is also declared in the cache's {@code CacheKeyConfiguration}, which lets thin clients
 * send each chunk straight to its primary node.
 */
public final class ChunkKey {
    public static final String PARTITION_FIELD = "partition";

    @AffinityKeyMapped
    private final int partition;
    private final String application;
    private final long checkpointId;
    private final int index;

    public ChunkKey(int partition, String application, long checkpointId, int index) {
        this.partition = partition;
        this.application = application;
        this.checkpointId = checkpointId;
        this.index = index;
    }

    public int partition() {
        return partition;
    }

    public String application() {
        return application;
    }

    public long checkpointId() {
        return checkpointId;
    }

    public int index() {
        return index;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkKey k && partition == k.partition && checkpointId == k.checkpointId
            && index == k.index && application.equals(k.application);
    }

    @Override
    public int hashCode() {
        return Objects.hash(partition, application, checkpointId, index);
    }

    @Override
    public String toString() {
        return "ChunkKey[" + application + "/" + checkpointId + "#" + index + " partition=" + partition + "]";
    }
}
