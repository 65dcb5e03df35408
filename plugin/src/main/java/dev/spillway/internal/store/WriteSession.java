package dev.spillway.internal.store;

import dev.spillway.CheckpointInfo;
import dev.spillway.SpillwayException;
import dev.spillway.internal.capacity.Reservation;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The control side of one checkpoint being written, on a node that runs the plugin: its id and claim in the
 * catalog, its reservation, the partitions planned for its chunks, lease renewal, and the manifest commit. The
 * bytes travel separately (a data streamer on this node, or puts from a thin client straight to the chunks'
 * primaries); the session only learns their lengths and checksums at commit.
 *
 * <p>Thread-safe: a thin client's session is also touched by the expiry sweep.
 */
public final class WriteSession {
    private static final int FIRST_BATCH = 16;
    private static final int MAX_BATCH = 256;
    private static final int[] NO_PARTITIONS = new int[0];

    private enum State { OPEN, COMMITTED, ABORTED }

    private final EmbeddedCheckpointStore store;
    private final String application;
    private final UUID writer;
    private final String origin;
    private final long checkpointId;
    private final long startedAt;
    private final int chunkSize;
    private final Reservation reservation;
    /** Server nodes when the checkpoint began: if one leaves, commit checks that every chunk is still stored. */
    private final Set<UUID> serversAtBegin;
    /** Server nodes when the planned partitions were chosen: if one leaves, the unsent rest is planned again. */
    private Set<UUID> serversAtPlan;
    private State state = State.OPEN;
    private int[] planned = NO_PARTITIONS;
    private int plannedCount;
    private long renewAt;
    private volatile long lastUsed;

    /**
     * Begins a checkpoint of {@code application}, placed from {@code originId} first (null: no home node).
     *
     * @param expectedSize bytes to reserve before the first is written, or 0 to reserve as they come
     */
    WriteSession(EmbeddedCheckpointStore store, String application, UUID originId, long expectedSize) {
        this.store = store;
        this.application = application;
        this.writer = store.localId();
        this.chunkSize = store.config().getChunkSize();
        this.startedAt = store.now();
        this.lastUsed = startedAt;
        this.origin = store.nodeName(originId);
        this.renewAt = startedAt + store.config().getLeaseTimeout().toMillis() / 3;
        this.serversAtBegin = store.serverIds();
        this.serversAtPlan = serversAtBegin;
        this.reservation = new Reservation(store.peers(), store::topology, writer, originId,
            EmbeddedCheckpointStore.copyBytes(chunkSize), application + "/(new)",
            store.config().getBackups() > 0 ? store::failoverModel : null);
        if (expectedSize > 0) {
            // Plan the whole state first, then take the id and record the claim with its partitions in one
            // catalog round trip. A refusal leaves no claim behind and takes no id.
            long needed = expectedSize / chunkSize + (expectedSize % chunkSize == 0 ? 0 : 1);
            long id;
            try {
                reservation.refuseIfBeyondCluster(needed);
                id = admitted(() -> {
                    planned = reservation.place((int)needed, true);
                    plannedCount = planned.length;
                    return store.catalog().begin(application, writer, expiry(), planned);
                });
            }
            catch (RuntimeException e) {
                reservation.release();
                throw e;
            }
            this.checkpointId = id;
        }
        else
            this.checkpointId = store.catalog().begin(application, writer, expiry());
        reservation.label(label());
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

    /** When the session was last used, by the store's clock. */
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
        long now = store.now();
        lastUsed = now;
        if (now >= renewAt) {
            if (!reservation.renew()
                || !store.catalog().intend(application, checkpointId, writer, 0, NO_PARTITIONS, expiry()))
                throw lapsed();
            renewAt = now + store.config().getLeaseTimeout().toMillis() / 3;
        }
    }

