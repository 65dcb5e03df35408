package dev.spillway.internal.store;

import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ignite.Ignite;

/**
 * Removes chunks that no claim or manifest names. A writer records each chunk's partition in its claim before it
 * stores the chunk, so every chunk is named while its checkpoint is written, committed or removed; chunks nothing
 * names were stored after their claim was reclaimed: a thin client whose home server died goes on putting the
 * chunks planned for its batch, an embedded writer that stalled past its lease flushes what it had buffered.
 * Unswept, they would fill a region for good, unseen by admission.
 *
 * <p>A server node sweeps the partitions it is primary for, reading keys only, at most every quarter lease
 * timeout. A checkpoint's chunks go once this node has found them unnamed for a whole lease timeout by its own
 * clock ({@link Sightings}), which also covers a catalog read that raced the begin naming them. Until then the
 * failover model counts them ({@link #unnamedBytes}), each as a whole chunk: the sweep reads keys, not sizes.
 */
final class OrphanSweep {
    private record Checkpoint(String application, long checkpointId) {
    }

    private final Ignite ignite;
    private final CheckpointEngine engine;
    private final long leaseMillis;
    private final Sightings<Checkpoint, Integer> unnamed;
    private long nextPassAt = Long.MIN_VALUE;
    private volatile long[] unnamedBytes;

    OrphanSweep(Ignite ignite, CheckpointEngine engine) {
        this.ignite = ignite;
        this.engine = engine;
        this.leaseMillis = engine.config().getLeaseTimeout().toMillis();
        this.unnamed = new Sightings<>(leaseMillis);
        this.unnamedBytes = new long[engine.config().getPartitions()];
    }

    /** Region bytes of one copy of the chunks the last pass found unnamed and left, per partition. */
    long[] unnamedBytes() {
        return unnamedBytes;
    }

    /** What the last finished pass found unnamed: checkpoints' chunk groups, the longest unnamed. */
    Sightings.Found found() {
        return unnamed.found();
    }

    /** A pass, if a quarter lease timeout has passed since the last; returns how many chunks it removed. */
    synchronized int runIfDue(long now) {
        if (now < nextPassAt)
            return 0;
        nextPassAt = now + Math.max(1, leaseMillis / 4);
        Map<Checkpoint, List<ChunkKey>> stored = new HashMap<>();
        IgniteAdapter.<ChunkKey>forEachLocalPrimaryKey(ignite, Layout.CHUNK_CACHE, key -> stored.computeIfAbsent(
            new Checkpoint(key.application(), key.checkpointId()), c -> new ArrayList<>()).add(key));
        Map<String, AppCatalog> catalogs = engine.catalog().getAll(
            stored.keySet().stream().map(Checkpoint::application).distinct().toList());
        try {
            return sweep(stored, catalogs, now);
        }
        finally {
            unnamed.endPass();
        }
    }

    private int sweep(Map<Checkpoint, List<ChunkKey>> stored, Map<String, AppCatalog> catalogs, long now) {
        int removed = 0;
        long[] left = new long[unnamedBytes.length];
        long chunkBytes = CheckpointEngine.copyBytes(engine.config().getChunkSize());
        Map<String, Set<ChunkRefs.Ref>> named = new HashMap<>();
        for (Map.Entry<Checkpoint, List<ChunkKey>> e : stored.entrySet()) {
            Checkpoint c = e.getKey();
            AppCatalog catalog = catalogs.get(c.application());
            Set<ChunkRefs.Ref> names = catalog == null ? Set.of()
                : named.computeIfAbsent(c.application(), a -> catalog.named());
            List<ChunkKey> orphans = e.getValue().stream()
                .filter(key -> !names.contains(new ChunkRefs.Ref(key.checkpointId(), key.index()))).toList();
            if (orphans.isEmpty())
                continue;
            if (!unnamed.lapsed(c, orphans.size(), now)) {
                for (ChunkKey key : orphans)
                    left[key.partition()] += chunkBytes;
                continue;
            }
            engine.chunkCache().remove(orphans);
            removed += orphans.size();
            if (engine.log().isInfoEnabled())
                engine.log().info("Swept " + orphans.size() + " chunk(s) of checkpoint " + c.application()
                    + "/" + c.checkpointId() + " from partitions this node is primary for: no claim or manifest "
                    + "named them for a lease timeout (" + leaseMillis + " ms)");
        }
        unnamedBytes = left;
        return removed;
    }
}
