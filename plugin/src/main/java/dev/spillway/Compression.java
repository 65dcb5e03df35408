package dev.spillway;

/**
 * How a checkpoint's chunks are compressed before they are stored ({@link SpillwayConfiguration#getCompression()}).
 * Each chunk is compressed on its own, and kept compressed only when that saves at least
 * {@link SpillwayConfiguration#getCompressionMinSaving()} of it; otherwise it is stored as it is, so incompressible
 * data costs a short probe and nothing more.
 */
public enum Compression {
    /** Chunks are stored as they are. */
    NONE,
    /** LZ4 (fast): a few GB/s, about 2:1 on text-like data. The default. */
    LZ4,
    /** Zstandard at level 3: denser than LZ4 and several times slower. */
    ZSTD
}
