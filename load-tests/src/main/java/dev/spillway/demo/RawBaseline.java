package dev.spillway.demo;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.configuration.CacheConfiguration;

/**
 * Plain Ignite on the same payload, as the yardstick for Spillway: a PARTITIONED FULL_SYNC cache on a fresh region
 * of its own, written from one node with a data streamer tuned as Spillway's writer (one entry per buffer, 4
 * batches in flight per node, no overwrite) to keys whose primary is that node, then read back there with
 * {@code cache.get}, each value compared with the payload. The cache is destroyed afterwards.
 */
final class RawBaseline {
    static final int PARTITIONS = 128;

    /** The write rate and the read-back (its rate, and whether every value equalled the payload's chunk). */
    record Result(String cache, int backups, Rate write, Readback read) {
    }

    private RawBaseline() {
    }

    /**
     * @param progress where the progress bars go ({@code System.out}, or a null stream for a warm-up), labelled
     *     {@code raw<backups> put} and {@code raw<backups> get}
     */
    static Result measure(Ignite node, String cacheName, String region, int backups, Payload payload,
                          PrintStream progress) {
        IgniteCache<Integer, byte[]> cache = node.createCache(new CacheConfiguration<Integer, byte[]>(cacheName)
            .setCacheMode(CacheMode.PARTITIONED)
            .setBackups(backups)
            .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
            .setReadFromBackup(false)
            .setAffinity(new RendezvousAffinityFunction(false, PARTITIONS))
            .setDataRegionName(region)
            .setStatisticsEnabled(false));
        try {
            int[] keys = localPrimaryKeys(node, cacheName, payload.chunkCount());
            String label = "raw" + backups;
            Rate write = write(node, cacheName, keys, payload, progress, label);
            return new Result(cacheName, backups, write, read(cache, keys, payload, progress, label));
        }
        finally {
            cache.destroy();
        }
    }

    /** The first {@code count} non-negative ints whose partition has {@code node} as its primary. */
    static int[] localPrimaryKeys(Ignite node, String cacheName, int count) {
        Affinity<Integer> affinity = node.affinity(cacheName);
        Set<Integer> local = Arrays.stream(affinity.primaryPartitions(node.cluster().localNode())).boxed()
            .collect(Collectors.toSet());
        int[] keys = new int[count];
        for (int k = 0, found = 0; found < count; k++) {
            if (local.contains(affinity.partition(k)))
                keys[found++] = k;
        }
        return keys;
    }

    private static Rate write(Ignite node, String cacheName, int[] keys, Payload payload, PrintStream progress,
                              String label) {
        ProgressBar bar = new ProgressBar(progress, label + " put", payload.size());
        long start = System.nanoTime();
        long done = 0;
        try (IgniteDataStreamer<Integer, byte[]> streamer = node.dataStreamer(cacheName)) {
            streamer.allowOverwrite(false);
            streamer.perNodeBufferSize(1);
            streamer.perThreadBufferSize(1);
            streamer.perNodeParallelOperations(4);
            for (int i = 0; i < keys.length; i++) {
                streamer.addData(keys[i], payload.chunk(i));
                done += payload.chunk(i).length;
                bar.update(done);
            }
        }
        Rate rate = new Rate(payload.size(), System.nanoTime() - start);
        bar.finish(done);
        return rate;
    }

    private static Readback read(IgniteCache<Integer, byte[]> cache, int[] keys, Payload payload,
                                 PrintStream progress, String label) {
        ProgressBar bar = new ProgressBar(progress, label + " get", payload.size());
        Payload.Check check = payload.check();
        long start = System.nanoTime();
        for (int key : keys) {
            byte[] value = cache.get(key);
            if (value == null)
                break;
            check.accept(value, 0, value.length);
            bar.update(check.position());
        }
        Readback readback = new Readback(new Rate(check.position(), System.nanoTime() - start), check);
        bar.finish(check.position());
        return readback;
    }
}
