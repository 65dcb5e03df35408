package dev.spillway.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ignite.IgniteCache;
import org.junit.jupiter.api.Test;

/** A cache lookup that a frozen server holds ends within the operation timeout, and is not started twice. */
class StartedCacheTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);

    @SuppressWarnings("unchecked")
    private static final IgniteCache<String, String> CACHE = (IgniteCache<String, String>)Proxy.newProxyInstance(
        StartedCacheTest.class.getClassLoader(), new Class<?>[] {IgniteCache.class}, (proxy, method, args) -> {
            throw new UnsupportedOperationException(method.getName());
        });

    @Test
    void aLookupThatHangsTimesOutNamingWhomItWaitedOn() throws Exception {
        CountDownLatch frozen = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        StartedCache<String, String> started = new StartedCache<>("spillway-chunks", () -> {
            lookups.incrementAndGet();
            await(frozen);
            return CACHE;
        }, () -> "node-0", "client-1", TIMEOUT);

        long t0 = System.nanoTime();
        assertThatThrownBy(started::get).isInstanceOfSatisfying(OperationTimeoutException.class, e -> {
            assertThat(e.step()).isEqualTo("starting cache spillway-chunks on node client-1");
            assertThat(e.node()).isEqualTo("node-0");
            assertThat(e.timeout()).isEqualTo(TIMEOUT);
        });
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        assertThatThrownBy(started::get).isInstanceOf(OperationTimeoutException.class);

        frozen.countDown();
        assertThat(started.get()).isSameAs(CACHE);
        assertThat(started.get()).isSameAs(CACHE);
        assertThat(lookups).as("one lookup, waited on by every caller").hasValue(1);
    }

    @Test
    void aCacheNoServerStartedYetIsLookedUpAgain() {
        AtomicReference<IgniteCache<String, String>> exists = new AtomicReference<>();
        AtomicInteger lookups = new AtomicInteger();
        StartedCache<String, String> started = new StartedCache<>("spillway-chunks", () -> {
            lookups.incrementAndGet();
            return exists.get();
        }, () -> "node-0", "client-1", TIMEOUT);

        assertThatThrownBy(started::get).isInstanceOf(SpillwayException.class)
            .hasMessageContaining("no Spillway server node has joined");
        exists.set(CACHE);
        assertThat(started.get()).isSameAs(CACHE);
        assertThat(lookups).hasValue(2);
    }

    @Test
    void aFailedLookupIsTriedAgain() {
        AtomicInteger lookups = new AtomicInteger();
        StartedCache<String, String> started = new StartedCache<>("spillway-chunks", () -> {
            if (lookups.incrementAndGet() == 1)
                throw new IllegalStateException("node stopping");
            return CACHE;
        }, () -> "node-0", "client-1", TIMEOUT);

        assertThatThrownBy(started::get).isInstanceOf(IllegalStateException.class).hasMessage("node stopping");
        assertThat(started.get()).isSameAs(CACHE);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
