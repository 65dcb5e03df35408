package dev.spillway.wire;

import com.github.luben.zstd.Zstd;
import dev.spillway.Compression;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How one writer stores its chunks: as they are, or compressed with LZ4 or zstd when that saves at least a set
 * fraction. A chunk of more than twice {@link #PROBE} bytes is probed first: its first {@link #PROBE} bytes are
 * compressed, and when they do not shrink enough the chunk is stored as it is without compressing the rest. The
 * codec of each stored chunk is in its manifest ({@link ChunkTable#codec}); a reader decodes whatever it finds.
 * Not thread-safe: one per writer.
 */
public final class ChunkCodec {
    /** The codec byte of a chunk stored as it is. */
    public static final byte RAW = ChunkTable.RAW;
    public static final byte LZ4 = 1;
    public static final byte ZSTD = 2;
    /** Bytes of a chunk compressed first, to tell whether the rest is worth compressing. */
    static final int PROBE = 64 << 10;
    private static final int ZSTD_LEVEL = 3;
    private static final LZ4Factory LZ4_FACTORY = LZ4Factory.fastestInstance();

    private final byte codec;
    private final double minSaving;
    private final LZ4Compressor lz4;
    private byte[] scratch = new byte[0];
    private byte last = RAW;

    private ChunkCodec(byte codec, double minSaving) {
        this.codec = codec;
        this.minSaving = minSaving;
        this.lz4 = codec == LZ4 ? LZ4_FACTORY.fastCompressor() : null;
    }

    /**
     * A codec that compresses with {@code compression} when it saves at least {@code minSaving} of a chunk (0 to
     * below 1).
     */
    public static ChunkCodec of(Compression compression, double minSaving) {
        return new ChunkCodec(codecOf(compression), minSaving);
    }

    /** The codec byte of {@code compression}. */
    public static byte codecOf(Compression compression) {
        return switch (compression) {
            case NONE -> RAW;
            case LZ4 -> LZ4;
            case ZSTD -> ZSTD;
        };
    }

    /** The compression a codec byte names, as it was configured. */
    public static Compression compressionOf(byte codec) {
        return switch (codec) {
            case RAW -> Compression.NONE;
            case LZ4 -> Compression.LZ4;
            case ZSTD -> Compression.ZSTD;
            default -> throw new IllegalArgumentException("Unknown chunk codec " + codec);
        };
    }

    /** Whether {@code codec} names a codec a reader can decode. */
    public static boolean known(byte codec) {
        return codec == RAW || codec == LZ4 || codec == ZSTD;
    }

    /**
     * The bytes to store for the first {@code len} bytes of {@code chunk}: a new array of compressed bytes, or null
     * when the chunk is to be stored as it is. {@link #lastCodec()} says which.
     */
    public byte[] encode(byte[] chunk, int len) {
        last = RAW;
        if (codec == RAW || len < 64)
            return null;
        if (len > 2 * PROBE && compress(chunk, PROBE) > PROBE * (1 - minSaving))
            return null;
        int n = compress(chunk, len);
        if (n >= len || n > len * (1 - minSaving))
            return null;
        last = codec;
        return Arrays.copyOf(scratch, n);
    }

    /** The codec of the last chunk {@link #encode} saw. */
    public byte lastCodec() {
        return last;
    }

    private int compress(byte[] chunk, int len) {
        if (codec == LZ4) {
            int bound = lz4.maxCompressedLength(len);
            if (scratch.length < bound)
                scratch = new byte[bound];
            return lz4.compress(chunk, 0, len, scratch, 0, scratch.length);
        }
        int bound = (int)Zstd.compressBound(len);
        if (scratch.length < bound)
            scratch = new byte[bound];
        long n = Zstd.compressByteArray(scratch, 0, scratch.length, chunk, 0, len, ZSTD_LEVEL);
        if (Zstd.isError(n))
            throw new IllegalStateException("zstd could not compress a chunk of " + len + " bytes: "
                + Zstd.getErrorName(n));
        return (int)n;
    }

    /**
     * The {@code length} bytes a chunk stored with {@code codec} holds. Stored bytes that do not decode to exactly
     * {@code length} bytes fail; the decoders are the bounds-checked ones, safe on any input.
     *
     * @throws IllegalArgumentException naming what is wrong with the stored bytes
     */
    public static byte[] decode(byte codec, byte[] stored, int length) {
        if (codec == RAW)
            return stored;
        byte[] out = new byte[length];
        int n;
        if (codec == LZ4) {
            LZ4SafeDecompressor d = LZ4_FACTORY.safeDecompressor();
            try {
                n = d.decompress(stored, 0, stored.length, out, 0, length);
            }
            catch (RuntimeException e) {
                throw new IllegalArgumentException("LZ4 could not decode it: " + e.getMessage(), e);
            }
        }
        else if (codec == ZSTD) {
            long r;
            try {
                r = Zstd.decompressByteArray(out, 0, length, stored, 0, stored.length);
            }
            catch (RuntimeException e) {
                throw new IllegalArgumentException("zstd could not decode it: " + e.getMessage(), e);
            }
            if (Zstd.isError(r))
                throw new IllegalArgumentException("zstd could not decode it: " + Zstd.getErrorName(r));
            n = (int)r;
        }
        else
            throw new IllegalArgumentException("unknown codec " + codec);
        if (n != length)
            throw new IllegalArgumentException("it decodes to " + n + " bytes, not " + length);
        return out;
    }
}
