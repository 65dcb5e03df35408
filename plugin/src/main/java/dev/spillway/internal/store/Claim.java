package dev.spillway.internal.store;

import dev.spillway.wire.ChunkKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A node's hold on the chunks of one checkpoint that is being written or being removed. The writer records each
 * chunk's partition before storing the chunk, so the claim always covers every chunk that may exist. When the
 * owner's node leaves, or the claim lapses unrenewed, the reclaimer of the catalog's primary node takes it over
 * and removes the chunks. A claim holds no time: whether it lapsed is judged by the primary's clock alone
 * ({@link ClaimWatch}), from how long it has seen the claim unrenewed.
 *
 * <p>Chunks are shared: a checkpoint may name chunks an earlier one stored. A claim on a checkpoint being written
 * also {@link #pins} the chunks of the checkpoint it may name (the latest committed when it began), so they stay
 * while it is written even if that checkpoint goes. A removal claim removes its own chunks (those of a checkpoint
 * that was never committed) and {@link #drops}: stored chunks, of any checkpoint, that nothing names any more.
 */
final class Claim {
    final long checkpointId;
    UUID owner;
    /** How many times the owner renewed the claim: a claim whose count moves is alive. */
    long renewals;
    /** The partition of each chunk this checkpoint stores, by index: its own chunks. */
    int[] partitions;
    int chunks;
    /** Stored chunks of other checkpoints a checkpoint being written may name: kept while it is written. */
    ChunkRefs pins = new ChunkRefs();
    /** The checkpoint whose chunks {@link #pins} are (the latest committed at the begin), or 0. */
    long base;
    /** For a removal claim: stored chunks to remove besides its own. */
    ChunkRefs drops = new ChunkRefs();
    /** The request that made this claim what it is now (a begin, a take-over, a delete), or 0 (retention). */
    long token;
    /** For a removal claim made by retention: the checkpoint whose commit evicted it, else 0. */
    long evictedBy;

    Claim(long checkpointId, UUID owner) {
        this.checkpointId = checkpointId;
        this.owner = owner;
        this.partitions = new int[0];
    }

    /** A removal claim on checkpoint {@code id} that removes {@code drops}, made by request {@code token}. */
    static Claim removal(long id, UUID owner, ChunkRefs drops, long token) {
        Claim c = new Claim(id, owner);
        c.drops = drops;
        c.token = token;
        return c;
    }

    /** Records the partitions of chunks {@code from .. from + parts.length - 1}. */
    void intend(int from, int[] parts) {
        int end = from + parts.length;
        if (end > partitions.length)
            partitions = Arrays.copyOf(partitions, Math.max(end, partitions.length * 2));
        System.arraycopy(parts, 0, partitions, from, parts.length);
        chunks = Math.max(chunks, end);
    }

    long checkpointId() {
        return checkpointId;
    }

    UUID owner() {
        return owner;
    }

    long renewals() {
        return renewals;
    }

    /** The partition of each of the checkpoint's own chunks the claim covers, chunk i first. */
    int[] partitions() {
        return Arrays.copyOf(partitions, chunks);
    }

    /** Every stored chunk this claim holds for removal or writing: its own, then the drops (pins not included). */
    List<ChunkKey> keys(String application) {
        List<ChunkKey> keys = new ArrayList<>(chunks + drops.size());
        for (int i = 0; i < chunks; i++)
            keys.add(new ChunkKey(partitions[i], application, checkpointId, i));
        keys.addAll(drops.keys(application));
        return keys;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Claim c && checkpointId == c.checkpointId && owner.equals(c.owner)
            && renewals == c.renewals && Arrays.equals(partitions(), c.partitions()) && token == c.token
            && evictedBy == c.evictedBy && pins.equals(c.pins) && base == c.base && drops.equals(c.drops);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(checkpointId) * 31 + owner.hashCode();
    }

    @Override
    public String toString() {
        return "Claim[" + checkpointId + " owner=" + owner + " renewals=" + renewals + " partitions="
            + Arrays.toString(partitions()) + " pins=" + pins.size() + " of " + base + " drops=" + drops + " token="
            + token + " evictedBy=" + evictedBy + "]";
    }
}
