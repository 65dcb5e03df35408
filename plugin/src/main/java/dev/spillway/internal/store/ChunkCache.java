package dev.spillway.internal.store;

import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import dev.spillway.internal.ignite.IgniteWaits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.lang.IgniteFuture;

/**
 * The chunk cache as the engine uses it: a streamer that keeps a writer's memory to a few chunks, batched checks
 * and removals of a checkpoint's chunks, and asynchronous reads.
 */
final class ChunkCache {
    /**
     * Bytes of chunks per streamer batch. Ignite's streamer keeps a buffer per node per stripe (partition modulo
     * the streamer pool size, 8 by default) and sends one only when it is full, so batches are kept to one chunk
     * once chunks are this large: a writer then holds at most the chunks in flight, never a stripe's worth.
     */
    private static final int STREAMER_BATCH_BYTES = 256 << 10;
    /** Batches in flight per node: bounds a writer's memory to a few chunks per node. */
    private static final int STREAMER_PARALLEL_OPS = 4;
    /** Keys per removeAll / containsKeys call. */
    private static final int KEY_BATCH = 512;

    private final Ignite ignite;
    private final StartedCache<ChunkKey, byte[]> cache;
    private final Duration timeout;

    /** @param timeout the longest a read, or a streamer's wait for room or a flush, waits on a node */
    ChunkCache(Ignite ignite, Duration timeout) {
        this.ignite = ignite;
        this.cache = new StartedCache<>(ignite, Layout.CHUNK_CACHE);
        this.timeout = timeout;
    }

    /** A streamer for one writer's chunks of {@code chunkSize} bytes. */
    IgniteDataStreamer<ChunkKey, byte[]> openStreamer(int chunkSize) {
        cache.get();
        IgniteDataStreamer<ChunkKey, byte[]> s = ignite.dataStreamer(Layout.CHUNK_CACHE);
        int perNode = Math.max(1, STREAMER_BATCH_BYTES / chunkSize);
        s.allowOverwrite(false);
        s.perNodeBufferSize(perNode);
        s.perThreadBufferSize(perNode);
        s.perNodeParallelOperations(STREAMER_PARALLEL_OPS);
        s.autoFlushFrequency(0);
        s.timeout(timeout.toMillis());
        return s;
    }

    /**
     * Starts reading a chunk; the supplier waits for it at most the operation timeout (null when the chunk is
     * missing).
     */
    Supplier<byte[]> fetch(ChunkKey key) {
        IgniteFuture<byte[]> read = cache.get().getAsync(key);
        return () -> IgniteWaits.get(read, timeout, "reading chunk " + key.index() + " of " + key.application()
            + "/" + key.checkpointId(), () -> IgniteWaits.primaryOf(ignite, Layout.CHUNK_CACHE, key));
    }

    /** Where the chunk cache's partitions are now. */
    Affinity<ChunkKey> affinity() {
        return ignite.affinity(Layout.CHUNK_CACHE);
    }

    /** Whether chunks 0 .. partitions.length - 1 of a checkpoint are all stored. */
    boolean allStored(String application, long checkpointId, int[] partitions) {
        return keyBatches(application, checkpointId, partitions).stream().allMatch(cache.get()::containsKeys);
    }

    /** Removes chunks 0 .. partitions.length - 1 of a checkpoint, chunk i being in partition partitions[i]. */
    void remove(String application, long checkpointId, int[] partitions) {
        keyBatches(application, checkpointId, partitions).forEach(cache.get()::removeAll);
    }

    /** Removes the chunks of {@code keys}. */
    void remove(List<ChunkKey> keys) {
        for (int from = 0; from < keys.size(); from += KEY_BATCH)
            cache.get().removeAll(new HashSet<>(keys.subList(from, Math.min(keys.size(), from + KEY_BATCH))));
    }

    /** The keys of chunks 0 .. partitions.length - 1, chunk i in partition partitions[i], in batches. */
    private static List<Set<ChunkKey>> keyBatches(String application, long checkpointId, int[] partitions) {
        List<Set<ChunkKey>> batches = new ArrayList<>();
        for (int from = 0; from < partitions.length; from += KEY_BATCH) {
            Set<ChunkKey> batch = new HashSet<>();
            for (int i = from; i < Math.min(partitions.length, from + KEY_BATCH); i++)
                batch.add(new ChunkKey(partitions[i], application, checkpointId, i));
            batches.add(batch);
        }
        return batches;
    }
}
