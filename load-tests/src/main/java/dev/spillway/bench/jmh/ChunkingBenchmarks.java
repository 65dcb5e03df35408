package dev.spillway.bench.jmh;

import dev.spillway.CheckpointInfo;
import dev.spillway.Compression;
import dev.spillway.wire.ChunkCodec;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.ChunkingWriter;
import java.util.SplittableRandom;
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
 * The data side of a checkpoint's hot path inside one JVM, without Ignite: cutting a stream into chunks with their
 * CRC32C, the checksum alone, chunk key construction (the placement decisions are measured beside the planner,
 * {@code PlacementBenchmarks} in the plugin's tests). Run with {@code ./spillway jmh} (any JMH options after it,
 * e.g. {@code ./spillway jmh -f 1 -wi 2 -i 3 Crc}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ChunkingBenchmarks {
    @Param({"65536", "1048576"})
    public int chunkSize;

    private byte[] state;
    private byte[] chunk;

    @Setup(Level.Trial)
    public void setUp() {
        state = new byte[16 << 20];
        new SplittableRandom(1).nextBytes(state);
        chunk = new byte[chunkSize];
        new SplittableRandom(2).nextBytes(chunk);
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

    /** A writer whose data path only counts what it is handed. */
    private static final class Counting extends ChunkingWriter {
        private final int chunkSize;
        long sent;

        Counting(int chunkSize) {
            super("bench", 1, chunkSize, null, ChunkCodec.of(Compression.NONE, 0), true);
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
        protected byte[] readStored(ChunkKey key) {
            return null;
        }

        @Override
        protected CheckpointInfo commitManifest(long size, ChunkTable chunks) {
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
