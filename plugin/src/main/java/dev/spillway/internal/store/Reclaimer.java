package dev.spillway.internal.store;

import java.util.UUID;
import javax.cache.Cache;
import org.apache.ignite.Ignite;

/**
 * A server node's reclaiming pass: for the catalogs this node is primary for, takes over every claim whose owner
 * left or which lapsed, and removes its chunks. This is how a writer that died mid-stream, or a committer that
 * died before removing what retention evicted, leaves nothing behind.
 */
final class Reclaimer {
    private final Ignite ignite;
    private final CheckpointEngine engine;

    Reclaimer(Ignite ignite, CheckpointEngine engine) {
        this.ignite = ignite;
        this.engine = engine;
    }

    /** One pass; returns how many claims it reclaimed. */
    int runOnce() {
        UUID self = ignite.cluster().localNode().id();
        long now = engine.now();
        int reclaimed = 0;
        for (Cache.Entry<String, AppCatalog> e : engine.catalog().localPrimary()) {
            for (Claim claim : e.getValue().claims()) {
                boolean ownerGone = ignite.cluster().node(claim.owner()) == null;
                if (!ownerGone && claim.expiresAt() > now)
                    continue;
                Claim taken = engine.catalog().takeOver(e.getKey(), claim.checkpointId(), claim.owner(),
                    claim.expiresAt(), self, engine.expiry());
                if (taken != null) {
                    engine.removeChunks(e.getKey(), taken);
                    reclaimed++;
                    engine.log().info("Reclaimed checkpoint " + e.getKey() + "/" + claim.checkpointId() + " ("
                        + taken.chunks + " chunk(s)): its " + (ownerGone ? "owner node left" : "claim lapsed"));
                }
            }
        }
        return reclaimed;
    }
}
