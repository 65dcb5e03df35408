package dev.spillway.internal.store;

import dev.spillway.SpillwayException;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;

/**
 * One of Spillway's caches, looked up when first used and kept once it exists. Spillway's caches start with the
 * first Spillway server: a thick client that runs before one has joined finds none yet, and must find them later.
 */
final class StartedCache<K, V> {
    private final Ignite ignite;
    private final String name;
    private volatile IgniteCache<K, V> cache;

    StartedCache(Ignite ignite, String name) {
        this.ignite = ignite;
        this.name = name;
    }

    /**
     * The cache.
     *
     * @throws SpillwayException when it does not exist yet: no Spillway server node has joined
     */
    IgniteCache<K, V> get() {
        IgniteCache<K, V> c = cache;
        if (c == null) {
            c = ignite.cache(name);
            if (c == null)
                throw new SpillwayException("Cache " + name + " does not exist yet: no Spillway server node has "
                    + "joined the cluster of node " + ignite.name());
            cache = c;
        }
        return c;
    }
}
