package dev.spillway.internal.placement;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Chooses the partition, and so the primary and backup nodes, of each chunk a writer is about to store.
 *
 * <p>Locality first: while the origin node and the backup owners of its partitions have room, every chunk goes to
 * a partition whose primary is the origin. Past that, chunks go to the partitions of the peer with the most room.
 * Within a node, the partition whose backup owners have the most room is taken, rotating over ties, so backup
 * copies spread; when every single node loss must be survivable, the partition that presses least on the
 * survivors' headroom after any loss is taken instead. A chunk is placed only where every owner (primary and backups) has room for its copy. Pure logic:
 * no Ignite calls.
 *
 * <p>Public for {@code internal.capacity}, whose reservations plan with it. Not API: see {@code dev.spillway.internal}.
 */
public final class PlacementPlanner {
    private PlacementPlanner() {
    }

    /**
     * Who owns each partition of the chunk cache.
     *
     * @param owners owners[p] = the nodes holding partition p, primary first
     * @param primaries each node's primary partitions
     */
    public record Topology(UUID[][] owners, Map<UUID, int[]> primaries) {
        public static Topology of(List<List<UUID>> ownersByPartition) {
            UUID[][] owners = new UUID[ownersByPartition.size()][];
            Map<UUID, List<Integer>> byPrimary = new HashMap<>();
            for (int p = 0; p < owners.length; p++) {
                owners[p] = ownersByPartition.get(p).toArray(UUID[]::new);
                if (owners[p].length > 0)
                    byPrimary.computeIfAbsent(owners[p][0], n -> new ArrayList<>()).add(p);
            }
            Map<UUID, int[]> primaries = new HashMap<>();
            byPrimary.forEach((n, ps) -> primaries.put(n, ps.stream().mapToInt(Integer::intValue).toArray()));
            return new Topology(owners, primaries);
        }

        public int partitions() {
            return owners.length;
        }
    }

    /**
     * @param partitions the chosen partition of each placed chunk, in order (fewer than asked when room ran out)
     * @param bytesPerNode region bytes the placed chunks take on each node, primary and backup copies
     */
    public record Plan(int[] partitions, Map<UUID, Long> bytesPerNode) {
        public int placed() {
            return partitions.length;
        }
    }

    /**
     * Places up to {@code chunks} chunks of {@code copyBytes} region bytes per copy.
     *
     * @param origin the node whose partitions come first (null when the writer has no home node)
     * @param room region bytes each node can take; nodes absent have none
     */
    public static Plan plan(UUID origin, int chunks, long copyBytes, Topology topology, Map<UUID, Long> room) {
        return plan(origin, chunks, copyBytes, topology, room, null);
    }

    /**
     * Places up to {@code chunks} chunks as above, and, with a failover model, only where every single node loss
     * would still leave each survivor within its limit, preferring the partitions that press least on the
     * survivors' headroom. The model records every chunk placed.
     *
     * @param failover the cluster's failover model, changed by this call, or null when no loss need be survived
     */
    public static Plan plan(UUID origin, int chunks, long copyBytes, Topology topology, Map<UUID, Long> room,
                            FailoverModel failover) {
        Map<UUID, Long> left = new HashMap<>(room);
        Map<UUID, Integer> cursors = new HashMap<>();
        Map<UUID, Long> used = new HashMap<>();
        int[] chosen = new int[chunks];
        int placed = 0;
        while (placed < chunks) {
            int p = origin == null ? -1 : bestPartition(origin, copyBytes, topology, left, cursors, failover);
            if (p < 0)
                p = bestPeerPartition(origin, copyBytes, topology, left, cursors, failover);
            if (p < 0)
                break;
            if (failover != null)
                failover.add(p, copyBytes);
            for (UUID owner : topology.owners()[p]) {
                left.merge(owner, -copyBytes, Long::sum);
                used.merge(owner, copyBytes, Long::sum);
            }
            chosen[placed++] = p;
        }
        int[] partitions = new int[placed];
        System.arraycopy(chosen, 0, partitions, 0, placed);
        return new Plan(partitions, used);
    }

    private static int bestPeerPartition(UUID origin, long copyBytes, Topology topology, Map<UUID, Long> left,
                                         Map<UUID, Integer> cursors, FailoverModel failover) {
        List<UUID> peers = new ArrayList<>(topology.primaries().keySet());
        peers.remove(origin);
        peers.sort(Comparator.comparingLong((UUID n) -> left.getOrDefault(n, 0L)).reversed());
        for (UUID peer : peers) {
            if (left.getOrDefault(peer, 0L) < copyBytes)
                break;
            int p = bestPartition(peer, copyBytes, topology, left, cursors, failover);
            if (p >= 0)
                return p;
        }
        return -1;
    }

    /**
     * The primary partition of {@code node} to take next, or -1: one whose owners all have room for a copy and,
     * with a failover model, where every single loss stays within the limits. Without a model, the one whose
     * backup owners have the most room; with one, the one that presses least on the survivors' headroom
     * ({@link FailoverModel#pressure}). Ties rotate, so copies spread.
     */
    private static int bestPartition(UUID node, long copyBytes, Topology topology, Map<UUID, Long> left,
                                     Map<UUID, Integer> cursors, FailoverModel failover) {
        int[] parts = topology.primaries().get(node);
        if (parts == null || left.getOrDefault(node, 0L) < copyBytes)
            return -1;
        int start = cursors.computeIfAbsent(node, n -> ThreadLocalRandom.current().nextInt(parts.length));
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < parts.length; i++) {
            int idx = (start + i) % parts.length;
            UUID[] owners = topology.owners()[parts[idx]];
            long minBackupRoom = Long.MAX_VALUE;
            for (int b = 1; b < owners.length; b++)
                minBackupRoom = Math.min(minBackupRoom, left.getOrDefault(owners[b], 0L));
            if (minBackupRoom < copyBytes)
                continue;
            double score;
            if (failover == null)
                score = minBackupRoom;
            else {
                if (!failover.fits(parts[idx], copyBytes))
                    continue;
                score = -failover.pressure(parts[idx]);
            }
            if (score > bestScore) {
                bestScore = score;
                best = idx;
                if (owners.length == 1 && failover == null)
                    break;
            }
        }
        if (best < 0)
            return -1;
        cursors.put(node, (best + 1) % parts.length);
        return parts[best];
    }
}
