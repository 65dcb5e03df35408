package dev.spillway;

/**
 * One server node's checkpoint region, as its capacity ledger sees it.
 *
 * @param node the node's consistent id
 * @param regionMaxSize the checkpoint region's maximum size in bytes
 * @param budget the part of the region Spillway may fill: {@code regionMaxSize * highWaterMark}
 * @param used bytes the region uses now (Ignite's {@code DataRegionMetrics.getTotalUsedSize()})
 * @param reserved bytes promised to writers by leases not yet released or lapsed
 * @param leases how many leases are outstanding
 * @param safeHeadroom what can still be admitted on this node with every single node loss survivable: the least
 *     of {@link #free()} and the room this node would have left after the loss of any other node and the
 *     rebalance that follows (without backups, or alone, just {@link #free()})
 * @param liveBytes region bytes of the chunk copies this node holds now, of committed checkpoints and of those being
 *     written, as the catalogs count them: falls at once when checkpoints are deleted, while {@code used} (pages
 *     Ignite has allocated) stays until new chunks reuse them ({@link #reusableBytes()}); as a ledger alone sees
 *     its node, {@code used}. These are physical bytes: compressed chunks at their stored size, a chunk that several
 *     checkpoints share once
 * @param logicalBytes the bytes applications saved that those chunk copies hold: every committed checkpoint counts
 *     each of its chunks at the length it was written, however many share it. Over {@code liveBytes}, what
 *     deduplication and compression save
 */
public record NodeCapacity(String node, long regionMaxSize, long budget, long used, long reserved, int leases,
                           long safeHeadroom, long liveBytes, long logicalBytes) implements java.io.Serializable {

    /** A node's figures with its live bytes not counted yet: taken as {@code used}, and as many logical bytes. */
    public NodeCapacity(String node, long regionMaxSize, long budget, long used, long reserved, int leases,
                        long safeHeadroom) {
        this(node, regionMaxSize, budget, used, reserved, leases, safeHeadroom, used, used);
    }

    /**
     * Allocated bytes that hold no live chunk copy: pages Ignite keeps after deletes and reuses for new chunks, and
     * its own per-page and per-partition overhead. Admission counts them as used, which is what is safe.
     */
    public long reusableBytes() {
        return Math.max(0, used - liveBytes);
    }

    /** What can still be granted: the budget less used and reserved bytes, never below zero. */
    public long free() {
        return Math.max(0, budget - used - reserved);
    }

    /** This report with another N-1 safe headroom. */
    public NodeCapacity withSafeHeadroom(long headroom) {
        return new NodeCapacity(node, regionMaxSize, budget, used, reserved, leases, headroom, liveBytes,
            logicalBytes);
    }

    /** This report with its live bytes counted. */
    public NodeCapacity withLiveBytes(long live) {
        return new NodeCapacity(node, regionMaxSize, budget, used, reserved, leases, safeHeadroom, live,
            logicalBytes);
    }

    /** This report with its logical bytes counted. */
    public NodeCapacity withLogicalBytes(long logical) {
        return new NodeCapacity(node, regionMaxSize, budget, used, reserved, leases, safeHeadroom, liveBytes,
            logical);
    }
}
