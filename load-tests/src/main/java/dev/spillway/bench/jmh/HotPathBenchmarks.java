package dev.spillway.bench.jmh;

import dev.spillway.CheckpointInfo;
import dev.spillway.internal.capacity.FailoverModel;
import dev.spillway.internal.placement.ChunkKey;
import dev.spillway.internal.placement.PlacementPlanner;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import dev.spillway.internal.store.ChunkingWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The hot path of a checkpoint inside one JVM, without Ignite: cutting a stream into chunks with their CRC32C, the
 * checksum alone, chunk key construction, and placement decisions (with and without the N-1 failover model).
 * Run with {@code ./spillway jmh} (any JMH options after it, e.g. {@code ./spillway jmh -f 1 -wi 2 -i 3 Crc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmarks {
    @Param({"65536", "1048576"})
    public int chunkSize;

    private byte[] state;
    private byte[] chunk;
    private Topology topology;
    private FailoverModel failover;
    private Map<UUID, Long> room;
    private UUID origin;

    @Setup(Level.Trial)
    public void setUp() {
        state = new byte[16 << 20];
        new SplittableRandom(1).nextBytes(state);
        chunk = new byte[chunkSize];
        new SplittableRandom(2).nextBytes(chunk);
        // Four nodes, 128 partitions, one backup: partition p on node p % 4, backup on the next.
        UUID[] nodes = {new UUID(0, 1), new UUID(0, 2), new UUID(0, 3), new UUID(0, 4)};
        List<List<UUID>> owners = new ArrayList<>();
        for (int p = 0; p < 128; p++)
            owners.add(List.of(nodes[p % 4], nodes[(p + 1) % 4]));
        topology = Topology.of(owners);
        Map<UUID, UUID[][]> without = new HashMap<>();
        for (UUID lost : nodes) {
            UUID[][] after = new UUID[128][];
            for (int p = 0; p < 128; p++) {
                List<UUID> o = new ArrayList<>(owners.get(p));
                o.remove(lost);
                for (int k = 1; o.size() < 2; k++) {
                    UUID next = nodes[(p + k + 1) % 4];
                    if (!next.equals(lost) && !o.contains(next))
                        o.add(next);
                }
                after[p] = o.toArray(UUID[]::new);
            }
            without.put(lost, after);
        }
        room = new HashMap<>();
        Map<UUID, Long> used = new HashMap<>();
        Map<UUID, Long> limit = new HashMap<>();
        for (UUID n : nodes) {
            room.put(n, 4L << 30);
            used.put(n, 0L);
            limit.put(n, 8L << 30);
        }
        failover = new FailoverModel(topology.owners(), without, new long[128], new long[128], used, limit);
        origin = nodes[0];
    }

    /** Cuts 16 MB, written in 100 KB pieces, into chunks with their CRC32C (the data path does nothing). */
    @Benchmark
    public long cutIntoChunks() {
        Counting w = new Counting(chunkSize);
        for (int off = 0; off < state.length; off += 100_000)
            w.write(state, off, Math.min(100_000, state.length - off));
        w.commit();
        return w.sent;
    }

    /** CRC32C of one chunk. */
    @Benchmark
    public long crc32c() {
        CRC32C crc = new CRC32C();
        crc.update(chunk, 0, chunk.length);
        return crc.getValue();
    }

    /** One chunk key and its hash. */
    @Benchmark
    public int chunkKey(Blackhole bh) {
        ChunkKey k = new ChunkKey(17, "orders-app", 42, 7);
        bh.consume(k);
        return k.hashCode();
    }

    /** Places 256 chunks locality first, no failover model (no backups). */
    @Benchmark
    public int place256(Blackhole bh) {
        return PlacementPlanner.plan(origin, 256, chunkSize, topology, room).placed();
    }

    /** Places 256 chunks under the N-1 failover model (backups). */
    @Benchmark
    public int place256Failover() {
        return PlacementPlanner.plan(origin, 256, chunkSize, topology, room, failover.copy()).placed();
    }

    /** A writer whose data path only counts what it is handed. */
    private static final class Counting extends ChunkingWriter {
        private final int chunkSize;
        long sent;

        Counting(int chunkSize) {
            super("bench", 1, chunkSize);
            this.chunkSize = chunkSize;
        }

        @Override
        protected int partition(int index) {
            return index & 127;
        }

        @Override
        protected void send(ChunkKey key, byte[] chunk, boolean reusable) {
            sent += chunk.length;
        }

        @Override
        protected byte[] nextBuffer() {
            return new byte[chunkSize];
        }

        @Override
        protected void awaitStored() {
        }

        @Override
        protected CheckpointInfo commitManifest(long size, int[] lengths, int[] checksums) {
            return null;
        }

        @Override
        protected void discard(int sent) {
        }

        @Override
        protected RuntimeException failure(RuntimeException e, String doing) {
            return e;
        }
    }
}
