package dev.spillway.test;

import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.cache.GridCacheContext;
import org.apache.ignite.internal.processors.cache.KeyCacheObject;
import org.apache.ignite.internal.processors.cache.distributed.dht.topology.GridDhtLocalPartition;
import org.apache.ignite.internal.processors.cache.persistence.CacheDataRow;

/**
 * A test hook that damages one copy of a chunk, as a flipped bit in a node's memory would, or removes it: it
 * rewrites or removes the row in that node's own off-heap store, leaving the other owners' copies and every version
 * untouched. Ignite's cache API cannot do this (a put writes every copy), so the hook goes to the partition's data
 * store.
 */
public final class CopyDamage {
    private CopyDamage() {
    }

    /**
     * Removes {@code node}'s own copy of {@code key}, as a streamer's receiver that wrote the other copies but not
     * this one leaves it; the node must hold a copy.
     */
    public static void removeLocalCopy(Ignite node, ChunkKey key) {
        GridCacheContext<Object, Object> cctx = ((IgniteEx)node).cachex(Layout.CHUNK_CACHE).context();
        try {
            KeyCacheObject k = cctx.toCacheKeyObject(key);
            if (cctx.offheap().read(cctx, k) == null)
                throw new IllegalStateException(node.name() + " holds no copy of " + key);
            GridDhtLocalPartition part = cctx.topology().localPartition(key.partition());
            cctx.offheap().remove(cctx, k, key.partition(), part);
        }
        catch (IgniteCheckedException e) {
            throw new IllegalStateException("Could not remove the copy of " + key + " on " + node.name(), e);
        }
    }

    /** Replaces {@code node}'s own copy of {@code key} with {@code bytes}; the node must hold a copy. */
    public static void replaceLocalCopy(Ignite node, ChunkKey key, byte[] bytes) {
        GridCacheContext<Object, Object> cctx = ((IgniteEx)node).cachex(Layout.CHUNK_CACHE).context();
        try {
            KeyCacheObject k = cctx.toCacheKeyObject(key);
            CacheDataRow row = cctx.offheap().read(cctx, k);
            if (row == null)
                throw new IllegalStateException(node.name() + " holds no copy of " + key);
            GridDhtLocalPartition part = cctx.topology().localPartition(key.partition());
            cctx.offheap().update(cctx, k, cctx.toCacheObject(bytes), row.version(), row.expireTime(), part, row);
        }
        catch (IgniteCheckedException e) {
            throw new IllegalStateException("Could not damage the copy of " + key + " on " + node.name(), e);
        }
    }
}
