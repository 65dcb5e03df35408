package dev.spillway.internal.store;

import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.internal.ignite.IgniteWaits;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.lang.IgniteFuture;
import org.apache.ignite.resources.IgniteInstanceResource;

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
        this.cache = new StartedCache<>(ignite, Layout.CHUNK_CACHE, timeout);
        this.timeout = timeout;
    }

    /** The longest a read, or a streamer's wait, waits on a node. */
    Duration timeout() {
        return timeout;
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

    /** Stores a chunk, every copy, waiting at most the operation timeout. */
    void put(ChunkKey key, byte[] chunk) {
        IgniteWaits.get(cache.get().putAsync(key, chunk), timeout, storing(key),
            () -> IgniteWaits.primaryOf(ignite, Layout.CHUNK_CACHE, key));
    }

    /** Stores a chunk unless bytes are stored under its key; whether it stored it. */
    boolean putIfAbsent(ChunkKey key, byte[] chunk) {
        return IgniteWaits.get(cache.get().putIfAbsentAsync(key, chunk), timeout, storing(key),
            () -> IgniteWaits.primaryOf(ignite, Layout.CHUNK_CACHE, key));
    }

    private static String storing(ChunkKey key) {
        return "storing chunk " + key.index() + " of " + key.application() + "/" + key.checkpointId();
    }

    /** Where the chunk cache's partitions are now. */
    Affinity<ChunkKey> affinity() {
        return ignite.affinity(Layout.CHUNK_CACHE);
    }

    /**
     * Makes every owner of chunks 0 .. partitions.length - 1 of a checkpoint, now and once every rebalance ends
     * ({@code ideal}, the owners of each partition there), hold its copy: asks each owner which of
     * its keys it lacks (a look at its own memory), then fetches each lacking chunk from an owner that holds it and
     * writes it again (a put writes every copy). Returns the chunks that have no copy anywhere, in order.
     */
    List<Integer> restoreCopies(String application, long checkpointId, int[] partitions, UUID[][] ideal) {
        Map<ClusterNode, Set<ChunkKey>> byOwner = new HashMap<>();
        for (int i = 0; i < partitions.length; i++) {
            ChunkKey key = new ChunkKey(partitions[i], application, checkpointId, i);
            for (ClusterNode owner : owners(key, ideal))
                byOwner.computeIfAbsent(owner, n -> new HashSet<>()).add(key);
        }
        String step = "looking at the chunk copies of " + application + "/" + checkpointId;
        // Every owner is asked at once: the look costs one round trip, not one per owner.
        Map<ClusterNode, IgniteFuture<LocalCopies.Result>> asked = new HashMap<>();
        byOwner.forEach((owner, keys) -> asked.put(owner, askCopies(owner, keys, false)));
        Map<ChunkKey, ClusterNode> lacking = new TreeMap<>(Comparator.comparingInt(ChunkKey::index));
        asked.forEach((owner, answer) -> {
            for (ChunkKey key : answer(owner, answer, step).missing)
                lacking.put(key, owner);
        });
        List<Integer> lost = new ArrayList<>();
        for (Map.Entry<ChunkKey, ClusterNode> e : lacking.entrySet()) {
            byte[] copy = copyFrom(owners(e.getKey(), ideal), e.getValue(), e.getKey(), c -> true, step);
            if (copy == null)
                lost.add(e.getKey().index());
            else
                rewrite(e.getKey(), copy);
        }
        return lost;
    }

    /**
     * A copy of {@code key} that {@code healthy} accepts, from an owner other than this node, or null when no other
     * owner holds one.
     */
    byte[] healthyCopy(ChunkKey key, Predicate<byte[]> healthy, String step) {
        return copyFrom(affinity().mapKeyToPrimaryAndBackups(key), ignite.cluster().localNode(), key, healthy, step);
    }

    /** The first copy of {@code key} that {@code accept} takes, asked of {@code owners} but {@code except}. */
    private byte[] copyFrom(Collection<ClusterNode> owners, ClusterNode except, ChunkKey key, Predicate<byte[]> accept,
                            String step) {
        for (ClusterNode owner : owners) {
            if (owner.equals(except))
                continue;
            byte[] copy = copies(owner, Set.of(key), true, step).present.get(key);
            if (copy != null && accept.test(copy))
                return copy;
        }
        return null;
    }

    /** Writes {@code key} again with {@code bytes}: every copy, primary and backups. */
    void rewrite(ChunkKey key, byte[] bytes) {
        cache.get().put(key, bytes);
    }

    /** The owners of {@code key} now and once every rebalance ends ({@code ideal}, by partition). */
    private Set<ClusterNode> owners(ChunkKey key, UUID[][] ideal) {
        Set<ClusterNode> owners = new HashSet<>(affinity().mapKeyToPrimaryAndBackups(key));
        for (UUID id : ideal[key.partition()]) {
            ClusterNode node = ignite.cluster().node(id);
            if (node != null)
                owners.add(node);
        }
        return owners;
    }

    private LocalCopies.Result copies(ClusterNode owner, Set<ChunkKey> keys, boolean withBytes, String step) {
        return answer(owner, askCopies(owner, keys, withBytes), step);
    }

    private IgniteFuture<LocalCopies.Result> askCopies(ClusterNode owner, Set<ChunkKey> keys, boolean withBytes) {
        return ignite.compute(ignite.cluster().forNode(owner)).withTimeout(timeout.toMillis())
            .callAsync(new LocalCopies(keys, withBytes));
    }

    private LocalCopies.Result answer(ClusterNode owner, IgniteFuture<LocalCopies.Result> asked, String step) {
        return IgniteWaits.get(asked, timeout, step, () -> String.valueOf(owner.consistentId()));
    }

    /** On an owner of chunks: which of {@code keys} it lacks, and the bytes of those it holds if asked. */
    static final class LocalCopies implements IgniteCallable<LocalCopies.Result> {
        private static final long serialVersionUID = 1L;
        private final Set<ChunkKey> keys;
        private final boolean withBytes;
        @IgniteInstanceResource
        private transient Ignite local;

        LocalCopies(Set<ChunkKey> keys, boolean withBytes) {
            this.keys = keys;
            this.withBytes = withBytes;
        }

        /** What an owner lacks and holds. A plain class: the binary marshaller writes it. */
        static final class Result {
            final List<ChunkKey> missing = new ArrayList<>();
            final Map<ChunkKey, byte[]> present = new HashMap<>();
        }

        @Override
        public Result call() {
            Result r = new Result();
            if (!withBytes) {
                Set<ChunkKey> stored = IgniteAdapter.storedKeys(local, Layout.CHUNK_CACHE, keys);
                for (ChunkKey key : keys) {
                    if (!stored.contains(key))
                        r.missing.add(key);
                }
                return r;
            }
            IgniteCache<ChunkKey, byte[]> cache = local.cache(Layout.CHUNK_CACHE);
            for (ChunkKey key : keys) {
                // Off-heap, whatever this node's role: a partition still moving here is neither primary nor backup.
                byte[] copy = cache.localPeek(key, CachePeekMode.OFFHEAP);
                if (copy == null)
                    r.missing.add(key);
                else
                    r.present.put(key, copy);
            }
            return r;
        }
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
