package dev.spillway.internal.store;

import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import dev.spillway.internal.ignite.IgniteWaits;
import dev.spillway.wire.Layout;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.lang.IgniteFuture;

/**
 * The cluster-wide mutex writers with backups plan under, so that two writers never spend the same failover
 * headroom. It is one entry of an atomic, FULL_SYNC, backed-up cache: taking it is a {@code putIfAbsent} of this
 * holder, giving it back a {@code remove} of exactly this holder, one round trip each. Measured here, Ignite's
 * {@code reentrantLock} (a transaction on its data-structures cache each way) cost 4.3 ms to take and 4.3 ms to
 * give back per checkpoint, about 45% of a small checkpoint's time with backups.
 *
 * <p>A holder whose node has left the cluster, or whose lease has run out (it holds the lock for a plan, which
 * takes milliseconds; the lease is the configured lease timeout), is taken over with a compare-and-set, so a
 * writer that dies holding the lock blocks nobody for long. The lease is judged by the contender's clock alone:
 * it runs from the moment the contender first found that holder, so no clock skew between nodes makes a live
 * holder look lapsed or a dead one look live; it goes on across calls, so a writer that gives up (the operation
 * timeout is shorter than a lease) and tries again finds the lease run. A holder of this node that no thread of it
 * waits or holds with is a leftover (a put that landed after its thread gave up) and is taken over at once. Not
 * reentrant. A live holder whose plan outlasts the
 * lease (a pause of a whole lease timeout) is taken over too, so the two plans overlap; the holder finds out at
 * {@link #unlock()} and logs it. No test covers that overlap: fencing it would cost a round trip per plan.
 */
final class AdmissionLock {
    private static final String KEY = "admission";
    private static final long MAX_BACKOFF_NANOS = 2_000_000L;

    private final Ignite ignite;
    private final Clock clock;
    private final long leaseMillis;
    private final Duration timeout;
    private final ThreadLocal<Holder> held = new ThreadLocal<>();
    private final StartedCache<String, Object> cache;
    private final AtomicLong waits = new AtomicLong();
    /**
     * The holders of this JVM's threads that wait or hold (of any node in it, and any lock instance): a holder of
     * this node not among them is a leftover, a put that landed after its thread gave up.
     */
    private static final Set<Holder> LIVE = ConcurrentHashMap.newKeySet();
    /** The holder this node's contenders last found, and since when by the clock: kept across calls to lock. */
    private final AtomicReference<Sighting> sighting = new AtomicReference<>();

    private record Sighting(Holder holder, long since) {
    }

    /** @param timeout the longest {@link #lock} waits, and each of its calls to the lock's entry */
    AdmissionLock(Ignite ignite, Clock clock, long leaseMillis, Duration timeout) {
        this.ignite = ignite;
        this.cache = new StartedCache<>(ignite, Layout.ADMISSION_CACHE, timeout);
        this.clock = clock;
        this.leaseMillis = leaseMillis;
        this.timeout = timeout;
    }

    /**
     * Who holds the lock: a node, a thread of it, and which of that thread's holds this is. No time: a contender
     * judges the lease by its own clock. A plain class: the binary marshaller writes it.
     */
    static final class Holder {
        private final UUID node;
        private final long thread;
        private final long nonce;

        Holder(UUID node, long thread, long nonce) {
            this.node = node;
            this.thread = thread;
            this.nonce = nonce;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Holder h && node.equals(h.node) && thread == h.thread && nonce == h.nonce;
        }

        @Override
        public int hashCode() {
            return Objects.hash(node, thread, nonce);
        }
    }

    private IgniteCache<String, Object> cache() {
        return cache.get();
    }

    /**
     * Takes the lock, waiting at most the operation timeout (by real time: the holder's lease is judged by the
     * clock, which tests move by hand).
     *
     * @throws OperationTimeoutException naming the holder's node when the timeout runs out first
     */
    void lock() {
        IgniteCache<String, Object> cache = cache();
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoff = 50_000L;
        UUID self = ignite.cluster().localNode().id();
        // One holder for the whole wait: an update Ignite re-ran after the primary moved wrote this very holder.
        Holder mine = new Holder(self, Thread.currentThread().getId(), System.nanoTime());
        LIVE.add(mine);
        try {
            while (true) {
                Object current = call(cache.putIfAbsentAsync(KEY, mine)) ? mine : call(cache.getAsync(KEY));
                // Ours also when putIfAbsent or replace wrote it and then answered false: an atomic update retried
                // after the partition's primary moved sees its own first attempt.
                if (mine.equals(current)) {
                    held.set(mine);
                    return;
                }
                if (current instanceof Holder h && takeOver(h, self) && call(cache.replaceAsync(KEY, h, mine))) {
                    held.set(mine);
                    return;
                }
                waits.incrementAndGet();
                if (System.nanoTime() > deadline) {
                    UUID holder = current instanceof Holder h ? h.node : null;
                    ClusterNode node = holder == null ? null : ignite.cluster().node(holder);
                    throw new OperationTimeoutException("waiting for the admission lock", node == null
                        ? String.valueOf(holder) : String.valueOf(node.consistentId()), timeout, null);
                }
                if (Thread.currentThread().isInterrupted())
                    throw new SpillwayException("Interrupted while waiting for the admission lock");
                LockSupport.parkNanos(backoff);
                backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
            }
        }
        catch (RuntimeException e) {
            // A put of ours that timed out may land later: it is no holder of ours any more (this node's contenders
            // take it over at once, others after its lease), and its removal is asked for now.
            LIVE.remove(mine);
            cache.removeAsync(KEY, mine);
            throw e;
        }
    }

    /**
     * Whether {@code h} may be taken over: its node left, it is a leftover of this node (no thread here waits or
     * holds with it), or this node's contenders have found it for a whole lease by this node's clock.
     */
    private boolean takeOver(Holder h, UUID self) {
        if (ignite.cluster().node(h.node) == null || (h.node.equals(self) && !LIVE.contains(h)))
            return true;
        long now = clock.millis();
        Sighting s = sighting.updateAndGet(prev -> prev != null && prev.holder.equals(h) ? prev
            : new Sighting(h, now));
        return now - s.since >= leaseMillis;
    }

    /** One call on the lock's entry, waited for at most the timeout. */
    private <T> T call(IgniteFuture<T> future) {
        return IgniteWaits.get(future, timeout, "a call on the admission lock",
            () -> IgniteWaits.primaryOf(ignite, Layout.ADMISSION_CACHE, KEY));
    }

    /** How many times a thread found the lock held by another and waited (tests watch it to know a wait began). */
    long waits() {
        return waits.get();
    }

    void unlock() {
        Holder mine = held.get();
        if (mine == null)
            throw new IllegalStateException("The admission lock is not held by this thread");
        held.remove();
        LIVE.remove(mine);
        if (!call(cache().removeAsync(KEY, mine))) {
            ignite.log().warning("The admission lock was held past its lease (" + leaseMillis + " ms) and taken "
                + "over: two plans may have overlapped, and N-1 safety was checked for each alone");
        }
    }
}
