package dev.spillway.internal.capacity;

import dev.spillway.NodeCapacity;
import dev.spillway.WorstLoss;
import dev.spillway.internal.placement.FailoverModel;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The cluster's capacity as the facade reports it: every server's ledger, with the room it keeps N-1 safely, and
 * the single loss that would leave a survivor the least room.
 *
 * <p>Public for the node's assembly and the facade ({@code internal.store}). Not API: see {@code
 * dev.spillway.internal}.
 */
public final class ClusterCapacity {
    private final Peers peers;
    private final Owners owners;
    private final int backups;

    /** @param backups the chunk cache's backups: without any, a loss is not something to survive */
    public ClusterCapacity(Peers peers, Owners owners, int backups) {
        this.peers = peers;
        this.owners = owners;
        this.backups = backups;
    }

    /** Every server's ledger, by node name, with its N-1 safe headroom, its live bytes and its logical bytes. */
    public List<NodeCapacity> capacity() {
        List<Peers.LedgerView> views = peers.ledgers();
        if (views.isEmpty())
            return List.of();
        FailoverModel model = survivable(views) ? owners.failoverModel(views) : null;
        UUID[][] now = owners.now().owners();
        Map<UUID, Long> live = perOwner(now, views, Peers.LedgerView::partitionBytes);
        Map<UUID, Long> logical = perOwner(now, views, Peers.LedgerView::logicalBytes);
        return views.stream().map(v -> {
            NodeCapacity c = v.capacity().withLiveBytes(live.getOrDefault(v.nodeId(), 0L))
                .withLogicalBytes(logical.getOrDefault(v.nodeId(), 0L));
            return model == null ? c
                : c.withSafeHeadroom(Math.max(0, Math.min(c.free(), model.safeHeadroom(v.nodeId()))));
        }).sorted(Comparator.comparing(NodeCapacity::node)).toList();
    }

    /**
     * Bytes of the chunk copies each server holds, by what {@code perPartition} counts: one copy of each partition's
     * bytes, summed over the servers' catalogs, for each owner of the partition now.
     */
    static Map<UUID, Long> perOwner(UUID[][] owners, List<Peers.LedgerView> views,
                                    java.util.function.Function<Peers.LedgerView, long[]> perPartition) {
        long[] bytes = new long[owners.length];
        for (Peers.LedgerView v : views) {
            long[] b = perPartition.apply(v);
            for (int p = 0; p < owners.length && p < b.length; p++)
                bytes[p] += b[p];
        }
        Map<UUID, Long> live = new HashMap<>();
        views.forEach(v -> live.put(v.nodeId(), 0L));
        for (int p = 0; p < owners.length; p++) {
            for (UUID n : owners[p])
                live.merge(n, bytes[p], Long::sum);
        }
        return live;
    }

    /** The loss that would leave a survivor the least room; empty when no loss is to be survived. */
    public Optional<WorstLoss> worstLoss() {
        List<Peers.LedgerView> views = peers.ledgers();
        if (!survivable(views))
            return Optional.empty();
        FailoverModel model = owners.failoverModel(views);
        FailoverModel.Loss worst = model.worstLoss();
        Map<UUID, String> names = new HashMap<>();
        views.forEach(v -> names.put(v.nodeId(), v.capacity().node()));
        return Optional.of(new WorstLoss(names.get(worst.lost()), names.get(worst.survivor()),
            model.predicted(worst.lost(), worst.survivor()), model.limit(worst.survivor())));
    }

    /** Whether a single loss is something to survive: chunks have backups and there are two servers or more. */
    private boolean survivable(List<Peers.LedgerView> views) {
        return backups > 0 && views.size() > 1;
    }
}
