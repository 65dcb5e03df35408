package dev.spillway.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.Compression;
import dev.spillway.test.TestData;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Chunk compression: what is stored compressed, what as it is, and decoding that refuses anything but a match. */
class ChunkCodecTest {
    private static final int CHUNK = 1 << 20;

    static byte[] compressible(int size, long seed) {
        return TestData.compressible(size, seed);
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"LZ4", "ZSTD"})
    @DisplayName("compressible bytes are stored compressed and decode to the same bytes")
    void compressibleRoundTrip(Compression compression) {
        byte[] chunk = compressible(CHUNK, 1);
        ChunkCodec codec = ChunkCodec.of(compression, 0.1);
        byte[] stored = codec.encode(chunk, chunk.length);
        assertThat(stored).isNotNull();
        assertThat(codec.lastCodec()).isEqualTo(ChunkCodec.codecOf(compression));
        assertThat(stored.length).isLessThan(chunk.length / 2);
        assertThat(ChunkCodec.decode(codec.lastCodec(), stored, chunk.length)).isEqualTo(chunk);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    @DisplayName("random bytes, and any bytes without compression, are stored as they are")
    void incompressibleStoredAsTheyAre(Compression compression) {
        ChunkCodec codec = ChunkCodec.of(compression, 0.1);
        assertThat(codec.encode(TestData.random(CHUNK, 2), CHUNK)).isNull();
        assertThat(codec.lastCodec()).isEqualTo(ChunkCodec.RAW);
        if (compression == Compression.NONE)
            assertThat(codec.encode(compressible(CHUNK, 3), CHUNK)).isNull();
    }

    @Test
    @DisplayName("a chunk whose first 64 KB do not shrink is stored as it is without compressing the rest")
    void probe() {
        byte[] chunk = compressible(CHUNK, 4);
        System.arraycopy(TestData.random(ChunkCodec.PROBE, 5), 0, chunk, 0, ChunkCodec.PROBE);
        assertThat(ChunkCodec.of(Compression.LZ4, 0.1).encode(chunk, chunk.length)).isNull();
    }

    @Test
    @DisplayName("a chunk that shrinks less than the least saving is stored as it is")
    void leastSaving() {
        byte[] chunk = compressible(CHUNK, 6);
        byte[] stored = ChunkCodec.of(Compression.LZ4, 0.1).encode(chunk, chunk.length);
        double saving = 1 - (double)stored.length / chunk.length;
        assertThat(ChunkCodec.of(Compression.LZ4, Math.min(0.99, saving + 0.05)).encode(chunk, chunk.length))
            .isNull();
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = {"LZ4", "ZSTD"})
    @DisplayName("stored bytes that are damaged, cut short, or decode to another length are refused")
    void decodeRefusesWhatDoesNotMatch(Compression compression) {
        byte[] chunk = compressible(CHUNK, 7);
        ChunkCodec codec = ChunkCodec.of(compression, 0.1);
        byte[] stored = codec.encode(chunk, chunk.length);
        byte c = codec.lastCodec();
        assertThatThrownBy(() -> ChunkCodec.decode(c, stored, chunk.length + 1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkCodec.decode(c, Arrays.copyOf(stored, stored.length / 2), chunk.length))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkCodec.decode(c, TestData.random(stored.length, 8), chunk.length))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChunkCodec.decode((byte)9, stored, chunk.length))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown codec 9");
    }
}
