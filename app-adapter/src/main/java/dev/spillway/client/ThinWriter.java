package dev.spillway.client;

import dev.spillway.CheckpointInfo;
import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import dev.spillway.wire.ChunkCodec;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Begun;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.Reply;
import dev.spillway.wire.ChunkingWriter;
import dev.spillway.wire.Planned;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ignite.client.ClientException;

/**
 * Writes one checkpoint over a thin client. The write session lives on the home server ({@link Begun#node()}),
 * which plans the chunks and commits the manifest; each chunk goes straight to the server it was planned on (its
 * partition's primary then, which holds the session's lease for it), as a store call on that server's checkpoint
 * service with the chunk's token; the server checks it and stores the chunk, every copy. A bounded window of
 * stores is in flight; a chunk buffer is reused only once its store has completed, which with FULL_SYNC means
 * every copy is stored; an array the application handed over is sent as it is and never reused.
 */
final class ThinWriter extends ChunkingWriter {
    private final Begun begun;
    private final SpillwayClient owner;
    private ThinLink link;
    private CheckpointService session;
    /** Links this writer worked through before a renewal, held until it ends: puts may be in flight on them. */
    private final List<ThinLink> retired = new ArrayList<>();
    private final int window;
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private final ArrayDeque<byte[]> spare = new ArrayDeque<>();
    private final long renewEveryNanos;
    private final Duration timeout;
    private final String home;
    private Planned planned;
    private int plannedFrom;
    private long lastCall = System.nanoTime();
    private boolean released;
    /** Whether the home has answered an abort of the write session: nothing is left there to abort. */
    private boolean sessionEnded;

    /**
     * A put in flight, and the connection it went out on; {@code buffer} is null for an array the application
     * handed over (never filled again).
     */
    private record InFlight(ChunkKey key, SpillwayClient.Sent<Void> store, byte[] buffer) {
    }

    /**
     * @param link the thin client the writer works through, held until it commits or aborts
     * @param session the home server's checkpoint service on {@code link}
     * @param timeout the longest a chunk put waits (control calls wait the thin client's own request timeout)
     * @param home the home server's consistent id, for messages
     */
    ThinWriter(Begun begun, SpillwayClient owner, ThinLink link, CheckpointService session, int windowBytes,
               Duration timeout, String home) {
        super(begun.application(), begun.checkpointId(), begun.chunkSize(), begun.base(),
            ChunkCodec.of(begun.compression(), begun.compressionMinSaving()), begun.deduplication());
        this.begun = begun;
        this.owner = owner;
        this.link = link;
        this.session = session;
        this.window = Math.max(2, Math.min(SpillwayClient.MAX_CHUNK_CALLS, windowBytes / begun.chunkSize()));
        this.planned = begun.planned();
        this.renewEveryNanos = begun.leaseTimeoutMillis() * 1_000_000L / 3;
        this.timeout = timeout;
        this.home = home;
    }

    /** The id of the home server's write session (for tests, which reach the session through it). */
    long sessionId() {
        return begun.session();
    }

    @Override
    protected int partition(int index) {
        if (index - plannedFrom >= planned.size()) {
            planned = control("placing chunk " + index, () -> session.partitions(begun.session(), index), null);
            plannedFrom = index;
            lastCall = System.nanoTime();
        }
        else
            keepAlive();
        return planned.partition(index - plannedFrom);
    }

    @Override
    protected void send(ChunkKey key, byte[] chunk, boolean reusable) {
        while (inFlight.size() >= window)
            completeOldest();
        int i = key.index() - plannedFrom;
        long lease = planned.lease(i);
        long token = planned.token(i);
        SpillwayClient.Sent<Void> put = owner.startChunkCall(link, planned.server(i), s -> s.store(key.application(),
            key.checkpointId(), key.index(), key.partition(), begun.writer(), lease, token, chunk), Reply::value,
            false);
        inFlight.add(new InFlight(key, put, reusable ? chunk : null));
    }

