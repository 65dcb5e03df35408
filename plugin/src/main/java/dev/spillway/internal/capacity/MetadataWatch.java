package dev.spillway.internal.capacity;

import dev.spillway.wire.Layout;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cluster.ClusterNode;

/**
 * Whether the cluster's metadata regions may take new checkpoints' claims. An application's catalog entry is
 * stored on its primary and on its backups, so a node whose region is past its admission limit goes on filling as
 * a backup while other primaries admit: admission stops everywhere while any server's metadata region is past its
 * limit. Each server publishes its own state in the admission cache (a key per node, there while it is past) and
 * reads the others' on every {@link #runOnce()}, which its runtime calls twice a second; a catalog processor asks
 * {@link #hasRoom()}, a local read. The lag, up to a second, is what the room left above the limit absorbs.
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}). Not API: see {@code dev.spillway.internal}.
 */
public final class MetadataWatch {
    private static final String KEY_PREFIX = "metadata-full/";

    private final Ignite ignite;
    private final LongSupplier used;
    private final long limit;
    private volatile boolean ownFull;
    private volatile boolean othersFull;
    private Boolean published;

    /**
     * @param used the bytes this node's metadata region uses now
     * @param limit the bytes past which it takes no new claims
     */
    public MetadataWatch(Ignite ignite, LongSupplier used, long limit) {
        this.ignite = ignite;
        this.used = used;
        this.limit = limit;
    }

    /** Whether new claims may be admitted: this node's region is below its limit and no other server said it is past. */
    public boolean hasRoom() {
        return !othersFull && used.getAsLong() < limit;
    }

    /** Publishes this node's state if it changed, and reads the other servers'. */
    public synchronized void runOnce() {
        IgniteCache<String, Object> cache = ignite.cache(Layout.ADMISSION_CACHE);
        if (cache == null)
            return;
        UUID self = ignite.cluster().localNode().id();
        ownFull = used.getAsLong() >= limit;
        // Put again on every run while full (the key may have been removed meanwhile); removed once it is not.
        if (ownFull)
            cache.put(KEY_PREFIX + self, Boolean.TRUE);
        else if (published == null || published)
            cache.remove(KEY_PREFIX + self);
        published = ownFull;
        Set<String> others = new HashSet<>();
        for (ClusterNode n : ignite.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true").nodes()) {
            if (!n.id().equals(self))
                others.add(KEY_PREFIX + n.id());
        }
        othersFull = !cache.getAll(others).isEmpty();
    }
}
