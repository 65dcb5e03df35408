package dev.spillway.internal.store;

import java.util.HashMap;
import java.util.Map;

/**
 * How a node judges by its own clock alone whether something has stayed the same for a lease timeout. Each pass
 * reports what it finds now, a key and its state; a key lapses once this node has found it in one state, pass
 * after pass, for a whole lease, both ends of that time read here. A key a pass does not report is forgotten:
 * found again, its lease starts over. No time of another node's enters the judgement, so no clock skew between
 * nodes changes it. Used by one thread at a time.
 *
 * @param <K> what is watched
 * @param <S> its state: a change of state (by {@code equals}) restarts the lease
 */
final class Sightings<K, S> {
    private record Sighting<S>(S state, long since) {
    }

    private final long leaseMillis;
    private Map<K, Sighting<S>> seen = new HashMap<>();
    private Map<K, Sighting<S>> seenThisPass = new HashMap<>();
    private long longestThisPass;
    /** What the last finished pass found: how many keys, and the longest any had stayed in one state. */
    private volatile Found found = Found.NONE;

    /** What a finished pass found: {@code keys} reported, the longest of them unchanged for {@code longestMillis}. */
    record Found(int keys, long longestMillis) {
        static final Found NONE = new Found(0, 0);
    }

    Sightings(long leaseMillis) {
        this.leaseMillis = leaseMillis;
    }

    /** Whether {@code key}, found now in {@code state} at {@code now} by this node's clock, has lapsed. */
    boolean lapsed(K key, S state, long now) {
        Sighting<S> before = seen.get(key);
        Sighting<S> sighting = before != null && before.state.equals(state) ? before : new Sighting<>(state, now);
        seenThisPass.put(key, sighting);
        longestThisPass = Math.max(longestThisPass, now - sighting.since);
        return now - sighting.since >= leaseMillis;
    }

    /** Ends a pass: what it did not find is forgotten. */
    void endPass() {
        found = new Found(seenThisPass.size(), longestThisPass);
        seen = seenThisPass;
        seenThisPass = new HashMap<>();
        longestThisPass = 0;
    }

    /** What the last finished pass found; read by any thread. */
    Found found() {
        return found;
    }
}
