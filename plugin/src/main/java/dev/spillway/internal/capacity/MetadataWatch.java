package dev.spillway.internal.capacity;

import dev.spillway.internal.ignite.IgniteWaits;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteFuture;

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
    private final Duration timeout;
    private volatile boolean ownFull;
    private volatile boolean othersFull;
    private Boolean published;

    /**
     * @param used the bytes this node's metadata region uses now
     * @param limit the bytes past which it takes no new claims
     * @param timeout the longest each call on the admission cache waits
     */
    public MetadataWatch(Ignite ignite, LongSupplier used, long limit, Duration timeout) {
        this.ignite = ignite;
        this.used = used;
        this.limit = limit;
        this.timeout = timeout;
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
            call(cache.putAsync(KEY_PREFIX + self, Boolean.TRUE));
        else if (published == null || published)
            call(cache.removeAsync(KEY_PREFIX + self));
        published = ownFull;
        Set<String> others = new HashSet<>();
        for (ClusterNode n : ignite.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true").nodes()) {
            if (!n.id().equals(self))
                others.add(KEY_PREFIX + n.id());
        }
        othersFull = !call(cache.getAllAsync(others)).isEmpty();
    }

    private <T> T call(IgniteFuture<T> future) {
        return IgniteWaits.get(future, timeout, "publishing the metadata regions' state",
            () -> IgniteWaits.primaryOf(ignite, Layout.ADMISSION_CACHE, KEY_PREFIX));
    }
}
