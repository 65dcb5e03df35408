package dev.spillway.test;

import dev.spillway.wire.Layout;
import dev.spillway.wire.ChunkKey;
import java.util.List;
import java.util.SplittableRandom;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.query.ScanQuery;

/** Payloads and direct looks into the chunk cache, independent of Spillway's own bookkeeping. */
public final class TestData {
    private TestData() {
    }

    /** Random, incompressible bytes; the same seed gives the same bytes. */
    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < size; i += 8) {
            long v = r.nextLong();
            for (int j = 0; j < 8 && i + j < size; j++)
                b[i + j] = (byte)(v >>> (j * 8));
        }
        return b;
    }

    /** Text-like bytes that LZ4 shrinks to well under half; the same seed gives the same bytes. */
    public static byte[] compressible(int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] words = {"checkpoint", "partition", "region", "lease", "chunk", "backup", "node", "state"};
        StringBuilder b = new StringBuilder(size + 32);
        while (b.length() < size)
            b.append(words[r.nextInt(words.length)]).append(' ').append(r.nextInt(100)).append(';');
        return java.util.Arrays.copyOf(b.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), size);
    }

    /** Keys of the chunks stored for one checkpoint, found by scanning the chunk cache. */
    public static List<ChunkKey> chunkKeys(Ignite ignite, String application, long checkpointId) {
        return ignite.<ChunkKey, byte[]>cache(Layout.CHUNK_CACHE)
            .query(new ScanQuery<ChunkKey, byte[]>((k, v) -> k.application().equals(application)
                && (checkpointId < 0 || k.checkpointId() == checkpointId)), Cache.Entry::getKey)
            .getAll();
    }
}
