package dev.spillway.internal.store;

import dev.spillway.wire.Manifest;
import java.util.Arrays;
import java.util.UUID;

/**
 * A node's hold on the chunks of one checkpoint that is being written or being removed. The writer records each
 * chunk's partition before storing the chunk, so the claim always covers every chunk that may exist. When the
 * owner's node leaves, or the claim lapses unrenewed, the reclaimer of the catalog's primary node takes it over
 * and removes the chunks. A claim holds no time: whether it lapsed is judged by the primary's clock alone
 * ({@link ClaimWatch}), from how long it has seen the claim unrenewed.
 */
final class Claim {
    final long checkpointId;
    UUID owner;
    /** How many times the owner renewed the claim: a claim whose count moves is alive. */
    long renewals;
    int[] partitions;
    int chunks;
    /** The request that made this claim what it is now (a begin, a take-over, a delete), or 0 (retention). */
    long token;
    /** For a removal claim made by retention: the checkpoint whose commit evicted it, else 0. */
    long evictedBy;

    Claim(long checkpointId, UUID owner) {
        this.checkpointId = checkpointId;
        this.owner = owner;
        this.partitions = new int[0];
    }

    static Claim of(Manifest m, UUID owner) {
        Claim c = new Claim(m.checkpointId(), owner);
        c.partitions = m.partitions();
        c.chunks = c.partitions.length;
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

    /** The partition of each chunk the claim covers, chunk i first. */
    int[] partitions() {
        return Arrays.copyOf(partitions, chunks);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Claim c && checkpointId == c.checkpointId && owner.equals(c.owner)
            && renewals == c.renewals && Arrays.equals(partitions(), c.partitions()) && token == c.token
            && evictedBy == c.evictedBy;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(checkpointId) * 31 + owner.hashCode();
    }

    @Override
    public String toString() {
        return "Claim[" + checkpointId + " owner=" + owner + " renewals=" + renewals + " partitions="
            + Arrays.toString(partitions()) + " token=" + token + " evictedBy=" + evictedBy + "]";
    }
}
