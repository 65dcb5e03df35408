package dev.spillway.bench;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointStore;
import java.util.SplittableRandom;

/** Fills a cluster to Spillway's admission limit with ballast checkpoints, {@code ballast-0}, {@code ballast-1}, ... */
final class Ballast {
    private Ballast() {
    }

    /** Saves ballast checkpoints of {@code size} random bytes until Spillway refuses one; returns how many. */
    static int fill(CheckpointStore store, int size, long seed) {
        byte[] state = new byte[size];
        new SplittableRandom(seed).nextBytes(state);
        int k = 0;
        while (true) {
            try {
                store.save(name(k), state);
                k++;
            }
            catch (CapacityExhaustedException e) {
                return k;
            }
        }
    }

    static String name(int k) {
        return "ballast-" + k;
    }
}