    @Override
    protected byte[] nextBuffer() {
        if (spare.isEmpty() && inFlight.size() >= window)
            completeOldest();
        return spare.isEmpty() ? new byte[begun.chunkSize()] : spare.poll();
    }

    /** Waits for the oldest put in flight; its buffer, if one of ours, is filled again. */
    private void completeOldest() {
        InFlight oldest = inFlight.poll();
        await(oldest);
        if (oldest.buffer() != null)
            spare.add(oldest.buffer());
    }

    @Override
    protected void awaitStored() {
        while (!inFlight.isEmpty())
            await(inFlight.poll());
    }

    @Override
    protected void keepAlive() {
        if (System.nanoTime() - lastCall >= renewEveryNanos) {
            control("renewing the lease", () -> session.renew(begun.session()), null);
            lastCall = System.nanoTime();
        }
    }

    @Override
    protected byte[] readStored(ChunkKey key) {
        return owner.readChunk(link, key);
    }

    @Override
    protected CheckpointInfo commitManifest(long size, ChunkTable chunks) {
        byte[] encoded = Reply.of(() -> chunks);
        // A commit whose reply never came may have landed, or be landing still.
        return control("committing", () -> session.commit(begun.session(), size, encoded),
            unanswered -> outcome(unanswered, chunks()));
    }

    /**
     * The outcome of a commit whose reply never came ({@code unanswered}: it ran out of time, or the connection to
     * the home broke), made certain where it can be. The write session is aborted first: the home runs the abort
     * once a commit still under way there has ended, so an abort that ends the session means the checkpoint is not
     * committed, and any other answer means the session had ended, committed or not, and the catalog says which.
     * When the home does not answer the abort, the catalog is asked only if the home has left the cluster (its
     * session went with it); while it is there, not answering, the outcome is unknown.
     *
     * @return the checkpoint, when the commit landed
     * @throws RuntimeException {@code unanswered} when it did not; a {@link SpillwayException} saying the outcome is
     *     unknown when that cannot be learned
     */
    private CheckpointInfo outcome(RuntimeException unanswered, int chunks) {
        Boolean aborted = abortAfterCommit(chunks);
        if (Boolean.TRUE.equals(aborted))
            throw unanswered;
        if (aborted == null && homeStillThere())
            throw unknown(unanswered, "its home server " + home + " is still in the cluster and did not answer the "
                + "abort that would settle it");
        CheckpointInfo info;
        try {
            info = owner.committed(begun.application(), begun.checkpointId());
        }
        catch (RuntimeException e) {
            throw unknown(unanswered, "the cluster could not say whether it landed: " + e.getMessage());
        }
        if (info == null)
            throw unanswered;
        return info;
    }

