package dev.spillway.internal.store;

import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cluster.ClusterNode;

/**
 * One of Spillway's caches, looked up when first used and kept once it exists. Spillway's caches start with the
 * first Spillway server: a thick client that runs before one has joined finds none yet, and must find them later.
 *
 * <p>On a thick client the first lookup starts the cache there, and Ignite fetches its partition map from the
 * oldest server that holds it; a frozen server holds that start until Ignite takes the server out. The lookup runs
 * off the caller's thread and is waited for at most the operation timeout; a caller that runs out of time fails with
 * {@link OperationTimeoutException}, and the next caller waits on the same lookup, not a new one.
 */
final class StartedCache<K, V> {
    /** Runs the lookups: daemon threads, one per lookup in progress, gone when idle. */
    private static final Executor LOOKUPS = task -> {
        Thread t = new Thread(task, "spillway-cache-start");
        t.setDaemon(true);
        t.start();
    };

    private final String name;
    private final Supplier<IgniteCache<K, V>> lookup;
    private final Supplier<String> waitedOn;
    private final String nodeName;
    private final Duration timeout;
    private volatile IgniteCache<K, V> cache;
    /** The lookup in progress or last done; guarded by {@code this}. */
    private CompletableFuture<IgniteCache<K, V>> pending;

    StartedCache(Ignite ignite, String name, Duration timeout) {
        this(name, () -> ignite.cache(name), () -> oldestServer(ignite), ignite.name(), timeout);
    }

    /**
     * @param lookup the cache, or null when it does not exist yet
     * @param waitedOn whom a lookup that runs out of time waited on, for the message
     */
    StartedCache(String name, Supplier<IgniteCache<K, V>> lookup, Supplier<String> waitedOn, String nodeName,
                 Duration timeout) {
        this.name = name;
        this.lookup = lookup;
        this.waitedOn = waitedOn;
        this.nodeName = nodeName;
        this.timeout = timeout;
    }

    /**
     * The cache.
     *
     * @throws SpillwayException when it does not exist yet: no Spillway server node has joined
     * @throws OperationTimeoutException when starting it on this node took longer than the operation timeout
     */
    IgniteCache<K, V> get() {
        IgniteCache<K, V> c = cache;
        if (c != null)
            return c;
        CompletableFuture<IgniteCache<K, V>> lookingUp = lookup();
        try {
            c = lookingUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            throw new OperationTimeoutException("starting cache " + name + " on node " + nodeName, waitedOn.get(),
                timeout, e);
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r)
                throw r;
            throw new SpillwayException("Cache " + name + " could not be started on node " + nodeName + ": " + cause,
                cause);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpillwayException("Interrupted while cache " + name + " was started on node " + nodeName, e);
        }
        if (c == null)
            throw new SpillwayException("Cache " + name + " does not exist yet: no Spillway server node has "
                + "joined the cluster of node " + nodeName);
        cache = c;
        return c;
    }

    /** The lookup in progress, or a new one when the last found nothing or failed. */
    private synchronized CompletableFuture<IgniteCache<K, V>> lookup() {
        CompletableFuture<IgniteCache<K, V>> p = pending;
        if (p == null || p.isCompletedExceptionally() || (p.isDone() && p.join() == null)) {
            p = CompletableFuture.supplyAsync(lookup, LOOKUPS);
            pending = p;
        }
        return p;
    }

    private static String oldestServer(Ignite ignite) {
        ClusterNode oldest = ignite.cluster().forServers().forOldest().node();
        return oldest == null ? "(no server)" : oldest.consistentId() + " (the oldest server, which a client asks "
            + "first for a cache's partition map)";
    }
}
