package dev.spillway.internal.store;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointWriter;
import dev.spillway.SpillwayException;
import dev.spillway.internal.capacity.Reservation;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.locks.Lock;
import java.util.zip.CRC32C;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.IgniteException;
import dev.spillway.internal.placement.ChunkKey;

/**
 * Writes one checkpoint: cuts the bytes into chunks, places each chunk in a partition its reservation covers
 * (recording the partition in the checkpoint's claim first), streams the chunks with a data streamer whose buffers
 * hold a few chunks, and commits the manifest once every copy is stored.
 */
final class ChunkWriter extends CheckpointWriter {
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
    private final CRC32C crc = new CRC32C();
    private final ChunkBuffers buffers;
    private IgniteDataStreamer<ChunkKey, byte[]> streamer;
    private State state = State.OPEN;
    private byte[] buffer;
    private int pos;
    private long size;
    private int chunks;
    private int[] planned = NO_PARTITIONS;
    private int plannedCount;
    private int[] lengths = new int[FIRST_BATCH];
    private int[] checksums = new int[FIRST_BATCH];
    private long renewAt;
    /** Server nodes when the checkpoint began: if one leaves, commit checks that every chunk is still stored. */
    private final Set<UUID> serversAtBegin;
    /** Server nodes when the planned partitions were chosen: if one leaves, the rest is planned again. */
    private Set<UUID> serversAtPlan;

    ChunkWriter(EmbeddedCheckpointStore store, String application, long expectedSize) {
        this.store = store;
        this.application = application;
        this.writer = store.localId();
        this.chunkSize = store.config().getChunkSize();
        this.startedAt = store.now();
        UUID originId = store.origin();
        this.origin = store.nodeName(originId);
        this.checkpointId = store.catalog().begin(application, writer, expiry());
        this.renewAt = startedAt + store.config().getLeaseTimeout().toMillis() / 3;
        this.serversAtBegin = store.serverIds();
        this.serversAtPlan = serversAtBegin;
        this.buffers = new ChunkBuffers(chunkSize, () -> streamer.flush());
        this.reservation = new Reservation(store.peers(), store::topology, writer, originId,
            EmbeddedCheckpointStore.copyBytes(chunkSize), application + "/" + checkpointId,
            store.config().getBackups() > 0 ? store::failoverModel : null);
        try {
            if (expectedSize > 0) {
                long needed = expectedSize / chunkSize + (expectedSize % chunkSize == 0 ? 0 : 1);
                reservation.refuseIfBeyondCluster(needed);
                planMore((int)needed, true);
            }
            streamer = store.openStreamer();
            buffer = buffers.next();
        }
        catch (RuntimeException e) {
            discard();
            throw e;
        }
    }

    @Override
    public String application() {
        return application;
    }

