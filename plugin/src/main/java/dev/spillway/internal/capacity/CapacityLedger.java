package dev.spillway.internal.capacity;

import dev.spillway.NodeCapacity;
import dev.spillway.internal.metrics.SpillwayMeters;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One server node's account of its checkpoint region: budget (region max size times the high-water mark), failover
 * limit (region max size times the failover limit: what the region may not reach after another node's loss), used
 * bytes (measured from the region itself, so it includes page overhead and backup copies this node holds) and
 * outstanding leases. The node alone decides what it grants; a lease is released by its writer on commit or
 * abort, and lapses at its expiry or when its writer's node leaves.
 *
 * <p>Free space is {@code budget - used - reserved}. While a writer fills a lease, the bytes it has written count
 * both as used and as reserved until the lease is released: the ledger errs towards refusing, never towards
 * overfilling.
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}), which keeps one per server node. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class CapacityLedger {
    private final String node;
    private final long regionMaxSize;
    private final long budget;
    private final long failoverBytes;
    private final int pageSize;
    private final LongSupplier used;
    private final Clock clock;
    private final Duration leaseTimeout;
    private final SpillwayMeters meters;
    private final Map<Long, Lease> leases = new HashMap<>();
    private long nextLeaseId = 1;

    /** A lease: {@code bytes} of this node's budget promised to {@code writer} until {@code expiresAt}. */
    record Lease(long id, UUID writer, long bytes, long expiresAt) {
    }

    /**
     * @param budget the bytes Spillway may fill: {@code regionMaxSize} times the node's high-water mark
     * @param failoverBytes the bytes the region may not reach after any other node's loss: {@code regionMaxSize}
     *     times the node's failover limit
     * @param pageSize the region's page size: what a partition new to this node costs it besides its rows
     * @param meters where the leases granted, refused and lapsed are counted
     */
    public CapacityLedger(String node, long regionMaxSize, long budget, long failoverBytes, int pageSize,
                          LongSupplier used, Clock clock, Duration leaseTimeout, SpillwayMeters meters) {
        this.meters = meters;
        this.node = node;
        this.regionMaxSize = regionMaxSize;
        this.budget = budget;
        this.failoverBytes = failoverBytes;
        this.pageSize = pageSize;
        this.used = used;
        this.clock = clock;
        this.leaseTimeout = leaseTimeout;
    }

    /**
     * Grants up to {@code bytes}: as much as the budget has free after used bytes and other leases, possibly
     * nothing.
     */
    synchronized Grant grant(UUID writer, long bytes) {
        long now = clock.millis();
        dropLapsed(now);
        long free = free();
        long granted = Math.max(0, Math.min(bytes, free));
        meters.leased(granted);
        if (granted == 0)
            return new Grant(0, 0);
        Lease lease = new Lease(nextLeaseId++, writer, granted, now + leaseTimeout.toMillis());
        leases.put(lease.id(), lease);
        return new Grant(lease.id(), granted);
    }

    /** Extends the leases to a full timeout from now; returns false when any of them had lapsed. */
    /**
     * Whether lease {@code leaseId} of {@code writer} is held here and has not lapsed: the write session it was
     * granted to was admitted on this node and has neither ended (which releases it) nor let it lapse.
     */
    public synchronized boolean holds(long leaseId, UUID writer) {
        dropLapsed(clock.millis());
        Lease lease = leases.get(leaseId);
        return lease != null && lease.writer().equals(writer);
    }

    synchronized boolean renew(long[] leaseIds) {
        long now = clock.millis();
        dropLapsed(now);
        boolean all = true;
        for (long id : leaseIds) {
            Lease lease = leases.get(id);
            if (lease == null)
                all = false;
            else
                leases.put(id, new Lease(id, lease.writer(), lease.bytes(), now + leaseTimeout.toMillis()));
        }
        return all;
    }

    synchronized void release(long[] leaseIds) {
        for (long id : leaseIds)
            leases.remove(id);
    }

    /** Drops lapsed leases and the leases of writers that are gone; returns how many were dropped. */
    public synchronized int expire(Predicate<UUID> writerAlive) {
        int before = leases.size();
        dropLapsed(clock.millis());
        int unexpired = leases.size();
        leases.values().removeIf(l -> !writerAlive.test(l.writer()));
        meters.lapsed(unexpired - leases.size());
        return before - leases.size();
    }

    /** This node's figures now, lapsed leases dropped. */
    public synchronized NodeCapacity snapshot() {
        dropLapsed(clock.millis());
        long used = this.used.getAsLong();
        long reserved = reserved();
        return new NodeCapacity(node, regionMaxSize, budget, used, reserved, leases.size(),
            Math.max(0, budget - used - reserved));
    }

    /** The bytes this node's region may not reach after the loss of any other node and the rebalance after it. */
    long failoverBytes() {
        return failoverBytes;
    }

    /**
     * The region's page size: a partition this node starts to hold costs it pages besides its rows (two, a third
     * with its first row: {@code FailoverModel.newPartitionBytes}), which the failover model counts for every
     * partition a loss or a rebalance brings here.
     */
    int pageSize() {
        return pageSize;
    }

    /** What can still be granted, never below zero. */
    synchronized long free() {
        return Math.max(0, budget - used.getAsLong() - reserved());
    }

    private long reserved() {
        long sum = 0;
        for (Lease l : leases.values())
            sum += l.bytes();
        return sum;
    }

    private void dropLapsed(long now) {
        int dropped = 0;
        for (Iterator<Lease> it = leases.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAt() <= now) {
                it.remove();
                dropped++;
            }
        }
        meters.lapsed(dropped);
    }
}
