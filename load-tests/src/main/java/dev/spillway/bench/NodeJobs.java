package dev.spillway.bench;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.Spillway;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * The measurements that run inside a server node process (sent as compute jobs, their classes on the node's
 * classpath): Spillway's embedded save and restore, the raw Ignite baselines, and the machine's own limits. Each
 * generates the payload in the node ({@link BenchPayload}). The Spillway and raw jobs return when they started and
 * ended on the wall clock ({@link #now()}), so the bench process joins the spans of jobs run at once into rates;
 * the machine's returns seconds.
 */
final class NodeJobs {
    static final String RAW_CACHE = "bench-raw";
    static final int RAW_PARTITIONS = 128;

    private NodeJobs() {
    }

    /** The payload a job works on (a class, not a record: Ignite's binary marshaller cannot write records). */
    static final class Spec implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final long size;
        private final int chunkSize;
        private final long seed;

        Spec(long size, int chunkSize, long seed) {
            this.size = size;
            this.chunkSize = chunkSize;
            this.seed = seed;
        }

        long size() {
            return size;
        }

        BenchPayload payload() {
            return BenchPayload.of(size, chunkSize, seed);
        }
    }

    /**
     * The wall clock in seconds since the epoch, to the microsecond: comparable between the processes of one
     * machine, so the spans of jobs run at once in several JVMs can be joined into one.
     */
    static double now() {
        Instant t = Instant.now();
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    /**
     * Saves the payload as a checkpoint of {@code app} from this node, its chunk arrays handed over (stored without
     * a copy, as the raw streamer stores them) or written (copied into the writer's buffers): {start, end,
     * checkpoint id}.
     */
    static final class EmbeddedSave implements IgniteCallable<double[]> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final Spec spec;
        private final String app;
        private final boolean handOver;

        EmbeddedSave(Spec spec, String app, boolean handOver) {
            this.spec = spec;
            this.app = app;
            this.handOver = handOver;
        }

        @Override
        public double[] call() {
            return spec.payload().saveTo(Spillway.store(ignite), app, handOver);
        }
    }

    /**
     * Restores {@code app}'s latest checkpoint on this node and compares it with the payload: {start, end, 1 when
     * equal or 0}.
     */
    static final class EmbeddedRestore implements IgniteCallable<double[]> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final Spec spec;
        private final String app;

        EmbeddedRestore(Spec spec, String app) {
            this.spec = spec;
            this.app = app;
        }

        @Override
        public double[] call() {
            return spec.payload().restoreFrom(Spillway.store(ignite), app);
        }
    }

    /**
     * Fills {@code bytes} of this node's budget as checkpoint {@code app} (one random chunk written over and over,
     * stamped with its number so that each is stored: its content does not matter), so that the next checkpoint
     * spills. Returns the checkpoint id.
     */
    static final class Ballast implements IgniteCallable<Long> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final long bytes;
        private final int chunkSize;
        private final String app;

        Ballast(long bytes, int chunkSize, String app) {
            this.bytes = bytes;
            this.chunkSize = chunkSize;
            this.app = app;
        }

        @Override
        public Long call() {
            byte[] chunk = BenchPayload.of(chunkSize, chunkSize, 7).chunk(0).clone();
            try (CheckpointWriter w = Spillway.store(ignite).begin(app, bytes)) {
                long n = 0;
                for (long left = bytes; left > 0; left -= chunk.length) {
                    BenchPayload.stamp(chunk, n++);
                    w.write(chunk, 0, (int)Math.min(chunk.length, left));
                }
                return w.commit().checkpointId();
            }
        }
    }

    /**
     * Whether the cluster would take a checkpoint of {@code bytes} from this node now: begins one of that expected
     * size (space is reserved, or refused, before any byte is written) and abandons it.
     */
    static final class Fits implements IgniteCallable<Boolean> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final long bytes;
        private final String app;

        Fits(long bytes, String app) {
            this.bytes = bytes;
            this.app = app;
        }

        @Override
        public Boolean call() {
            try (CheckpointWriter w = Spillway.store(ignite).begin(app, bytes)) {
                return true;
            }
            catch (CapacityExhaustedException e) {
                return false;
            }
        }
    }

    /** Saves a small state of {@code bytes} at a fixed rate on this node and records the latencies. */
    static final class Latency implements IgniteCallable<LatencyLoop.Outcome> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final int bytes;
        private final double perSecond;
        private final long durationNanos;
        private final long warmUpNanos;
        private final String app;

        Latency(int bytes, double perSecond, long durationNanos, long warmUpNanos, String app) {
            this.bytes = bytes;
            this.perSecond = perSecond;
            this.durationNanos = durationNanos;
            this.warmUpNanos = warmUpNanos;
            this.app = app;
        }

        @Override
        public LatencyLoop.Outcome call() {
            byte[] state = BenchPayload.of(bytes, bytes, 11).chunk(0);
            return LatencyLoop.run(Spillway.store(ignite), app, state, perSecond, durationNanos, warmUpNanos);
        }
    }

    /**
     * Saves states of {@code bytes} from this node as applications {@code app-0, app-1, ...} (each kept), until
     * Spillway refuses one; returns every save's outcome in order.
     */
    static final class FillUntilRefused implements IgniteCallable<java.util.ArrayList<double[]>> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final int bytes;
        private final String prefix;
        private final int maxSaves;

        FillUntilRefused(int bytes, String prefix, int maxSaves) {
            this.bytes = bytes;
            this.prefix = prefix;
            this.maxSaves = maxSaves;
        }

        /** Per save: {seconds, local chunks, spilled chunks, refused (1) or committed (0)}. */
        @Override
        public java.util.ArrayList<double[]> call() {
            CheckpointStore store = Spillway.store(ignite);
            java.util.ArrayList<double[]> saves = new java.util.ArrayList<>();
            for (int i = 0; i < maxSaves; i++) {
                byte[] state = BenchPayload.of(bytes, bytes, 1000 + i).chunk(0);
                long start = System.nanoTime();
                try {
                    long id = store.save(prefix + i, state).checkpointId();
                    double s = (System.nanoTime() - start) / 1e9;
                    dev.spillway.PlacementReport p = store.placement(prefix + i, id);
                    saves.add(new double[] {s, p.localChunks(), p.spilledChunks(), 0});
                }
                catch (dev.spillway.CapacityExhaustedException e) {
                    saves.add(new double[] {(System.nanoTime() - start) / 1e9, 0, 0, 1});
                    break;
                }
            }
            return saves;
        }
    }

    /** Restores applications {@code prefix0 .. prefix(count-1)} on this node; returns how many were byte-equal. */
    static final class RestoreAll implements IgniteCallable<Integer> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final int bytes;
        private final String prefix;
        private final int count;

        RestoreAll(int bytes, String prefix, int count) {
            this.bytes = bytes;
            this.prefix = prefix;
            this.count = count;
        }

        @Override
        public Integer call() {
            CheckpointStore store = Spillway.store(ignite);
            int equal = 0;
            for (int i = 0; i < count; i++) {
                if (Arrays.equals(store.restoreLatest(prefix + i), BenchPayload.of(bytes, bytes, 1000 + i).chunk(0)))
                    equal++;
            }
            return equal;
        }
    }

    /** How a raw baseline writes and reads. */
    enum RawKind {
        /** A data streamer to keys whose primary is this node, read back with get: the best Ignite itself does. */
        LOCAL_STREAMER,
        /** Random keys, default affinity, one synchronous put and get per chunk. */
        RANDOM_PUT,
        /** Random keys, default affinity, putAll and getAll of 8 chunks. */
        RANDOM_PUT_ALL,
        /** Random keys, default affinity, a data streamer; read back with getAll of 8 chunks. */
        RANDOM_STREAMER
    }

    /**
     * The plain cache of the raw baselines, on the default region: {@code backups} FULL_SYNC backups, the stock
     * affinity. One per cluster, cleared after each measurement: creating and destroying a cache each time would
     * start a partition-map exchange that stalls the next measurement's first cache operations.
     */
    static IgniteCache<Long, byte[]> rawCache(Ignite ignite, int backups) {
        return ignite.getOrCreateCache(new CacheConfiguration<Long, byte[]>(RAW_CACHE)
            .setCacheMode(CacheMode.PARTITIONED)
            .setBackups(backups)
            .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
            .setReadFromBackup(false)
            .setAffinity(new RendezvousAffinityFunction(false, RAW_PARTITIONS))
            .setStatisticsEnabled(false));
    }

    /**
     * Writes the payload into the raw cache as application {@code index} (keys of its own, so several run at once):
     * {start, end}.
     */
    static final class RawWrite implements IgniteCallable<double[]> {
        private static final long serialVersionUID = 1L;
        private static final int BATCH = 8;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final Spec spec;
        private final RawKind kind;
        private final int backups;
        private final int index;

        RawWrite(Spec spec, RawKind kind, int backups, int index) {
            this.spec = spec;
            this.kind = kind;
            this.backups = backups;
            this.index = index;
        }

        @Override
        public double[] call() {
            BenchPayload p = spec.payload();
            IgniteCache<Long, byte[]> cache = rawCache(ignite, backups);
            long[] keys = rawKeys(ignite, kind, p.chunks(), index);
            double start = now();
            switch (kind) {
                case RANDOM_PUT -> {
                    for (int i = 0; i < keys.length; i++)
                        cache.put(keys[i], p.chunk(i));
                }
                case RANDOM_PUT_ALL -> {
                    for (int from = 0; from < keys.length; from += BATCH) {
                        Map<Long, byte[]> batch = new HashMap<>();
                        for (int i = from; i < Math.min(keys.length, from + BATCH); i++)
                            batch.put(keys[i], p.chunk(i));
                        cache.putAll(batch);
                    }
                }
                default -> {
                    try (IgniteDataStreamer<Long, byte[]> s = ignite.dataStreamer(RAW_CACHE)) {
                        // Tuned as Spillway's writer: a chunk per batch, 4 batches in flight per node.
                        s.allowOverwrite(false);
                        s.perNodeBufferSize(1);
                        s.perThreadBufferSize(1);
                        s.perNodeParallelOperations(4);
                        for (int i = 0; i < keys.length; i++)
                            s.addData(keys[i], p.chunk(i));
                    }
                }
            }
            return new double[] {start, now()};
        }
    }

    /**
     * Reads application {@code index}'s payload back from the raw cache (get for the local streamer and single
     * puts, getAll of 8 chunks otherwise) and compares it: {start, end, 1 when equal or 0}.
     */
    static final class RawRead implements IgniteCallable<double[]> {
        private static final long serialVersionUID = 1L;
        private static final int BATCH = 8;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final Spec spec;
        private final RawKind kind;
        private final int index;

        RawRead(Spec spec, RawKind kind, int index) {
            this.spec = spec;
            this.kind = kind;
            this.index = index;
        }

        @Override
        public double[] call() {
            BenchPayload p = spec.payload();
            IgniteCache<Long, byte[]> cache = ignite.cache(RAW_CACHE);
            long[] keys = rawKeys(ignite, kind, p.chunks(), index);
            double start = now();
            boolean ok = read(cache, keys, p);
            return new double[] {start, now(), ok ? 1 : 0};
        }

        private boolean read(IgniteCache<Long, byte[]> cache, long[] keys, BenchPayload p) {
            if (kind == RawKind.LOCAL_STREAMER || kind == RawKind.RANDOM_PUT) {
                for (int i = 0; i < keys.length; i++) {
                    if (!Arrays.equals(cache.get(keys[i]), p.chunk(i)))
                        return false;
                }
                return true;
            }
            for (int from = 0; from < keys.length; from += BATCH) {
                Set<Long> batch = new HashSet<>();
                for (int i = from; i < Math.min(keys.length, from + BATCH); i++)
                    batch.add(keys[i]);
                Map<Long, byte[]> got = cache.getAll(batch);
                for (int i = from; i < Math.min(keys.length, from + BATCH); i++) {
                    if (!Arrays.equals(got.get(keys[i]), p.chunk(i)))
                        return false;
                }
            }
            return true;
        }
    }

    /**
     * Application {@code index}'s keys: for the local streamer the {@code index}-th run of {@code count} keys whose
     * primary is this node, otherwise {@code count} random keys of its own.
     */
    private static long[] rawKeys(Ignite ignite, RawKind kind, int count, int index) {
        if (kind != RawKind.LOCAL_STREAMER)
            return randomKeys(count, index);
        long[] keys = new long[count];
        Affinity<Long> affinity = ignite.affinity(RAW_CACHE);
        Set<Integer> local = new HashSet<>();
        for (int part : affinity.primaryPartitions(ignite.cluster().localNode()))
            local.add(part);
        long skip = (long)index * count;
        for (long k = 0, found = 0; found < count; k++) {
            if (local.contains(affinity.partition(k)) && skip-- <= 0)
                keys[(int)found++] = k;
        }
        return keys;
    }

    /** Application {@code index}'s {@code count} random keys (the same in every JVM). */
    static long[] randomKeys(int count, int index) {
        SplittableRandom r = new SplittableRandom(count * 1_000_003L + index);
        long[] keys = new long[count];
        for (int i = 0; i < count; i++)
            keys[i] = r.nextLong();
        return keys;
    }

    /** The machine's limits on this node: {memcpy seconds, /dev/shm write seconds, /dev/shm read seconds}. */
    static final class Machine implements IgniteCallable<double[]> {
        private static final long serialVersionUID = 1L;
        private final Spec spec;

        Machine(Spec spec) {
            this.spec = spec;
        }

        @Override
        public double[] call() {
            BenchPayload p = spec.payload();
            ByteBuffer direct = ByteBuffer.allocateDirect((int)Math.min(Integer.MAX_VALUE, p.size()));
            long start = System.nanoTime();
            for (int i = 0; i < p.chunks(); i++)
                direct.put(p.chunk(i));
            double memcpy = (System.nanoTime() - start) / 1e9;
            Path shm = Path.of("/dev/shm");
            if (!Files.isDirectory(shm))
                return new double[] {memcpy, Double.NaN, Double.NaN};
            Path file = shm.resolve("spillway-bench-" + ProcessHandle.current().pid());
            try {
                start = System.nanoTime();
                try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                    for (int i = 0; i < p.chunks(); i++)
                        ch.write(ByteBuffer.wrap(p.chunk(i)));
                }
                double write = (System.nanoTime() - start) / 1e9;
                start = System.nanoTime();
                boolean ok = true;
                try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
                    byte[] got = new byte[p.chunk(0).length];
                    for (int i = 0; i < p.chunks(); i++) {
                        int n = p.chunk(i).length;
                        in.readFully(got, 0, n);
                        ok &= Arrays.equals(got, 0, n, p.chunk(i), 0, n);
                    }
                }
                double read = (System.nanoTime() - start) / 1e9;
                return new double[] {memcpy, write, ok ? read : -read};
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            finally {
                try {
                    Files.deleteIfExists(file);
                }
                catch (IOException e) {
                    // Left in /dev/shm: named by pid, removed at reboot.
                }
            }
        }
    }

    static List<RawKind> randomKinds() {
        return List.of(RawKind.RANDOM_PUT, RawKind.RANDOM_PUT_ALL, RawKind.RANDOM_STREAMER);
    }
}