    @Override
    public long checkpointId() {
        return checkpointId;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void write(int b) {
        ensureOpen();
        buffer[pos++] = (byte)b;
        size++;
        if (pos == chunkSize)
            emit(chunkSize);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensureOpen();
        while (len > 0) {
            int n = Math.min(len, chunkSize - pos);
            System.arraycopy(b, off, buffer, pos, n);
            pos += n;
            off += n;
            len -= n;
            size += n;
            if (pos == chunkSize)
                emit(chunkSize);
        }
    }

    @Override
    public CheckpointInfo commit() {
        ensureOpen();
        try {
            if (pos > 0)
                emit(pos);
            streamer.close(false);
            if (store.anyLeft(serversAtBegin) && !store.allStored(application, checkpointId,
                Arrays.copyOf(planned, chunks)))
                throw new SpillwayException("Checkpoint " + label() + " lost chunks with a server node that left "
                    + "while it was written (backups=" + store.config().getBackups() + "); it is not committed");
            long now = store.now();
            Manifest manifest = new Manifest(application, checkpointId, size, Arrays.copyOf(planned, chunks),
                Arrays.copyOf(lengths, chunks), Arrays.copyOf(checksums, chunks), origin, startedAt, now);
            List<Claim> evicted = store.catalog().commit(manifest, writer, store.config().getRetention(), expiry());
            if (evicted == null)
                throw lapsed();
            state = State.COMMITTED;
            reservation.release();
            for (Claim claim : evicted)
                store.removeChunks(application, claim);
            return manifest.info();
        }
        catch (RuntimeException e) {
            if (state == State.OPEN)
                discard();
            throw e instanceof IgniteException ? new SpillwayException("Checkpoint " + label()
                + " could not be committed: " + e.getMessage(), e) : e;
        }
    }

    @Override
    public void abort() {
        if (state == State.OPEN)
            discard();
    }

    private void emit(int len) {
        try {
            if (chunks < plannedCount && store.anyLeft(serversAtPlan)) {
                // A node holding planned partitions left: they have new owners that granted nothing. Plan again.
                plannedCount = chunks;
            }
            if (chunks == plannedCount)
                planMore(Math.min(MAX_BATCH, Math.max(FIRST_BATCH, chunks)), false);
            long now = store.now();
            if (now >= renewAt)
                renew(now);
            byte[] chunk = len == buffer.length ? buffer : Arrays.copyOf(buffer, len);
            crc.reset();
            crc.update(chunk, 0, len);
            if (chunks == lengths.length) {
                lengths = Arrays.copyOf(lengths, chunks * 2);
                checksums = Arrays.copyOf(checksums, chunks * 2);
            }
            lengths[chunks] = len;
            checksums[chunks] = (int)crc.getValue();
            streamer.addData(new ChunkKey(planned[chunks], application, checkpointId, chunks), chunk);
            chunks++;
            buffers.sent(chunk);
            buffer = buffers.next();
            pos = 0;
        }
        catch (RuntimeException e) {
            discard();
            throw e instanceof IgniteException ? new SpillwayException("Checkpoint " + label()
                + " failed while storing chunk " + chunks + ": " + e.getMessage(), e) : e;
        }
    }

    /**
     * Reserves and plans the next chunks and records their partitions in the claim. With backups, this runs under
     * the cluster's admission lock: the failover headroom a plan uses is shared by every writer, and another
     * writer's plan shows in the catalogs only once its claim records it.
     */
    private void planMore(int count, boolean all) {
        serversAtPlan = store.serverIds();
        Lock admission = store.admissionLock();
        int[] parts;
        if (admission != null)
            admission.lock();
        try {
            parts = reservation.place(count, all);
            if (!store.catalog().intend(application, checkpointId, writer, plannedCount, parts, expiry()))
                throw lapsed();
        }
        finally {
            if (admission != null)
                admission.unlock();
        }
        if (plannedCount + parts.length > planned.length)
            planned = Arrays.copyOf(planned, Math.max(plannedCount + parts.length, planned.length * 2));
        System.arraycopy(parts, 0, planned, plannedCount, parts.length);
        plannedCount += parts.length;
    }

    private void renew(long now) {
        if (!reservation.renew()
            || !store.catalog().intend(application, checkpointId, writer, 0, NO_PARTITIONS, expiry()))
            throw lapsed();
        renewAt = now + store.config().getLeaseTimeout().toMillis() / 3;
    }

    /** Removes whatever this checkpoint stored, drops its claim and releases its leases. */
    private void discard() {
        state = State.ABORTED;
        buffer = null;
        try {
            if (streamer != null)
                streamer.close(false);
        }
        catch (RuntimeException e) {
            // Chunks that did not arrive need no removal; those that did are covered by the claim.
        }
        try {
            Claim claim = store.catalog().takeOver(application, checkpointId, writer, -1, writer, expiry());
            if (claim != null)
                store.removeChunks(application, claim);
            else {
                // The claim lapsed and was reclaimed; chunks stored since then are this writer's to remove.
                store.removeChunks(application, checkpointId, Arrays.copyOf(planned, chunks));
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

    private SpillwayException lapsed() {
        return new SpillwayException("Checkpoint " + label() + " lost its reservation: it was not renewed within "
            + "the lease timeout (" + store.config().getLeaseTimeout() + ") and its space was reclaimed");
    }

    private long expiry() {
        return store.now() + store.config().getLeaseTimeout().toMillis();
    }

    private void ensureOpen() {
        if (state != State.OPEN)
            throw new IllegalStateException("Checkpoint writer " + label() + " is "
                + state.name().toLowerCase() + ": it accepts no more bytes");
    }

    private String label() {
        return application + "/" + checkpointId;
    }
}
