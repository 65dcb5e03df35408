package dev.spillway.internal.store;

import dev.spillway.CheckpointInfo;
import dev.spillway.InvalidArgumentException;
import dev.spillway.SpillwayException;
import dev.spillway.internal.capacity.Reservation;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Manifest;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The control side of one checkpoint being written, on a node that runs the plugin: its id and claim in the
 * catalog, its reservation, the partitions planned for its chunks, lease renewal, and the manifest commit. The
 * bytes travel separately (a data streamer on this node, or puts from a thin client straight to the chunks'
 * primaries); the session only learns their lengths and checksums at commit.
 *
 * <p>Thread-safe: a thin client's session is also touched by the expiry sweep.
 *
 * <p>Public for the checkpoint service ({@code internal.service}), whose write sessions hold them. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class WriteSession {
    private static final int FIRST_BATCH = 16;
    private static final int MAX_BATCH = 256;
    private static final int[] NO_PARTITIONS = new int[0];

    private enum State { OPEN, COMMITTED, ABORTED }

    private final CheckpointEngine engine;
    private final String application;
    private final UUID writer;
    private final UUID origin;
    private final String originNode;
    /** {@link System#nanoTime} at the begin, for the save's duration. */
    private final long startedNanos = System.nanoTime();
    private final long checkpointId;
    private final long startedAt;
    private final int chunkSize;
    private final Reservation reservation;
    /** The session's share of its identity's quotas. */
    private final SessionQuota quota;
    /** The checkpoint whose chunks this one may name (pinned by its claim), or null. */
    private final Manifest base;
    /** Server nodes when the planned partitions were chosen: if one leaves, the unsent rest is planned again. */
    private Set<UUID> serversAtPlan;
    /** Every server there was at begin or at a plan since: those not there now left while it was written. */
    private final Set<UUID> serversSeen = new HashSet<>();
    private State state = State.OPEN;
    private int[] planned;
    private int plannedCount;
    private long renewAt;
    /** Calls that renewed the claim so far: the count the catalog keeps, so its primary sees the claim alive. */
    private long renewals;
    private volatile long lastUsed;

    /**
     * A session the engine has begun ({@link CheckpointEngine#begin}): its id taken and its claim recorded.
     *
     * @param origin the node whose partitions the checkpoint fills first, or null
     * @param originNode its consistent id
     * @param planned the partitions already planned (and claimed) for the first chunks
     * @param serversAtBegin the server nodes when it began
     * @param quota its share of its identity's quotas, taken
     * @param base the checkpoint whose chunks this one may name (its claim pins them), or null
     */
    WriteSession(CheckpointEngine engine, String application, long checkpointId, UUID writer, UUID origin,
                 String originNode, long startedAt, Reservation reservation, int[] planned, Set<UUID> serversAtBegin,
                 SessionQuota quota, Manifest base) {
        this.quota = quota;
        this.base = base;
        this.engine = engine;
        this.application = application;
        this.checkpointId = checkpointId;
        this.writer = writer;
        this.origin = origin;
        this.originNode = originNode;
        this.startedAt = startedAt;
        this.lastUsed = startedAt;
        this.chunkSize = engine.config().getChunkSize();
        this.reservation = reservation;
        this.planned = planned;
        this.plannedCount = planned.length;
        this.serversAtPlan = serversAtBegin;
        serversSeen.addAll(serversAtBegin);
        this.renewAt = startedAt + engine.config().getLeaseTimeout().toMillis() / 3;
    }

    public String application() {
        return application;
    }

    public long checkpointId() {
        return checkpointId;
    }

    public int chunkSize() {
        return chunkSize;
    }

    /** The writer the session's leases are granted to (its home node), on every server that holds a copy. */
    public UUID writer() {
        return writer;
    }

    /** The id of a lease the session holds on server {@code node}, or 0 when it holds none there. */
    public synchronized long leaseOn(UUID node) {
        return reservation.leaseOn(node);
    }

    /**
     * The committed checkpoint whose stored chunks this one may name instead of storing them again (the latest when
     * it began; its claim keeps them while it is written), or null when there was none.
     */
    public Manifest base() {
        return base;
    }

    /** When the session began, by the configured clock. */
    public long startedAt() {
        return startedAt;
    }

    /** The consistent id of the node whose partitions the checkpoint fills first. */
    public String originNode() {
        return originNode;
    }

    /** Chunks planned (and leased) so far. */
    public synchronized int plannedChunks() {
        return plannedCount;
    }

    /** The partitions planned so far, chunk 0 first. */
    synchronized int[] plannedPartitions() {
        return Arrays.copyOf(planned, plannedCount);
    }

    /** When the session was last used, by the configured clock. */
    public long lastUsed() {
        return lastUsed;
    }

    /** The partition of chunk {@code index}, the next chunk to send; plans more chunks when none is left. */
    public synchronized int partition(int index) {
        ensurePlanned(index);
        return planned[index];
    }

    /**
     * The partitions planned for chunks {@code from} onwards (at least one; chunks before {@code from} are sent).
     * Renews the reservation when due.
     */
    public synchronized int[] partitionsFrom(int from) {
        ensurePlanned(from);
        return Arrays.copyOfRange(planned, from, plannedCount);
    }

    /** Renews the reservation and the claim if a third of the lease timeout has passed since the last renewal. */
    public synchronized void renewIfDue() {
        ensureOpen();
        long now = engine.now();
        lastUsed = now;
        if (now >= renewAt) {
            if (!reservation.renew()
                || !engine.catalog().intend(application, checkpointId, writer, 0, NO_PARTITIONS, ++renewals))
                throw lapsed();
            quota.renew(application);
            renewAt = now + engine.config().getLeaseTimeout().toMillis() / 3;
        }
    }

    /**
     * Commits the manifest of {@code chunks} once every owner holds its copy of each chunk this checkpoint stored,
     * applies retention and releases the reservation.
     */
    public synchronized CheckpointInfo commit(long size, ChunkTable chunks) {
        ensureOpen();
        int stored = new ChunkTableCheck(this, size, chunks).storedChunks();
        engine.refuseUnlessMajority("Committing " + label());
        everyCopyStored(Arrays.copyOf(planned, stored));
        Manifest manifest = new Manifest(application, checkpointId, size, chunks, originNode, startedAt,
            engine.now());
        List<Claim> evicted;
        RuntimeException failure = null;
        try {
            evicted = engine.catalog().commit(manifest, writer, engine.config().getRetention());
        }
        catch (RuntimeException e) {
            evicted = null;
            failure = e;
        }
        if (evicted == null) {
            // The commit failed or found no claim of ours, yet it may have landed (a run on a primary that left
            // before it answered): the catalog says, and no chunk of a committed checkpoint is removed.
            evicted = evictionsIfCommitted(manifest, failure);
            if (evicted == null)
                throw failure != null ? failure : lapsed();
        }
        end(State.COMMITTED);
        // The checkpoint is committed: its leases are released without waiting for the peers to confirm.
        reservation.release(false);
        engine.removeInBackground(application, evicted);
        engine.saved(manifest, origin, System.nanoTime() - startedNanos);
        return manifest.info();
    }

    /**
     * Removes whatever the checkpoint stored, drops its claim and releases its leases. Idempotent. Waits for a
     * commit under way, as every call on a session does; returns whether this call ended the session (false when
     * it had been committed or discarded already).
     *
     * @param sent chunks that may have been stored, for when the claim lapsed and was reclaimed meanwhile
     */
    public synchronized boolean discard(int sent) {
        if (state != State.OPEN)
            return false;
        end(State.ABORTED);
        try {
            Claim claim = engine.catalog().takeOver(application, checkpointId, writer, -1, writer);
            if (claim != null)
                engine.removeChunks(application, claim);
            else {
                // The claim lapsed and was reclaimed; chunks stored since then are this writer's to remove, unless
                // the catalog still names the checkpoint (committed after all, or another node's to remove).
                AppCatalog c = engine.catalog().get(application);
                if (c == null || !c.names(checkpointId))
                    engine.chunkCache().remove(application, checkpointId,
                        Arrays.copyOf(planned, Math.min(sent, plannedCount)));
            }
        }
        catch (RuntimeException e) {
            engine.log().warning("Could not remove the chunks of aborted checkpoint " + label()
                + "; the reclaimer will once its claim lapses: " + e);
        }
        finally {
            reservation.release();
        }
        return true;
    }

    /**
     * The removal claims a commit of {@code manifest} made, when the catalog shows it landed: the manifest is
     * committed, or retention has evicted it since. Null when it did not land.
     *
     * @throws SpillwayException when the catalog cannot be read: the outcome is unknown, so the chunks are kept
     *     (the session ends without removing them; if the commit did not land, its claim lapses and the reclaimer
     *     removes them)
     */
    private List<Claim> evictionsIfCommitted(Manifest manifest, RuntimeException failure) {
        AppCatalog c;
        try {
            c = engine.catalog().get(application);
        }
        catch (RuntimeException e) {
            end(State.ABORTED);
            reservation.release();
            SpillwayException unknown = new SpillwayException("Checkpoint " + label() + ": the outcome of its "
                + "commit is unknown (" + (failure == null ? "no claim found" : failure.getMessage()) + "; the "
                + "catalog could not be read: " + e.getMessage() + "). Its chunks are kept: if it was not "
                + "committed, its claim lapses after " + engine.config().getLeaseTimeout() + " and the reclaimer "
                + "removes them", e);
            if (failure != null)
                unknown.addSuppressed(failure);
            throw unknown;
        }
        if (c == null)
            return null;
        if (!c.holdsCommitOf(manifest))
            return null;
        if (engine.log().isInfoEnabled())
            engine.log().info("Checkpoint " + label() + " was committed although its commit call "
                + (failure == null ? "found no claim" : "failed (" + failure.getMessage() + ")"));
        return c.evictedBy(checkpointId);
    }

    /** Leaves the open state for {@code next}, once. */
    private void end(State next) {
        if (state == State.OPEN) {
            engine.sessionEnded(this);
            quota.giveBack();
        }
        state = next;
    }

    public synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    private void ensurePlanned(int index) {
        renewIfDue();
        if (index < plannedCount && engine.peers().anyLeft(serversAtPlan)) {
            // A node holding planned partitions left: they have new owners that granted nothing. Plan again.
            plannedCount = index;
        }
        if (index >= plannedCount)
            planMore(Math.max(index + 1 - plannedCount, Math.min(MAX_BATCH, Math.max(FIRST_BATCH, index))), false);
    }

    /**
     * Reserves and plans the next chunks and records their partitions in the claim, under the admission lock
     * ({@link CheckpointEngine#admitted}).
     */
    private void planMore(int count, boolean all) {
        engine.refuseIfBeyondMetadata(application, (long)plannedCount + count);
        quota.grow(application, ((long)plannedCount + count) * chunkSize);
        serversAtPlan = engine.peers().serverIds();
        serversSeen.addAll(serversAtPlan);
        int[] parts = engine.admitted(() -> {
            int[] placed = reservation.place(count, all);
            if (!engine.catalog().intend(application, checkpointId, writer, plannedCount, placed, ++renewals))
                throw lapsed();
            return placed;
        });
        if (plannedCount + parts.length > planned.length)
            planned = Arrays.copyOf(planned, Math.max(plannedCount + parts.length, planned.length * 2));
        System.arraycopy(parts, 0, planned, plannedCount, parts.length);
        plannedCount += parts.length;
    }

    /**
     * Makes sure every owner of every chunk (now, and once a rebalance under way ends) holds its copy before the
     * manifest is committed, writing again (from a copy that exists) any copy an owner lacks; refuses the commit when
     * a chunk has no copy left. Every commit looks, not only those that saw the topology change: a streamer's
     * receiver writes the primary and backup copies apart and skips, without an error reaching the writer, the
     * entries for a partition it cannot reserve or is giving up, and such a skip was seen after a join had settled
     * by every version a session can read at its begin (ChunkCopiesIT, a full build: a checkpoint committed with
     * all 16 of its backup copies missing). The look is one call to every owner at once, reading keys, not chunks.
     */
    private void everyCopyStored(int[] partitions) {
        List<Integer> lost = engine.chunkCache().restoreCopies(application, checkpointId, partitions,
            engine.owners().ideal());
        if (lost.isEmpty())
            return;
        // Chunks the reclaimer removed once this session's claim lapsed are missing too: say which it was.
        if (!claimHeld())
            throw lapsed();
        List<String> left = serversLeft();
        throw new SpillwayException("Checkpoint " + label() + " lost chunks with "
            + (left.isEmpty() ? "a server node" : "server(s) " + left) + " that left while it was written: "
            + lost.size() + " chunk(s) have no copy left (first: chunk " + lost.get(0) + "; backups="
            + engine.config().getBackups() + "); it is not committed. Save it again");
    }

    /** Whether the catalog still holds this session's claim on the checkpoint (not lapsed and taken over). */
    private boolean claimHeld() {
        AppCatalog c = engine.catalog().get(application);
        Claim claim = c == null ? null : c.pending(checkpointId);
        return claim != null && writer.equals(claim.owner);
    }

    private SpillwayException lapsed() {
        List<String> left = serversLeft();
        if (!left.isEmpty())
            return new SpillwayException("Checkpoint " + label() + " lost its reservation: it could not be "
                + "renewed, and server(s) " + left + " left the cluster while it was written (a lease a departed "
                + "server granted cannot be renewed); it is not committed. Save it again");
        return new SpillwayException("Checkpoint " + label() + " lost its reservation: it was not renewed within "
            + "the lease timeout (" + engine.config().getLeaseTimeout() + ") and its space was reclaimed");
    }

    /** The servers there were at begin or at a plan since and are not now, by name. */
    private List<String> serversLeft() {
        Set<UUID> now = engine.peers().serverIds();
        return serversSeen.stream().filter(id -> !now.contains(id)).map(engine.peers()::name).sorted().toList();
    }

    private void ensureOpen() {
        if (state != State.OPEN)
            throw new IllegalStateException("Checkpoint " + label() + " is " + state.name().toLowerCase());
    }

    private String label() {
        return application + "/" + checkpointId;
    }
}
