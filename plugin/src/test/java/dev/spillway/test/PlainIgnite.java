package dev.spillway.test;

import java.util.HashMap;
import java.util.Map;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * The plain-Ignite control: a cache on the plain region {@value NodeMain#PLAIN_REGION} of a {@link ProcessCluster}
 * with the chunk cache's settings (partitioned, one FULL_SYNC backup, the stock rendezvous affinity) and no Spillway
 * admission, and the region usage of every server.
 */
public final class PlainIgnite {
    public static final String CACHE = "plain";

    private PlainIgnite() {
    }

    /** Creates the plain cache with {@code partitions} partitions and {@code backups} backups. */
    public static IgniteCache<Long, byte[]> createCache(Ignite client, int partitions, int backups) {
        return client.createCache(new CacheConfiguration<Long, byte[]>(CACHE)
            .setCacheMode(CacheMode.PARTITIONED)
            .setBackups(backups)
            .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
            .setAffinity(new RendezvousAffinityFunction(false, partitions))
            .setDataRegionName(NodeMain.PLAIN_REGION));
    }

    /** Used bytes of the plain region on every server, by consistent id. */
    public static Map<String, Long> used(Ignite client) {
        Map<String, Long> used = new HashMap<>();
        for (ClusterNode n : client.cluster().forServers().nodes())
            used.put(n.consistentId().toString(), client.compute(client.cluster().forNode(n)).call(new Used()));
        return used;
    }

    public static double average(Map<String, Long> used) {
        return used.values().stream().mapToLong(Long::longValue).average().orElse(0);
    }

    public static long max(Map<String, Long> used) {
        return used.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** The consistent id of the server whose plain region holds the most. */
    public static String fullest(Map<String, Long> used) {
        return used.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    private static final class Used implements IgniteCallable<Long> {
        private static final long serialVersionUID = 1L;

        @IgniteInstanceResource
        private transient Ignite ignite;

        @Override
        public Long call() {
            return ignite.dataRegionMetrics(NodeMain.PLAIN_REGION).getTotalUsedSize();
        }
    }
}
