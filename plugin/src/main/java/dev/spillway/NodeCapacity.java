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
 */
public record NodeCapacity(String node, long regionMaxSize, long budget, long used, long reserved, int leases) {

    /** What can still be granted: the budget less used and reserved bytes, never below zero. */
    public long free() {
        return Math.max(0, budget - used - reserved);
    }
}
