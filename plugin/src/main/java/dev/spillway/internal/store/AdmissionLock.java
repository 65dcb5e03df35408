package dev.spillway.internal.store;

import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import dev.spillway.internal.ignite.IgniteWaits;
import dev.spillway.wire.Layout;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
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
 * holder look lapsed or a dead one look live. Not reentrant. A live holder whose plan outlasts the
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

    /** @param timeout the longest {@link #lock} waits, and each of its calls to the lock's entry */
    AdmissionLock(Ignite ignite, Clock clock, long leaseMillis, Duration timeout) {
        this.ignite = ignite;
        this.cache = new StartedCache<>(ignite, Layout.ADMISSION_CACHE);
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
        Holder seen = null;
        long seenSince = 0;
        // One holder for the whole wait: an update Ignite re-ran after the primary moved wrote this very holder.
        Holder mine = new Holder(ignite.cluster().localNode().id(), Thread.currentThread().getId(), System.nanoTime());
        while (true) {
            Object current = call(cache.putIfAbsentAsync(KEY, mine)) ? mine : call(cache.getAsync(KEY));
            // Ours also when putIfAbsent or replace wrote it and then answered false: an atomic update retried after
            // the partition's primary moved sees its own first attempt.
            if (mine.equals(current)) {
                held.set(mine);
                return;
            }
            if (current instanceof Holder h) {
                long now = clock.millis();
                if (!h.equals(seen)) {
                    seen = h;
                    seenSince = now;
                }
                if ((ignite.cluster().node(h.node) == null || now - seenSince >= leaseMillis)
                    && call(cache.replaceAsync(KEY, h, mine))) {
                    held.set(mine);
                    return;
                }
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
        if (!call(cache().removeAsync(KEY, mine))) {
            ignite.log().warning("The admission lock was held past its lease (" + leaseMillis + " ms) and taken "
                + "over: two plans may have overlapped, and N-1 safety was checked for each alone");
        }
    }
}
