package dev.spillway.internal.store;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.MutableClock;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The admission lock: mutual exclusion across nodes and threads; a dead or lapsed holder is taken over, its lease
 * judged by the contender's clock alone (issue 13, item 10).
 */
class AdmissionLockIT {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.ADMISSION_LOCK_IT,
        new SpillwayConfiguration()
            .setRegionMaxSize(32L << 20).setBackups(1).setMetadataRegionSize(16L << 20).setLeaseTimeout(LEASE));

    /** A test that failed leaves no holder behind for the next. */
    @AfterEach
    void clearHolder() {
        cluster.node(0).cache(Layout.ADMISSION_CACHE).clear();
    }

    private static AdmissionLock lock(int node) {
        return new AdmissionLock(cluster.node(node), cluster.clock(), LEASE.toMillis(), TIMEOUT);
    }

    @Test
    @DisplayName("threads on three nodes never hold the lock at once")
    void mutualExclusion() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger entries = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> all = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                AdmissionLock l = lock(t % 3);
                all.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        l.lock();
                        try {
                            most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                            entries.incrementAndGet();
                            Thread.onSpinWait();
                            inside.decrementAndGet();
                        }
                        finally {
                            l.unlock();
                        }
                    }
                }));
            }
            for (Future<?> f : all)
                f.get(2, TimeUnit.MINUTES);
        }
        finally {
            pool.shutdownNow();
        }
        assertThat(entries.get()).isEqualTo(240);
        assertThat(most.get()).isEqualTo(1);
    }

    @Test
    @DisplayName("a holder whose node leaves, or whose lease runs out, is taken over")
    void deadOrLapsedHolderTakenOver() throws Exception {
        // The holder on node 2 never gives the lock back; node 2 then stops.
        lock(2).lock();
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            AdmissionLock l = lock(0);
            l.lock();
            l.unlock();
        });
        assertThat(waiter).as("blocked while the holder lives").isNotDone();
        cluster.stop(2);
        waiter.get(30, TimeUnit.SECONDS);
        cluster.start(2);
        cluster.awaitAffinitySettled();

        // A holder that lives but never gives the lock back: taken over once its lease has run out.
        lock(1).lock();
        AdmissionLock contender = lock(0);
        CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
            contender.lock();
            contender.unlock();
        });
        awaitCondition("the contender saw the holder", Duration.ofSeconds(30), () -> contender.waits() > 0);
        assertThat(second).isNotDone();
        cluster.clock().advance(LEASE.plusSeconds(1));
        second.get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a holder whose clock runs an hour behind is not taken over before its lease ran on the contender's")
    void holderClockBehind() throws Exception {
        MutableClock behind = new MutableClock();
        behind.advance(Duration.ofHours(-1));
        AdmissionLock holder = new AdmissionLock(cluster.node(1), behind, LEASE.toMillis(), TIMEOUT);
        AdmissionLock contender = new AdmissionLock(cluster.node(0), new MutableClock(), LEASE.toMillis(), TIMEOUT);
        holder.lock();
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            contender.lock();
            contender.unlock();
        });
        try {
            awaitCondition("the contender found the lock held 20 times", Duration.ofSeconds(30),
                () -> contender.waits() >= 20 || waiter.isDone());
            assertThat(waiter).as("taken over from a live holder at once").isNotDone();
        }
        finally {
            holder.unlock();
        }
        waiter.get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a stuck holder whose clock runs an hour ahead is taken over a lease after the contender saw it")
    void stuckHolderClockAhead() throws Exception {
        MutableClock ahead = new MutableClock();
        ahead.advance(Duration.ofHours(1));
        MutableClock contenderClock = new MutableClock();
        new AdmissionLock(cluster.node(1), ahead, LEASE.toMillis(), TIMEOUT).lock();
        AdmissionLock contender = new AdmissionLock(cluster.node(0), contenderClock, LEASE.toMillis(), TIMEOUT);
        CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
            contender.lock();
            contender.unlock();
        });
        awaitCondition("the contender saw the holder", Duration.ofSeconds(30), () -> contender.waits() > 0);
        contenderClock.advance(LEASE.plusSeconds(1));
        waiter.get(30, TimeUnit.SECONDS);
    }

    @Test
    @DisplayName("a waiter that runs out of time names the holder's node; its next call finds the lease run")
    void timeoutThenLeaseRunAcrossCalls() {
        MutableClock clock = new MutableClock();
        new AdmissionLock(cluster.node(1), clock, LEASE.toMillis(), TIMEOUT).lock();
        AdmissionLock contender = new AdmissionLock(cluster.node(0), clock, LEASE.toMillis(), Duration.ofMillis(500));
        assertThatThrownBy(contender::lock).isInstanceOfSatisfying(OperationTimeoutException.class, e -> {
            assertThat(e.node()).isEqualTo(cluster.name(1));
            assertThat(e.step()).isEqualTo("waiting for the admission lock");
        });
        clock.advance(LEASE.plusSeconds(1));
        contender.lock();
        contender.unlock();
    }

    @Test
    @DisplayName("a holder of this node that no thread waits or holds with (a late put) is taken over at once")
    void leftoverOfThisNodeTakenOver() {
        UUID self = cluster.node(0).cluster().localNode().id();
        cluster.node(0).cache(Layout.ADMISSION_CACHE).put("admission", new AdmissionLock.Holder(self, 1, 42));
        AdmissionLock l = new AdmissionLock(cluster.node(0), new MutableClock(), LEASE.toMillis(),
            Duration.ofSeconds(5));
        l.lock();
        l.unlock();
    }
}
