package dev.spillway.internal.store;

import java.util.UUID;

/**
 * How the primary of a catalog entry tells a lapsed claim from a live one with its own clock alone: a claim lapses
 * once this node has seen it unchanged (the same owner, request and renewal count) for a whole lease timeout. A
 * claim carries no time of its writer's, so no clock skew between nodes lapses a live claim or keeps a dead one. A
 * node that has just become the primary judges from its first sighting: a lapsed claim goes within two lease
 * timeouts of its last renewal. Used by one thread, the reclaiming pass.
 */
final class ClaimWatch {
    private record Key(String application, long checkpointId) {
    }

    private record State(UUID owner, long token, long renewals) {
    }

    private final Sightings<Key, State> sightings;

    ClaimWatch(long leaseMillis) {
        this.sightings = new Sightings<>(leaseMillis);
    }

    /** Whether {@code claim}, seen now at {@code now} by this node's clock, has gone unrenewed for a lease. */
    boolean lapsed(String application, Claim claim, long now) {
        return sightings.lapsed(new Key(application, claim.checkpointId),
            new State(claim.owner, claim.token, claim.renewals), now);
    }

    /** What the last finished pass found. */
    Sightings.Found found() {
        return sightings.found();
    }

    /** Ends a pass: claims not seen in it (gone, or no longer this node's to judge) are forgotten. */
    void endPass() {
        sightings.endPass();
    }
}
