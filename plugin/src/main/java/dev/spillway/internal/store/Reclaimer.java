package dev.spillway.internal.store;

import java.util.UUID;
import javax.cache.Cache;
import org.apache.ignite.Ignite;

/**
 * A server node's reclaiming pass: for the catalogs this node is primary for, takes over every claim whose owner
 * left or which lapsed (by this node's clock, {@link ClaimWatch}), and removes its chunks; and removes the entries
 * of applications left with no checkpoint. This is how a writer that
 * died mid-stream, or a committer that died before removing what retention evicted, leaves nothing behind.
 */
final class Reclaimer {
    private final Ignite ignite;
    private final CheckpointEngine engine;
    private final ClaimWatch watch;
    /** Applications whose entry names no checkpoint, by their last id: forgotten once so for two lease timeouts. */
    private final Sightings<String, Long> empty;

    Reclaimer(Ignite ignite, CheckpointEngine engine) {
        this.ignite = ignite;
        this.engine = engine;
        this.watch = new ClaimWatch(engine.config().getLeaseTimeout().toMillis());
        this.empty = new Sightings<>(2 * engine.config().getLeaseTimeout().toMillis());
    }

    /** What the last finished pass found of the claims: how many, the longest unrenewed. */
    Sightings.Found claimsFound() {
        return watch.found();
    }

    /** One pass; returns how many claims it reclaimed. */
    synchronized int runOnce() {
        UUID self = ignite.cluster().localNode().id();
        int reclaimed = 0;
        try {
            for (Cache.Entry<String, AppCatalog> e : engine.catalog().localPrimary()) {
                if (Catalog.FLOOR_KEY.equals(e.getKey()))
                    continue;
                if (e.getValue().isEmpty()) {
                    forgetIfLapsed(e.getKey(), e.getValue().lastId);
                    continue;
                }
                for (Claim claim : e.getValue().claims()) {
                    boolean ownerGone = ignite.cluster().node(claim.owner()) == null;
                    boolean lapsed = watch.lapsed(e.getKey(), claim, engine.now());
                    if ((ownerGone || lapsed) && reclaim(e.getKey(), claim, self, ownerGone))
                        reclaimed++;
                }
            }
        }
        finally {
            // Also after a failed pass: what it did not reach is forgotten and judged afresh, never kept stale.
            watch.endPass();
            empty.endPass();
        }
        return reclaimed;
    }

    /**
     * Removes the entry of an application that has named no checkpoint for two lease timeouts, so the metadata
     * region holds only applications with checkpoints. Made again, its ids start above the highest any forgotten
     * application reached ({@link Catalog#FLOOR_KEY}), so a chunk a dead writer of an old id stores late is never
     * taken for a new checkpoint's: it belongs to no claim or manifest, and the sweep removes it.
     */
    private void forgetIfLapsed(String application, long lastId) {
        if (!empty.lapsed(application, lastId, engine.now()))
            return;
        try {
            engine.catalog().removeIfEmpty(application, lastId);
        }
        catch (RuntimeException e) {
            engine.log().warning("Forgetting application " + application + " failed; the next pass tries again: "
                + e);
        }
    }

    /** Takes {@code claim} over and removes its chunks; false when it changed meanwhile or taking it failed. */
    private boolean reclaim(String application, Claim claim, UUID self, boolean ownerGone) {
        String label = application + "/" + claim.checkpointId();
        try {
            Claim taken = engine.catalog().takeOver(application, claim.checkpointId(), claim.owner(),
                claim.renewals(), self);
            if (taken == null)
                return false;
            engine.removeChunks(application, taken);
            if (engine.log().isInfoEnabled())
                engine.log().info("Reclaimed checkpoint " + label + " (" + taken.chunks + " chunk(s)): its "
                    + (ownerGone ? "owner node left" : "claim lapsed"));
            return true;
        }
        catch (RuntimeException e) {
            engine.log().warning("Reclaiming checkpoint " + label + " failed; the next pass tries again: " + e);
            return false;
        }
    }
}
