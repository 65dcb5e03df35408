package dev.spillway.internal.capacity;

import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Admission for what a rebalance brings to this server: the chunk cache rebalances only when Spillway starts it
 * (its rebalance delay is -1), and this gate starts it only when the partitions this server is receiving fit, with
 * what it holds now, under a limit between its failover limit and its region's size ({@link #limit}). Ignite
 * otherwise moves every copy a departure leaves without an owner onto the survivors at once, whatever room they
 * have: N-1 safe admission makes one loss fit, but a second one before room is made (a whole cluster stopped node
 * by node, a rolling restart taken too fast) filled a survivor's region and Ignite halted it
 * ({@code IgniteOutOfMemoryException}, exit 130). A held rebalance leaves those partitions with fewer copies (the
 * server's log says so, and status reports the cluster as rebalancing, not N-1 safe) until room is made (deletes, a
 * node joining) and the next look finds that they fit.
 *
 * <p>One look per maintenance tick ({@link #runOnce}), on a server only. Thread-confined to the maintenance thread
 * but {@link #held()}, which any thread reads.
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}). Not API: see {@code dev.spillway.internal}.
 */
public final class RebalanceGate {
    /** A rebalance this server does not start: what it would hold with it, and its limit. */
    public record Held(int partitions, long predictedBytes, long limitBytes) {
    }

    /** This server's rebalance of the chunk cache. */
    public interface Rebalancer {
        /** Starts it; the supplier answers whether it has ended. */
        BooleanSupplier start();

        /**
         * Whether starting it now could disturb another cache: an exchange in progress or another cache's rebalance
         * under way, which a rebalance started by hand would cancel and start again
         * ({@code IgniteAdapter.rebalancesUnderWay}). The gate then waits for its next look.
         */
        boolean othersBusy();
    }

    private final UUID self;
    private final Owners owners;
    private final Peers peers;
    private final Rebalancer rebalancer;
    private final Consumer<String> log;
    private volatile Held held;
    /** The assignment version of the rebalance started last, and whether it has ended. */
    private long startedAt = -1;
    private BooleanSupplier ended = () -> true;

    public RebalanceGate(UUID self, Owners owners, Peers peers, Rebalancer rebalancer, Consumer<String> log) {
        this.self = self;
        this.owners = owners;
        this.peers = peers;
        this.rebalancer = rebalancer;
        this.log = log;
    }

    /** The rebalance this server holds back now, or null. */
    public Held held() {
        return held;
    }

    /**
     * Looks once: when this server is receiving partitions and no rebalance it started for the current assignment
     * is under way, reads every ledger and starts the rebalance if what arrives fits under this server's
     * {@link #limit} and nothing else is moving; otherwise holds it, says so once per assignment, and reads the
     * ledgers again at every look until room is made.
     */
    public void runOnce() {
        UUID[][] receiving = owners.receiving();
        int partitions = 0;
        for (UUID[] nodes : receiving) {
            for (UUID n : nodes) {
                if (n.equals(self))
                    partitions++;
            }
        }
        if (partitions == 0) {
            held = null;
            return;
        }
        long version = owners.version();
        if (version == startedAt && !ended.getAsBoolean())
            return;
        List<Peers.LedgerView> views = peers.ledgers();
        Peers.LedgerView mine = views.stream().filter(v -> v.nodeId().equals(self)).findFirst().orElse(null);
        if (mine == null)
            return;
        Held verdict = verdict(partitions, mine.capacity().used() + arriving(receiving, views, mine.pageSize()),
            limit(mine));
        if (verdict == null) {
            if (rebalancer.othersBusy())
                return;
            if (held != null)
                log.accept("Spillway starts the rebalance it held: the " + partitions + " partition(s) this server "
                    + "receives now fit");
            held = null;
            startedAt = version;
            ended = rebalancer.start();
            return;
        }
        Held before = held;
        held = verdict;
        if (before == null || version != startedAt) {
            startedAt = version;
            ended = () -> true;
            log.accept("Spillway holds the rebalance of " + partitions + " partition(s) to this server: with them "
                + "its checkpoint region would use " + verdict.predictedBytes() + " bytes, over the "
                + verdict.limitBytes() + " it may hold after a rebalance (a node lost while the cluster was not N-1 "
                + "safe). Those partitions keep fewer copies until room is made (delete checkpoints, or start the "
                + "node that left)");
        }
    }

    /**
     * The region bytes the partitions this server receives will bring: one copy of each one's bytes, and the page
     * its first row takes. Not the two pages Ignite allocates for a partition a node starts to hold, which the
     * failover model counts before a loss: the exchange that made this server an owner created the partitions,
     * and their pages are in its used bytes already (counting them again held a rebalance that admission had let
     * fit, 83 KB over a 65 MB limit, in NodeLossSafetyIT).
     */
    private long arriving(UUID[][] receiving, List<Peers.LedgerView> views, int pageSize) {
        long[] bytes = Owners.partitionBytes(views, receiving.length);
        long arriving = 0;
        for (int p = 0; p < receiving.length; p++) {
            for (UUID n : receiving[p]) {
                if (n.equals(self))
                    arriving += bytes[p] + (bytes[p] > 0 ? pageSize : 0);
            }
        }
        return arriving;
    }

    /**
     * The most a server may hold once a rebalance it starts has run: halfway between its failover limit, to which
     * admission plans every loss, and its region's size, at which Ignite halts it. Admission's margin below the
     * region is for its estimates; this gate's estimate differs from admission's by a few pages, and must not hold
     * a rebalance admission let in, while a second loss (which admission never planned for) still overshoots it.
     */
    static long limit(Peers.LedgerView view) {
        long failover = view.failoverBytes();
        return failover + Math.max(0, view.capacity().regionMaxSize() - failover) / 2;
    }

    /** Null when {@code predicted} bytes fit under {@code limit}; otherwise what holds the rebalance. */
    static Held verdict(int partitions, long predicted, long limit) {
        return predicted <= limit ? null : new Held(partitions, predicted, limit);
    }
}
