package dev.spillway.internal.store;

import dev.spillway.internal.SpillwayRuntime;
import dev.spillway.internal.ignite.Layout;
import java.util.UUID;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CachePeekMode;

/**
 * A server node's maintenance pass: drops lapsed leases and leases of writers whose node left, and, for the
 * catalogs this node is primary for, takes over every claim whose owner left or which lapsed, and removes its
 * chunks. This is how a writer that died mid-stream, or a committer that died before removing what retention
 * evicted, leaves nothing behind.
 */
public final class Reclaimer {
    private final Ignite ignite;
    private final SpillwayRuntime runtime;

    public Reclaimer(Ignite ignite, SpillwayRuntime runtime) {
        this.ignite = ignite;
        this.runtime = runtime;
    }

    /** One pass; returns how many claims it reclaimed. */
    public int runOnce() {
        runtime.ledger().expire(id -> ignite.cluster().node(id) != null);
        EmbeddedCheckpointStore store = (EmbeddedCheckpointStore)runtime.store();
        IgniteCache<String, AppCatalog> cache = ignite.cache(Layout.CATALOG_CACHE);
        UUID self = ignite.cluster().localNode().id();
        long now = store.now();
        int reclaimed = 0;
        for (Cache.Entry<String, AppCatalog> e : cache.localEntries(CachePeekMode.PRIMARY)) {
            for (Claim claim : e.getValue().claims()) {
                boolean ownerGone = ignite.cluster().node(claim.owner()) == null;
                if (!ownerGone && claim.expiresAt() > now)
                    continue;
                Claim taken = store.catalog().takeOver(e.getKey(), claim.checkpointId(), claim.owner(),
                    claim.expiresAt(), self, now + runtime.config().getLeaseTimeout().toMillis());
                if (taken != null) {
                    store.removeChunks(e.getKey(), taken);
                    reclaimed++;
                    runtime.log().info("Reclaimed checkpoint " + e.getKey() + "/" + claim.checkpointId() + " ("
                        + taken.chunks + " chunk(s)): its " + (ownerGone ? "owner node left" : "claim lapsed"));
                }
            }
        }
        return reclaimed;
    }
}
