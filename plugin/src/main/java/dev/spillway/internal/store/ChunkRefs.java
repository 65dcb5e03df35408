package dev.spillway.internal.store;

import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Stored chunks of one application, each named by the checkpoint that stored it (its home), its index among that
 * checkpoint's stored chunks, and its partition: what a claim protects or removes. Kept in the catalog entry as
 * three arrays, each stored chunk at most once.
 */
final class ChunkRefs {
    /** A stored chunk, as sets compare them: the home and index name it; the partition follows from its key. */
    record Ref(long home, int index) {
    }

    private int count;
    private long[] homes = new long[0];
    private int[] indexes = new int[0];
    private int[] partitions = new int[0];

    /** The distinct stored chunks {@code table} names, in the order it first names them. */
    static ChunkRefs of(ChunkTable table) {
        ChunkRefs refs = new ChunkRefs();
        Set<Ref> seen = new HashSet<>();
        for (int i = 0; i < table.size(); i++) {
            if (seen.add(new Ref(table.home(i), table.storedIndex(i))))
                refs.add(table.home(i), table.storedIndex(i), table.partition(i));
        }
        return refs;
    }

    void add(long home, int index, int partition) {
        if (count == homes.length) {
            int capacity = Math.max(8, count * 2);
            homes = Arrays.copyOf(homes, capacity);
            indexes = Arrays.copyOf(indexes, capacity);
            partitions = Arrays.copyOf(partitions, capacity);
        }
        homes[count] = home;
        indexes[count] = index;
        partitions[count] = partition;
        count++;
    }

    int size() {
        return count;
    }

    /** A copy that changes apart from this one. */
    ChunkRefs copy() {
        ChunkRefs c = new ChunkRefs();
        for (int i = 0; i < count; i++)
            c.add(homes[i], indexes[i], partitions[i]);
        return c;
    }

    boolean isEmpty() {
        return count == 0;
    }

    long home(int i) {
        return homes[i];
    }

    int index(int i) {
        return indexes[i];
    }

    int partition(int i) {
        return partitions[i];
    }

    Ref ref(int i) {
        return new Ref(homes[i], indexes[i]);
    }

    /** Every chunk here, as refs. */
    Set<Ref> refs() {
        Set<Ref> all = new HashSet<>();
        for (int i = 0; i < count; i++)
            all.add(ref(i));
        return all;
    }

    /**
     * The chunks here that {@code named} does not hold and {@code taken} did not hold yet, added to {@code taken}:
     * each stored chunk is handed to one removal at most.
     */
    ChunkRefs unnamed(Set<Ref> named, Set<Ref> taken) {
        ChunkRefs out = new ChunkRefs();
        for (int i = 0; i < count; i++) {
            Ref r = ref(i);
            if (!named.contains(r) && taken.add(r))
                out.add(homes[i], indexes[i], partitions[i]);
        }
        return out;
    }

    /** The chunk keys, for {@code application}. */
    List<ChunkKey> keys(String application) {
        List<ChunkKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
            keys.add(new ChunkKey(partitions[i], application, homes[i], indexes[i]));
        return keys;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChunkRefs r && count == r.count
            && Arrays.equals(homes, 0, count, r.homes, 0, count)
            && Arrays.equals(indexes, 0, count, r.indexes, 0, count)
            && Arrays.equals(partitions, 0, count, r.partitions, 0, count);
    }

    @Override
    public int hashCode() {
        return count;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < count; i++)
            b.append(i == 0 ? "" : ", ").append(homes[i]).append('#').append(indexes[i]);
        return b.append(']').toString();
    }
}
