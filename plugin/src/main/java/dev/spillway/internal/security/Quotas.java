package dev.spillway.internal.security;

import java.io.Serializable;

/**
 * An identity's quotas; 0 for a quota that is not set (no limit).
 *
 * @param maxSessions write sessions it may have open at once, across the cluster
 * @param maxReserved bytes its open write sessions may have planned and not yet committed, together
 * @param maxCheckpoint bytes one checkpoint of it may have
 */
public record Quotas(int maxSessions, long maxReserved, long maxCheckpoint) implements Serializable {
    public static final Quotas NONE = new Quotas(0, 0, 0);

    /** Whether any quota is set. */
    public boolean any() {
        return maxSessions > 0 || maxReserved > 0 || maxCheckpoint > 0;
    }
}