    /**
     * Commits the manifest of chunks 0 .. lengths.length - 1, every copy of which the caller has seen stored,
     * applies retention and releases the reservation.
     */
    public synchronized CheckpointInfo commit(long size, int[] lengths, int[] checksums) {
        ensureOpen();
        int chunks = lengths.length;
        if (checksums.length != chunks || chunks > plannedCount)
            throw new IllegalStateException("Checkpoint " + label() + " has " + plannedCount + " planned chunks; "
                + "cannot commit " + chunks + " lengths and " + checksums.length + " checksums");
        int[] partitions = Arrays.copyOf(planned, chunks);
        if (store.anyLeft(serversAtBegin) && !store.allStored(application, checkpointId, partitions))
            throw new SpillwayException("Checkpoint " + label() + " lost chunks with a server node that left "
                + "while it was written (backups=" + store.config().getBackups() + "); it is not committed");
        Manifest manifest = new Manifest(application, checkpointId, size, partitions, lengths, checksums, origin,
            startedAt, store.now());
        List<Claim> evicted = store.catalog().commit(manifest, writer, store.config().getRetention(), expiry());
        if (evicted == null)
            throw lapsed();
        state = State.COMMITTED;
        // The checkpoint is committed: its leases are released without waiting for the peers to confirm.
        reservation.release(false);
        store.removeInBackground(application, evicted);
        return manifest.info();
    }

    /**
     * Removes whatever the checkpoint stored, drops its claim and releases its leases. Idempotent.
     *
     * @param sent chunks that may have been stored, for when the claim lapsed and was reclaimed meanwhile
     */
    public synchronized void discard(int sent) {
        if (state != State.OPEN)
            return;
        state = State.ABORTED;
        try {
            Claim claim = store.catalog().takeOver(application, checkpointId, writer, -1, writer, expiry());
            if (claim != null)
                store.removeChunks(application, claim);
            else {
                // The claim lapsed and was reclaimed; chunks stored since then are this writer's to remove.
                store.removeChunks(application, checkpointId, Arrays.copyOf(planned, Math.min(sent, plannedCount)));
            }
        }
        catch (RuntimeException e) {
            store.log().warning("Could not remove the chunks of aborted checkpoint " + label()
                + "; the reclaimer will once its claim lapses: " + e);
        }
        finally {
            reservation.release();
        }
    }

    public synchronized boolean isOpen() {
        return state == State.OPEN;
    }

    private void ensurePlanned(int index) {
        renewIfDue();
        if (index < plannedCount && store.anyLeft(serversAtPlan)) {
            // A node holding planned partitions left: they have new owners that granted nothing. Plan again.
            plannedCount = index;
        }
        if (index >= plannedCount)
            planMore(Math.max(index + 1 - plannedCount, Math.min(MAX_BATCH, Math.max(FIRST_BATCH, index))), false);
    }

    /** Reserves and plans the next chunks and records their partitions in the claim ({@link #admitted}). */
    private void planMore(int count, boolean all) {
        serversAtPlan = store.serverIds();
        int[] parts = admitted(() -> {
            int[] placed = reservation.place(count, all);
            if (!store.catalog().intend(application, checkpointId, writer, plannedCount, placed, expiry()))
                throw lapsed();
            return placed;
        });
        if (plannedCount + parts.length > planned.length)
            planned = Arrays.copyOf(planned, Math.max(plannedCount + parts.length, planned.length * 2));
        System.arraycopy(parts, 0, planned, plannedCount, parts.length);
        plannedCount += parts.length;
    }

    /**
     * Runs a plan and the catalog update that records it, under the cluster's admission lock when there are
     * backups: the failover headroom a plan uses is shared by every writer, and another writer's plan shows in
     * the catalogs only once its claim records it.
     */
    private <T> T admitted(Supplier<T> planAndRecord) {
        AdmissionLock admission = store.admissionLock();
        if (admission == null)
            return planAndRecord.get();
        admission.lock();
        try {
            return planAndRecord.get();
        }
        finally {
            admission.unlock();
        }
    }

    private SpillwayException lapsed() {
        return new SpillwayException("Checkpoint " + label() + " lost its reservation: it was not renewed within "
            + "the lease timeout (" + store.config().getLeaseTimeout() + ") and its space was reclaimed");
    }

    private long expiry() {
        return store.now() + store.config().getLeaseTimeout().toMillis();
    }

    private void ensureOpen() {
        if (state != State.OPEN)
            throw new IllegalStateException("Checkpoint " + label() + " is " + state.name().toLowerCase());
    }

    private String label() {
        return application + "/" + checkpointId;
    }
}
