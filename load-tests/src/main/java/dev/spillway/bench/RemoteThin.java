package dev.spillway.bench;

import dev.spillway.client.SpillwayClient;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.ClientCacheConfiguration;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * An existing cluster reached only by its thin-client addresses ({@code --addresses}): the Spillway thin client,
 * and a plain thin client for the raw baseline (random keys, default affinity, the best of put and putAll, read
 * back with get and getAll, into a FULL_SYNC cache with the run's backups on the default region).
 */
final class RemoteThin implements AutoCloseable {
    private static final String RAW_CACHE = "bench-raw-thin";
    private static final int BATCH = 8;

    private final SpillwayClient spillway;
    private final IgniteClient raw;

    RemoteThin(List<String> addresses) {
        this(addresses, null);
    }

    /** @param security the cluster's security, whose identity both clients connect as; null for an open cluster */
    RemoteThin(List<String> addresses, BenchSecurity security) {
        String[] a = addresses.toArray(String[]::new);
        this.spillway = SpillwayClient.connect(credentials(new ClientConfiguration().setAddresses(a), security));
        this.raw = Ignition.startClient(credentials(new ClientConfiguration().setAddresses(a)
            .setPartitionAwarenessEnabled(true), security));
    }

    private static ClientConfiguration credentials(ClientConfiguration config, BenchSecurity security) {
        return security == null ? config : security.credentials(config);
    }

    SpillwayClient spillway() {
        return spillway;
    }

    /** Writes application {@code index}'s payload into the raw cache (keys of its own): {start, end}. */
    double[] rawWrite(BenchPayload p, int backups, boolean putAll, int index) {
        ClientCache<Long, byte[]> cache = raw.getOrCreateCache(new ClientCacheConfiguration().setName(RAW_CACHE)
            .setCacheMode(CacheMode.PARTITIONED).setBackups(backups)
            .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC));
        long[] keys = keys(p, index);
        double start = NodeJobs.now();
        if (!putAll) {
            for (int i = 0; i < keys.length; i++)
                cache.put(keys[i], p.chunk(i));
        }
        else {
            for (int from = 0; from < keys.length; from += BATCH) {
                Map<Long, byte[]> batch = new HashMap<>();
                for (int i = from; i < Math.min(keys.length, from + BATCH); i++)
                    batch.put(keys[i], p.chunk(i));
                cache.putAll(batch);
            }
        }
        return new double[] {start, NodeJobs.now()};
    }

    /** Reads application {@code index}'s payload back by get or getAll and compares: {start, end, 1 if equal}. */
    double[] rawRead(BenchPayload p, boolean getAll, int index) {
        ClientCache<Long, byte[]> cache = raw.cache(RAW_CACHE);
        long[] keys = keys(p, index);
        double start = NodeJobs.now();
        boolean ok = true;
        if (!getAll) {
            for (int i = 0; i < keys.length; i++)
                ok &= Arrays.equals(cache.get(keys[i]), p.chunk(i));
        }
        else {
            for (int from = 0; from < keys.length; from += BATCH) {
                Set<Long> batch = new HashSet<>();
                for (int i = from; i < Math.min(keys.length, from + BATCH); i++)
                    batch.add(keys[i]);
                Map<Long, byte[]> got = cache.getAll(batch);
                for (int i = from; i < Math.min(keys.length, from + BATCH); i++)
                    ok &= Arrays.equals(got.get(keys[i]), p.chunk(i));
            }
        }
        return new double[] {start, NodeJobs.now(), ok ? 1 : 0};
    }

    /** Empties the raw cache between measurements. */
    void rawClear() {
        raw.cache(RAW_CACHE).clear();
    }

    private static long[] keys(BenchPayload p, int index) {
        return NodeJobs.randomKeys(p.chunks(), index);
    }

    @Override
    public void close() {
        spillway.close();
        raw.close();
    }
}