    /**
     * Aborts the write session after a commit call that got no reply: true when this abort ended the session, false
     * when the home answered that it had ended already, null when the home did not answer.
     */
    private Boolean abortAfterCommit(int chunks) {
        try {
            Boolean ended = Reply.value(session.abort(begun.session(), chunks));
            sessionEnded = true;
            return ended;
        }
        catch (SpillwayException e) {
            // The home's answer: the session is not open there any more.
            sessionEnded = true;
            return Boolean.FALSE;
        }
        catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether the home server is in the cluster, as far as the cluster can be asked (if not, it may be). */
    private boolean homeStillThere() {
        try {
            return owner.homeInCluster();
        }
        catch (RuntimeException e) {
            return true;
        }
    }

    private SpillwayException unknown(RuntimeException unanswered, String why) {
        return new SpillwayException("Checkpoint " + label() + ": the outcome of its commit is unknown: "
            + unanswered.getMessage() + "; " + why + ". list(\""
            + begun.application() + "\") shows it once it is committed; if it is not, its chunks are removed once "
            + "its claim lapses", unanswered);
    }

    @Override
    protected void discard(int sent) {
        // Let the puts in flight finish (or fail) first, so none lands after the session removed the chunks; all of
        // them within one timeout.
        long deadline = System.nanoTime() + timeout.toNanos();
        for (InFlight f : inFlight) {
            try {
                f.store().future().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (ExecutionException | TimeoutException e) {
                // A put that failed stored nothing; one that did not answer may land late, for the sweep.
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        inFlight.clear();
        // A commit left unanswered was settled with the home's answer to an abort already (outcome).
        if (sessionEnded)
            return;
        try {
            Reply.value(session.abort(begun.session(), sent));
        }
        catch (RuntimeException e) {
            // The home server is gone or the session lapsed: its claim lapses and the reclaimer removes the chunks.
        }
    }

    @Override
    protected RuntimeException failure(RuntimeException e, String doing) {
        if (e instanceof SpillwayException || e instanceof IllegalStateException)
            return e;
        return new SpillwayException("Checkpoint " + label() + " failed while " + doing + " over the thin client: "
            + e.getMessage(), e);
    }

    /**
     * Runs a call on the home server's write session; one that ran out of time fails naming the server that held
     * it (the home, or the server the thin client sent it through), one whose connection broke says so. Either may
     * have run on the home: with {@code unanswered} given, what it returns for that failure is the call's outcome.
     */
    private <T> T control(String doing, Supplier<byte[]> call, Function<RuntimeException, T> unanswered) {
        SentTo.clear();
        try {
            try {
                return Reply.value(call.get());
            }
            catch (NullPointerException e) {
                if (!SpillwayClient.viewLost(e))
                    throw e;
                // The thin client lost its cluster view before sending the call: go on through a new one.
                renewLink();
                return Reply.value(call.get());
            }
        }
        catch (OperationTimeoutException e) {
            // The home server waited on a node too long: this client may hold a connection to that node too.
            owner.renew(link);
            throw e;
        }
        catch (ClientException e) {
            RuntimeException failure = null;
            if (SpillwayClient.timedOut(e))
                failure = owner.timedOut(link, doing + " " + label() + " (a call to its home server " + home + ")",
                    SentTo.last(), e);
            else if (!SpillwayClient.serviceGone(e))
                failure = new SpillwayException("Checkpoint " + label() + " failed while " + doing + ": the "
                    + "connection to its home server " + home + " broke before it answered (" + e.getMessage()
                    + "): the server left the cluster or the network between them failed", e);
            if (failure != null) {
                if (unanswered != null)
                    return unanswered.apply(failure);
                throw failure;
            }
            // The call reached a server without the write session: it was not run.
            throw new SpillwayException("Checkpoint " + label() + " failed while " + doing + ": its home server "
                + home + " left the cluster, and its write session went with it (the call reached a server "
                + "without it and was not run). The checkpoint is not committed; its chunks are removed once "
                + "its claim lapses. Save it again: the next save begins on a server that is there", e);
        }
    }

    /**
     * Works on through the client's current thin client, a new one when {@link #link} is still current: the home
     * server's session is reached the same way from any.
     */
    private void renewLink() {
        ThinLink renewed = owner.renewNow(link);
        retired.add(link);
        link = renewed;
        session = renewed.service(begun.node());
    }

    /** Gives the writer's hold on its thin clients back, once it has committed or aborted. */
    @Override
    protected void finished() {
        if (!released) {
            released = true;
            link.release();
            retired.forEach(ThinLink::release);
            retired.clear();
        }
    }

    private void await(InFlight f) {
        try {
            f.store().future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (TimeoutException e) {
            throw owner.chunkTimedOut(link, "storing chunk " + f.key().index() + " of " + label() + " (partition "
                + f.key().partition() + ")", f.key().partition(), f.store().to(), e);
        }
        catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SpillwayException s)
                throw s;
            throw new SpillwayException("Checkpoint " + label() + ": storing chunk " + f.key().index() + " (partition "
                + f.key().partition() + ") on server " + (f.store().to() == null ? "(unknown)"
                : owner.serverName(f.store().to()))
                + " failed: " + cause.getMessage() + " (the server left the cluster, or the connection to it "
                + "broke?); it is not committed", cause);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpillwayException("Checkpoint " + label() + ": interrupted while chunk " + f.key().index()
                + " was stored", e);
        }
    }
}
