package dev.spillway.internal.store;

import dev.spillway.ScrubReport;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32C;
import javax.cache.Cache;
import javax.cache.CacheException;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteException;
import org.apache.ignite.IgniteLogger;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;

/**
 * Verifies every chunk copy this server node holds, primary and backup, against its checkpoint's manifest (length
 * and CRC32C), before a restore needs it. A damaged copy is logged and written again from a healthy copy on another
 * owner (a put writes every copy); with none left, it is logged as unrepaired, and a restore of its checkpoint fails
 * naming the chunk, as the reader verifies every chunk. Chunks of checkpoints not committed (being written, or
 * removed meanwhile) are skipped: their manifest is not there to say what they should hold.
 *
 * <p>A pass reads the copies at a bounded rate ({@link Pace}), so a background scrub takes a share of the node's
 * memory bandwidth that the operator sets; an on-demand pass reads at full speed.
 */
final class Scrub {
    /** How a pass paces its reads. */
    interface Pace {
        /** Called after each copy read, with its bytes: sleeps as long as keeps the pass under its rate. */
        void read(long bytes) throws InterruptedException;

        /** No pacing: an on-demand pass. */
        Pace FULL_SPEED = bytes -> { };

        /** At most {@code bytesPerSecond}, on average since the pass began. */
        static Pace at(long bytesPerSecond) {
            long start = System.nanoTime();
            long[] read = {0};
            return bytes -> {
                read[0] += bytes;
                long due = start + read[0] * 1_000_000_000L / bytesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0)
                    Thread.sleep(wait / 1_000_000, (int)(wait % 1_000_000));
            };
        }
    }

    /** The chunk of a committed checkpoint whose bytes a stored chunk holds. */
    private record Named(Manifest manifest, int chunk) {
    }

    private final Ignite ignite;
    private final CheckpointEngine engine;
    private final IgniteLogger log;
    private ScrubReport totals = ScrubReport.NONE;

    Scrub(Ignite ignite, CheckpointEngine engine) {
        this.ignite = ignite;
        this.engine = engine;
        this.log = ignite.log().getLogger(Scrub.class);
    }

    /** What every pass on this node found, summed. */
    synchronized ScrubReport totals() {
        return totals;
    }

    /** One pass over every chunk copy this node holds; passes run one at a time. */
    synchronized ScrubReport pass(Pace pace) throws InterruptedException {
        IgniteCache<ChunkKey, byte[]> chunks = ignite.cache(Layout.CHUNK_CACHE);
        if (chunks == null)
            return ScrubReport.NONE;
        Map<String, Map<ChunkRefs.Ref, Named>> named = new HashMap<>();
        CRC32C crc = new CRC32C();
        long verified = 0;
        long bytes = 0;
        long damaged = 0;
        long repaired = 0;
        long unrepaired = 0;
        for (int part : ignite.affinity(Layout.CHUNK_CACHE).allPartitions(ignite.cluster().localNode())) {
            // A local scan of one partition reserves it while it is read, so a partition this node gives up
            // meanwhile is not cleared under the scan (an unreserved walk of a cleared partition is a critical
            // failure in Ignite); one this node does not own (yet, or any more) is refused and skipped.
            try (QueryCursor<Cache.Entry<ChunkKey, byte[]>> entries = chunks.query(
                new ScanQuery<ChunkKey, byte[]>().setPartition(part).setLocal(true))) {
                for (Cache.Entry<ChunkKey, byte[]> e : entries) {
                    ChunkKey key = e.getKey();
                    byte[] copy = e.getValue();
                    Named n = named.computeIfAbsent(key.application(), this::committedChunks)
                        .get(new ChunkRefs.Ref(key.checkpointId(), key.index()));
                    if (n == null)
                        continue;
                    verified++;
                    bytes += copy.length;
                    if (!healthy(copy, n.manifest(), n.chunk(), crc)) {
                        damaged++;
                        if (repair(key, n.manifest(), n.chunk()))
                            repaired++;
                        else
                            unrepaired++;
                    }
                    pace.read(copy.length);
                }
            }
            catch (CacheException | IgniteException e) {
                // Not owned here now (refused as unreserved): its owners scrub it.
            }
        }
        ScrubReport pass = new ScrubReport(verified, bytes, damaged, repaired, unrepaired);
        totals = totals.plus(pass);
        return pass;
    }

    /** The stored chunks the application's committed checkpoints name, each with one chunk that names it. */
    private Map<ChunkRefs.Ref, Named> committedChunks(String application) {
        AppCatalog catalog = engine.catalog().get(application);
        Map<ChunkRefs.Ref, Named> named = new HashMap<>();
        if (catalog != null) {
            for (Manifest m : catalog.committed()) {
                for (int i = 0; i < m.chunks(); i++)
                    named.putIfAbsent(new ChunkRefs.Ref(m.table().home(i), m.table().storedIndex(i)), new Named(m, i));
            }
        }
        return named;
    }

    /** Whether a committed checkpoint of the application still names the stored chunk {@code key}. */
    private boolean stillNamed(ChunkKey key) {
        return committedChunks(key.application()).containsKey(new ChunkRefs.Ref(key.checkpointId(), key.index()));
    }

    /** Whether {@code copy} holds the stored bytes of chunk {@code index} of {@code m}: its length and CRC32C. */
    static boolean healthy(byte[] copy, Manifest m, int index, CRC32C crc) {
        if (copy.length != m.storedLength(index))
            return false;
        crc.reset();
        crc.update(copy, 0, copy.length);
        return (int)crc.getValue() == m.checksum(index);
    }

    /** Writes a damaged chunk again from a healthy copy on another owner; false when none is left. */
    private boolean repair(ChunkKey key, Manifest m, int index) {
        String chunk = "chunk " + index + " of " + m.application() + "/" + m.checkpointId() + " (stored chunk "
            + key.index() + " of checkpoint " + key.checkpointId() + ", partition " + key.partition() + ")";
        String here = String.valueOf(ignite.cluster().localNode().consistentId());
        byte[] healthy;
        try {
            healthy = engine.chunkCache().healthyCopy(key, copy -> healthy(copy, m, index, new CRC32C()),
                "scrubbing " + chunk);
        }
        catch (RuntimeException e) {
            log.warning("Spillway scrub: the copy of " + chunk + " on " + here + " is damaged, and its other owners "
                + "could not be asked for theirs; the next pass tries again: " + e);
            return false;
        }
        if (healthy == null) {
            markDamaged(key, m, index, chunk, here);
            return false;
        }
        // Named still? A chunk removed meanwhile must not come back.
        if (!stillNamed(key))
            return false;
        engine.chunkCache().rewrite(key, healthy);
        log.warning("Spillway scrub: the copy of " + chunk + " on " + here + " was damaged (its bytes did not "
            + "match the checkpoint's CRC32C); written again from a healthy copy");
        return true;
    }

    /**
     * Marks every committed checkpoint that names the stored chunk damaged in its catalog entry, naming the chunk
     * no owner holds a healthy copy of: its listing says so, and a restore fails at once naming the chunk. Logged
     * once, when first marked.
     */
    private void markDamaged(ChunkKey key, Manifest m, int index, String chunk, String here) {
        // Marked in every committed checkpoint that names it, each pass: one committed since the last pass (its save
        // began before the mark) may name it too. Logged once, when the checkpoint at hand is first marked.
        boolean known = m.isDamaged(index);
        try {
            if (engine.catalog().markDamaged(m.application(), key.checkpointId(), key.index()) && !known)
                log.error("Spillway scrub: the copy of " + chunk + " on " + here + " is damaged and no owner holds "
                    + "a healthy copy: every checkpoint of " + m.application() + " that names it is marked "
                    + "damaged, and a restore of one fails naming its chunk");
        }
        catch (RuntimeException e) {
            log.error("Spillway scrub: the copy of " + chunk + " on " + here + " is damaged and no owner holds a "
                + "healthy copy; marking the checkpoint damaged failed, the next pass tries again: " + e);
        }
    }
}
