package dev.spillway.internal.store;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * How the primary of a catalog entry tells a lapsed claim from a live one with its own clock alone: a claim lapses
 * once this node has seen it unchanged (the same owner, request and renewal count) for a whole lease timeout, both
 * ends of that time read here. A claim carries no time of its writer's, so no clock skew between nodes lapses a live
 * claim or keeps a dead one. A node that has just become the primary judges from its first sighting: a lapsed claim
 * goes within two lease timeouts of its last renewal. Used by one thread, the reclaiming pass.
 */
final class ClaimWatch {
    private record Key(String application, long checkpointId) {
    }

    private record Sighting(UUID owner, long token, long renewals, long since) {
        boolean sameClaim(Claim c) {
            return owner.equals(c.owner) && token == c.token && renewals == c.renewals;
        }
    }

    private final long leaseMillis;
    private Map<Key, Sighting> seen = new HashMap<>();
    private Map<Key, Sighting> seenThisPass = new HashMap<>();

    ClaimWatch(long leaseMillis) {
        this.leaseMillis = leaseMillis;
    }

    /** Whether {@code claim}, seen now at {@code now} by this node's clock, has gone unrenewed for a lease. */
    boolean lapsed(String application, Claim claim, long now) {
        Key key = new Key(application, claim.checkpointId);
        Sighting before = seen.get(key);
        Sighting sighting = before != null && before.sameClaim(claim) ? before
            : new Sighting(claim.owner, claim.token, claim.renewals, now);
        seenThisPass.put(key, sighting);
        return now - sighting.since >= leaseMillis;
    }

    /** Ends a pass: claims not seen in it (gone, or no longer this node's to judge) are forgotten. */
    void endPass() {
        seen = seenThisPass;
        seenThisPass = new HashMap<>();
    }
}
