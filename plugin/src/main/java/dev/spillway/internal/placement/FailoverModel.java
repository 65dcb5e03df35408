package dev.spillway.internal.placement;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What the loss of any one server node would do to the survivors' checkpoint regions. When a node is lost, Ignite
 * restores the backup count by copying the lost partition copies to the owners the affinity function assigns over
 * the survivors; a survivor only gains partitions (measured here), so its region will hold what it uses now plus
 * one copy of every partition it gains. The model predicts that for every node that could be lost and every
 * survivor, from the real bytes per partition and the assignment of the topology without that node (not from
 * averages: the busiest survivor of 4 nodes gained 1.41x the average, not 4/3), and tracks what a planned chunk
 * would add.
 *
 * <p>Pure logic: the owners and assignments come from the affinity function, the bytes from the catalogs and the
 * regions.
 *
 * <p>Public for {@code internal.capacity}, which assembles it and plans under it. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class FailoverModel {
    /**
     * Pages Ignite allocates in a node's region for a partition the node starts to hold, rows or not. Measured
     * (one node, an empty cache of 64, 128 and 512 partitions): 8.1-8.2 KB per partition on 4 KB pages, 32.1-32.5
     * KB on 16 KB pages. A survivor of 3 nodes with 128 partitions starts to hold about 43: 1.4 MB of a region on
     * 16 KB pages, which a model of rows alone missed (survivors settled up to 1.9% of 64 MB above it).
     */
    static final int PARTITION_PAGES = 2;
    /** Pages a partition's first row adds besides the row (measured: 14 KB each on 16 KB pages, 4 KB on 4 KB). */
    static final int FIRST_ROW_PAGES = 1;
    private final UUID[][] owners;
    private final Map<UUID, UUID[][]> ownersWithout;
    private final Map<UUID, Long> limit;
    private final Map<UUID, Integer> pageSize;
    /** Bytes of each partition, stored or about to be, and planned on this model: a partition at 0 has no rows. */
    private final long[] bytes;
    /** holders.get(lost)[p]: the survivors that would hold partition p after the loss. */
    private final Map<UUID, UUID[][]> holders = new HashMap<>();
    /** predicted.get(lost).get(survivor): the survivor's region bytes once the loss is rebalanced. */
    private final Map<UUID, Map<UUID, Long>> predicted = new HashMap<>();

    /**
     * @param owners owners[p]: the nodes holding partition p now, primary first
     * @param ownersWithout for each node that could be lost, the owners of each partition over the others
     * @param partitionBytes region bytes one copy of each partition takes, stored or about to be
     * @param pendingBytes the part of partitionBytes that writers have planned but may not have stored yet: the
     *     owners' measured usage does not show it, so the model adds it to them
     * @param used region bytes each node uses now
     * @param limit region bytes no node may reach, after a loss included
     * @param pageSize each node's region page size: a partition new to a node costs it pages besides its rows
     *     ({@link #newPartitionBytes})
     */
    public FailoverModel(UUID[][] owners, Map<UUID, UUID[][]> ownersWithout, long[] partitionBytes,
                         long[] pendingBytes, Map<UUID, Long> used, Map<UUID, Long> limit,
                         Map<UUID, Integer> pageSize) {
        this.owners = owners;
        this.ownersWithout = ownersWithout;
        this.limit = limit;
        this.pageSize = pageSize;
        this.bytes = partitionBytes.clone();
        for (Map.Entry<UUID, UUID[][]> scenario : ownersWithout.entrySet()) {
            UUID lost = scenario.getKey();
            Map<UUID, Long> after = new HashMap<>();
            used.forEach((node, bytes) -> {
                if (!node.equals(lost))
                    after.put(node, bytes);
            });
            predicted.put(lost, after);
            UUID[][] byPartition = new UUID[owners.length][];
            for (int p = 0; p < owners.length; p++)
                byPartition[p] = holdersAfter(p, lost).toArray(UUID[]::new);
            holders.put(lost, byPartition);
            for (int p = 0; p < owners.length; p++) {
                for (UUID gainer : gainers(p, lost))
                    after.merge(gainer, partitionBytes[p] + newPartitionBytes(pageSize(gainer), partitionBytes[p] > 0),
                        Long::sum);
                // A partition whose bytes are all pending has no rows yet: its owners pay its first row's page.
                long firstRow = pendingBytes[p] == partitionBytes[p] ? FIRST_ROW_PAGES : 0;
                for (UUID owner : owners[p]) {
                    if (!owner.equals(lost) && pendingBytes[p] > 0)
                        after.merge(owner, pendingBytes[p] + firstRow * pageSize(owner), Long::sum);
                }
            }
        }
    }

    private FailoverModel(FailoverModel other) {
        this.owners = other.owners;
        this.ownersWithout = other.ownersWithout;
        this.limit = other.limit;
        this.pageSize = other.pageSize;
        this.bytes = other.bytes.clone();
        this.holders.putAll(other.holders);
        other.predicted.forEach((lost, after) -> predicted.put(lost, new HashMap<>(after)));
    }

    /** A copy to plan on without changing this one. */
    public FailoverModel copy() {
        return new FailoverModel(this);
    }

    /** A loss and its worst effect: the survivor left with the least room. */
    public record Loss(UUID lost, UUID survivor, long headroom) {
    }

    /** The survivor's region bytes once the loss of {@code lost} is rebalanced. */
    public long predicted(UUID lost, UUID survivor) {
        return predicted.get(lost).getOrDefault(survivor, 0L);
    }

    /** The region bytes the node may not reach. */
    public long limit(UUID node) {
        return limit.getOrDefault(node, 0L);
    }

    /** Room the survivor would have left after the loss of {@code lost}: its limit less the predicted bytes. */
    public long headroom(UUID lost, UUID survivor) {
        return limit.getOrDefault(survivor, 0L) - predicted(lost, survivor);
    }

    /** The loss that leaves some survivor the least room, and that survivor; null with fewer than two nodes. */
    public Loss worstLoss() {
        Loss worst = null;
        for (Map.Entry<UUID, Map<UUID, Long>> scenario : predicted.entrySet()) {
            for (UUID survivor : scenario.getValue().keySet()) {
                long room = headroom(scenario.getKey(), survivor);
                if (worst == null || room < worst.headroom())
                    worst = new Loss(scenario.getKey(), survivor, room);
            }
        }
        return worst;
    }

    /** The least room {@code node} would have after any other node's loss (Long.MAX_VALUE alone). */
    public long safeHeadroom(UUID node) {
        long min = Long.MAX_VALUE;
        for (UUID lost : predicted.keySet()) {
            if (!lost.equals(node))
                min = Math.min(min, headroom(lost, node));
        }
        return min;
    }

    /**
     * Whether one more copy set of {@code bytes} in partition {@code p} keeps every survivor of every single loss
     * within its limit. Every node that holds p now, or would hold it after a loss, gains the bytes in that
     * scenario, and the partition's own page where p has no rows yet.
     */
    public boolean fits(int p, long bytes) {
        boolean first = this.bytes[p] == 0;
        for (UUID lost : predicted.keySet()) {
            for (UUID holder : holders.get(lost)[p]) {
                if (headroom(lost, holder) < bytes + (first ? (long)FIRST_ROW_PAGES * pageSize(holder) : 0))
                    return false;
            }
        }
        return true;
    }

    /** The least room, over every loss, among the nodes that would hold partition p after it. */
    public long minRoom(int p) {
        long min = Long.MAX_VALUE;
        for (UUID lost : predicted.keySet()) {
            for (UUID holder : holders.get(lost)[p])
                min = Math.min(min, headroom(lost, holder));
        }
        return min;
    }

    /**
     * How much a copy set in partition p would press on the tightest places: the sum, over every loss and every
     * survivor that would then hold p, of one over that survivor's headroom (infinite where there is none).
     * Placing chunks where this is lowest keeps the survivors' headroom even, so the cluster fills further before
     * any loss binds: a simulation of this cluster's fill with 4 nodes reached 73% average fill this way against
     * 71% when taking the partition with the largest least room.
     */
    public double pressure(int p) {
        double sum = 0;
        for (UUID lost : predicted.keySet()) {
            for (UUID holder : holders.get(lost)[p]) {
                long room = headroom(lost, holder);
                if (room <= 0)
                    return Double.POSITIVE_INFINITY;
                sum += 1.0 / room;
            }
        }
        return sum;
    }

    /**
     * Records {@code bytes} more in partition p: every scenario's holders of p grow by it, and by the partition's
     * own page where it had no rows yet.
     */
    public void add(int p, long bytes) {
        boolean first = this.bytes[p] == 0;
        for (Map.Entry<UUID, Map<UUID, Long>> scenario : predicted.entrySet()) {
            for (UUID holder : holders.get(scenario.getKey())[p])
                scenario.getValue().merge(holder, bytes + (first ? (long)FIRST_ROW_PAGES * pageSize(holder) : 0),
                    Long::sum);
        }
        this.bytes[p] += bytes;
    }

    private int pageSize(UUID node) {
        return pageSize.getOrDefault(node, 0);
    }

    /**
     * Region bytes a partition new to a node costs it besides its rows, on pages of {@code pageSize}: the pages
     * Ignite allocates when the node starts to hold it, and one more with its first row.
     */
    public static long newPartitionBytes(int pageSize, boolean rows) {
        return (long)pageSize * (PARTITION_PAGES + (rows ? FIRST_ROW_PAGES : 0));
    }

    /** Survivors holding p after the loss: its owners now but the lost one, and those that gain it. */
    private Set<UUID> holdersAfter(int p, UUID lost) {
        Set<UUID> holders = new HashSet<>();
        for (UUID o : owners[p]) {
            if (!o.equals(lost))
                holders.add(o);
        }
        holders.addAll(gainers(p, lost));
        return holders;
    }

    /** Nodes that own p after the loss of {@code lost} but do not own it now. */
    private List<UUID> gainers(int p, UUID lost) {
        UUID[] after = ownersWithout.get(lost)[p];
        List<UUID> gain = new java.util.ArrayList<>(after.length);
        for (UUID n : after) {
            if (!contains(owners[p], n))
                gain.add(n);
        }
        return gain;
    }

    private static boolean contains(UUID[] nodes, UUID n) {
        for (UUID x : nodes) {
            if (x.equals(n))
                return true;
        }
        return false;
    }
}
