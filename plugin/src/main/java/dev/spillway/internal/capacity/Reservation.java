package dev.spillway.internal.capacity;

import dev.spillway.Bytes;
import dev.spillway.CapacityExhaustedException;
import dev.spillway.internal.metrics.SpillwayMeters;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.internal.placement.PlacementPlanner;
import dev.spillway.internal.placement.PlacementPlanner.Plan;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * One writer's leases and the partitions planned within them. {@link #place} returns the partitions of the next
 * chunks: it plans within the bytes already granted, and when those run short it reads the ledgers, plans what
 * the cluster could take (locality first), asks each node involved for exactly its share, and plans again within
 * what was granted. No chunk is placed without a lease covering each of its copies.
 *
 * <p>Public for the engine ({@code internal.store}), which opens one per checkpoint. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class Reservation {
    private static final int MAX_ROUNDS = 5;

    private final Peers peers;
    private final Owners owners;
    private final boolean n1Safe;
    private final UUID writer;
    private final UUID origin;
    private final long copyBytes;
    private final String application;
    private final SpillwayMeters meters;
    private String label;
    /** Granted bytes not yet planned, per node. */
    private final Map<UUID, Long> pool = new HashMap<>();
    private final Map<UUID, List<Long>> leases = new HashMap<>();

    /**
     * @param n1Safe whether every single node loss must stay survivable (chunks have backups): chunks are then
     *     placed only where the failover model of the ledgers read allows them
     * @param origin the node whose partitions come first, or null
     * @param copyBytes region bytes one copy of a full chunk takes
     * @param application the checkpoint's application, for messages and the refusals counted in {@code meters}
     */
    public Reservation(Peers peers, Owners owners, boolean n1Safe, UUID writer, UUID origin, long copyBytes,
                       String application, SpillwayMeters meters) {
        this.application = application;
        this.meters = meters;
        this.peers = peers;
        this.owners = owners;
        this.n1Safe = n1Safe;
        this.writer = writer;
        this.origin = origin;
        this.copyBytes = copyBytes;
        this.label = application + "/(new)";
    }

    /**
     * Partitions for up to {@code chunks} more chunks.
     *
     * @param all whether every chunk must be placed; otherwise at least one must be
     * @throws CapacityExhaustedException when the cluster cannot take them
     */
    public int[] place(int chunks, boolean all) {
        Topology topo = owners.now();
        List<int[]> parts = new ArrayList<>();
        int remaining = chunks;
        Map<UUID, Long> room = pool;
        // Local first without reading the ledgers, unless a rebalance is bringing bytes that only they show.
        boolean localOnly = !n1Safe && origin != null && origin.equals(peers.localId())
            && peers.localFree() > 0 && !owners.moving();
        List<Peers.LedgerView> views = n1Safe ? peers.ledgers() : null;
        FailoverModel model = n1Safe ? owners.failoverModel(views) : null;
        for (int round = 0; ; round++) {
            Plan within = PlacementPlanner.plan(origin, remaining, copyBytes, topo, pool, model);
            within.bytesPerNode().forEach((n, b) -> pool.merge(n, -b, Long::sum));
            parts.add(within.partitions());
            remaining -= within.placed();
            if (remaining == 0 || round == MAX_ROUNDS)
                break;
            // Not enough granted: see what the cluster could take and ask for exactly that.
            room = new HashMap<>(pool);
            if (localOnly && round == 0)
                room.merge(origin, peers.localFree(), Long::sum);
            else {
                if (views == null || round > 0) {
                    views = peers.ledgers();
                    if (n1Safe)
                        model = withPlaced(owners.failoverModel(views), parts);
                }
                // A server's room leaves out what its rebalance is still bringing.
                Map<UUID, Long> arriving = owners.arrivingBytes(views);
                for (Peers.LedgerView view : views)
                    room.merge(view.nodeId(), room(view, arriving), Long::sum);
            }
            Plan wish = PlacementPlanner.plan(origin, remaining, copyBytes, topo, room,
                model == null ? null : model.copy());
            if (wish.placed() == 0 && !(localOnly && round == 0))
                break;
            Map<UUID, Long> asks = new HashMap<>();
            wish.bytesPerNode().forEach((n, b) -> {
                long ask = b - pool.getOrDefault(n, 0L);
                if (ask > 0)
                    asks.put(n, ask);
            });
            if (asks.isEmpty() && !(localOnly && round == 0))
                break;
            for (Map.Entry<UUID, Grant> g : peers.grant(writer, asks).entrySet()) {
                if (g.getValue().bytes() > 0) {
                    pool.merge(g.getKey(), g.getValue().bytes(), Long::sum);
                    leases.computeIfAbsent(g.getKey(), n -> new ArrayList<>()).add(g.getValue().leaseId());
                }
            }
            // A round that was granted nothing (another writer took the room between the read and the ask, or a
            // node failed) goes on: the next round reads the ledgers again and asks the nodes that still have room.
            // A cluster with no room at all ends the loop above, when not even the wish places a chunk.
        }
        int placed = chunks - remaining;
        if (placed == 0 || (all && remaining > 0))
            throw exhausted(remaining, topo, room, model, views);
        int[] result = new int[placed];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, result, at, p.length);
            at += p.length;
        }
        return result;
    }

    /** What the server of {@code view} may still grant: its free bytes less what its rebalance is bringing. */
    private static long room(Peers.LedgerView view, Map<UUID, Long> arriving) {
        return Math.max(0, view.capacity().free() - arriving.getOrDefault(view.nodeId(), 0L));
    }

    /** The model with the chunks this call has placed already, which no catalog shows yet. */
    private FailoverModel withPlaced(FailoverModel model, List<int[]> parts) {
        for (int[] ps : parts) {
            for (int p : ps)
                model.add(p, copyBytes);
        }
        return model;
    }

    /**
     * Refuses at once a request larger than every server's whole region together, before anything is sized for
     * it: a plan holds an entry per chunk, and a size from a client may be absurd. An upper bound, whatever each
     * server's own budget: the plan refuses what fits here but not in the budgets. Only a refusal reads the
     * ledgers (to say what the cluster could grant).
     *
     * @param clusterRegions the bytes of every server's checkpoint region, together
     */
    public void refuseIfBeyondCluster(long chunks, long clusterRegions) {
        Topology topo = owners.now();
        int copies = topo.partitions() == 0 ? 1 : Math.max(1, topo.owners()[0].length);
        if (saturatedMultiply(saturatedMultiply(chunks, copyBytes), copies) <= clusterRegions)
            return;
        Map<UUID, Long> room = new HashMap<>(pool);
        for (Peers.LedgerView view : peers.ledgers())
            room.merge(view.nodeId(), view.capacity().free(), Long::sum);
        throw exhausted(chunks, topo, room);
    }

    /**
     * Refuses {@code chunks} chunks, every copy, when the servers' free room together (each ledger's budget less
     * used and reserved bytes) cannot take them. Reserves nothing: the check of a save against a base, whose chunks
     * are planned as they turn out new, for the chunks that must be new (those past the base's size).
     */
    public void refuseIfBeyondFree(long chunks) {
        Topology topo = owners.now();
        int copies = topo.partitions() == 0 ? 1 : Math.max(1, topo.owners()[0].length);
        Map<UUID, Long> room = new HashMap<>(pool);
        long free = 0;
        for (Peers.LedgerView view : peers.ledgers()) {
            room.merge(view.nodeId(), view.capacity().free(), Long::sum);
            free += view.capacity().free();
        }
        if (saturatedMultiply(saturatedMultiply(chunks, copyBytes), copies) > free)
            throw exhausted(chunks, topo, room);
    }

    /** Names the checkpoint in messages from now on ({@code app/id}), once its id is known. */
    public void label(String label) {
        this.label = label;
    }

    /** The id of a lease this reservation holds on {@code node}, or 0 when it holds none there. */
    public long leaseOn(UUID node) {
        List<Long> ids = leases.get(node);
        return ids == null || ids.isEmpty() ? 0 : ids.get(0);
    }

    /** Renews every lease; false when any has lapsed. */
    public boolean renew() {
        return leases.isEmpty() || peers.renew(leaseIds());
    }

    /** Releases every lease, waiting for the peers. Idempotent. */
    public void release() {
        release(true);
    }

    /**
     * Releases every lease; with {@code wait} false, the peers' releases are not waited for (after a commit).
     * Idempotent.
     */
    public void release(boolean wait) {
        if (!leases.isEmpty()) {
            Map<UUID, long[]> ids = leaseIds();
            leases.clear();
            pool.clear();
            peers.release(ids, wait);
        }
    }

    private Map<UUID, long[]> leaseIds() {
        return leases.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
            e -> e.getValue().stream().mapToLong(Long::longValue).toArray()));
    }

    private CapacityExhaustedException exhausted(long chunks, Topology topo, Map<UUID, Long> room) {
        return exhausted(chunks, topo, room, null, null);
    }

    private CapacityExhaustedException exhausted(long chunks, Topology topo, Map<UUID, Long> room,
                                                 FailoverModel model, List<Peers.LedgerView> views) {
        int copies = topo.partitions() == 0 ? 1 : Math.max(1, topo.owners()[0].length);
        long needed = saturatedMultiply(saturatedMultiply(chunks, copyBytes), copies);
        long available = room.values().stream().mapToLong(v -> Math.max(0, v)).sum();
        String nodeLoss = nodeLossClause(model, views);
        meters.refused(application, nodeLoss.isEmpty() ? SpillwayMeters.Refusal.BUDGET
            : SpillwayMeters.Refusal.NODE_LOSS);
        String perNode = room.entrySet().stream()
            .map(e -> peers.name(e.getKey()) + "=" + Bytes.format(Math.max(0, e.getValue())))
            .sorted().collect(Collectors.joining(", "));
        return new CapacityExhaustedException("Capacity exhausted: checkpoint " + label + " needs "
            + Bytes.format(needed) + " (" + needed + " bytes) of region space for " + chunks + " more chunk(s) in "
            + copies + " cop" + (copies == 1 ? "y" : "ies") + ", but the cluster can grant "
            + Bytes.format(available) + " (" + available + " bytes) [" + perNode + "]"
            + nodeLoss, needed, available);
    }

    /**
     * When no single node loss may overflow a survivor and that is what refuses the chunks: which loss, which
     * survivor, by how many bytes.
     */
    private String nodeLossClause(FailoverModel model, List<Peers.LedgerView> views) {
        if (model == null || views == null)
            return "";
        FailoverModel.Loss worst = model.worstLoss();
        if (worst == null || worst.headroom() >= copyBytes)
            return "";
        Map<UUID, String> names = new HashMap<>();
        views.forEach(v -> names.put(v.nodeId(), v.capacity().node()));
        long over = copyBytes - worst.headroom();
        return "; N-1 safety: losing node " + names.getOrDefault(worst.lost(), worst.lost().toString())
            + " would leave survivor " + names.getOrDefault(worst.survivor(), worst.survivor().toString()) + " "
            + Bytes.format(Math.max(0, worst.headroom())) + " of room, " + over
            + " bytes short of one more chunk copy (" + copyBytes + " bytes)";
    }

    static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }
}
