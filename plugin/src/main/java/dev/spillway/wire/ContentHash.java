package dev.spillway.wire;

import net.openhft.hashing.LongTupleHashFunction;

/**
 * The content hash of a chunk: XXH3 with 128-bit output, over the bytes the application wrote (before any
 * compression). Two chunks of one application with the same hash and length are taken to hold the same bytes,
 * and the later one is stored as a reference to the earlier.
 *
 * <p>Why this hash: a save hashes every byte of the state, so the hash must run near memory speed; XXH3-128 runs at
 * about 6 GB/s on one core here, SHA-256 (with the CPU's SHA extensions) at 1.3 GB/s. 128 bits make an accidental
 * collision negligible: among 2^32 distinct chunks of one application (4 PB of 1 MB chunks) the chance of any is
 * below 2^-63. It is not a cryptographic hash: bytes can be crafted to collide with other bytes. Deduplication is
 * confined to one application, so only an identity that may save that application could plant such a chunk, and
 * such an identity can replace the application's latest checkpoint anyway.
 */
public final class ContentHash {
    private static final LongTupleHashFunction XXH3_128 = LongTupleHashFunction.xx128();

    private ContentHash() {
    }

    /** The hash of {@code len} bytes of {@code b} from {@code off}, into {@code out[0]} and {@code out[1]}. */
    public static void of(byte[] b, int off, int len, long[] out) {
        XXH3_128.hashBytes(b, off, len, out);
    }
}
