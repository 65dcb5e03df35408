package dev.spillway.internal.store;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * The write sessions of one identity open across the cluster, for its quotas: one entry of the admission cache,
 * keyed {@code quota/IDENTITY}, changed only by {@link QuotaUpdate}. A session's holding says which node holds it,
 * its bytes planned and not committed, and until when it holds them without a renewal. A plain class: the binary
 * marshaller writes it.
 */
final class QuotaHoldings {
    /** Holdings by session ticket. */
    final Map<UUID, Holding> sessions = new HashMap<>();

    /** One session's holding. */
    static final class Holding {
        UUID node;
        long bytes;
        long expiresAt;

        Holding(UUID node, long bytes, long expiresAt) {
            this.node = node;
            this.bytes = bytes;
            this.expiresAt = expiresAt;
        }
    }

    /**
     * Drops the holdings that lapsed by {@code now} or whose node is gone: nothing is held past its lease.
     *
     * @param nodeAlive whether a node is in the cluster (always true in a unit test's in-memory entry)
     */
    void dropLapsed(long now, Predicate<UUID> nodeAlive) {
        sessions.values().removeIf(h -> h.expiresAt < now || !nodeAlive.test(h.node));
    }

    long bytes() {
        long sum = 0;
        for (Holding h : sessions.values())
            sum += h.bytes;
        return sum;
    }
}
