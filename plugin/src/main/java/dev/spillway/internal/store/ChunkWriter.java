package dev.spillway.internal.store;

import dev.spillway.CheckpointInfo;
import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import dev.spillway.internal.security.Grants;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.wire.ChunkCodec;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.ChunkingWriter;
import java.time.Duration;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.IgniteDataStreamerTimeoutException;
import org.apache.ignite.IgniteException;

/**
 * Writes one checkpoint from a node that runs the plugin: places each chunk through its {@link WriteSession} and
 * streams the chunks with a data streamer whose buffers hold a few chunks.
 */
final class ChunkWriter extends ChunkingWriter {
    private final WriteSession session;
    private final ChunkBuffers buffers;
    private final ChunkCache chunks;
    private final Duration timeout;
    private IgniteDataStreamer<ChunkKey, byte[]> streamer;

    private ChunkWriter(WriteSession session, ChunkCache chunks, SpillwayConfiguration config) {
        super(session.application(), session.checkpointId(), session.chunkSize(), session.base(),
            ChunkCodec.of(config.getCompression(), config.getCompressionMinSaving()), config.isDeduplication());
        this.session = session;
        this.chunks = chunks;
        this.timeout = chunks.timeout();
        this.buffers = new ChunkBuffers(session.chunkSize(), () -> streamer.flush());
        this.streamer = chunks.openStreamer(session.chunkSize());
    }

    /**
     * Begins a checkpoint on {@code engine} for {@code caller} (null without security), placed from its home node
     * first, reserving {@code expectedSize} bytes first when it is above 0.
     */
    static ChunkWriter begin(CheckpointEngine engine, String application, long expectedSize, Grants caller) {
        WriteSession session = engine.begin(application, engine.home(), expectedSize, caller);
        try {
            return new ChunkWriter(session, engine.chunkCache(), engine.config());
        }
        catch (RuntimeException e) {
            session.discard(0);
            throw e;
        }
    }

    @Override
    protected int partition(int index) {
        return session.partition(index);
    }

    @Override
    protected void send(ChunkKey key, byte[] chunk, boolean reusable) {
        // A chunk the application handed over is not counted: the streamer's limit of batches in flight bounds
        // them, and the application keeps them until commit anyway.
        streamer.addData(key, chunk);
        if (reusable)
            buffers.sent(chunk);
    }

    @Override
    protected byte[] nextBuffer() {
        return buffers.next();
    }

    @Override
    protected void awaitStored() {
        streamer.close(false);
    }

    @Override
    protected void keepAlive() {
        session.renewIfDue();
    }

    @Override
    protected byte[] readStored(ChunkKey key) {
        return chunks.fetch(key).get();
    }

    @Override
    protected CheckpointInfo commitManifest(long size, ChunkTable table) {
        return session.commit(size, table);
    }

    @Override
    protected void discard(int sent) {
        try {
            // Flushed, not cancelled: a cancel interrupts the streamer's threads on this node, which Ignite takes
            // for a critical failure and stops the node (seen in the contract's abort test). The flush waits at most
            // the streamer's timeout, the operation timeout.
            streamer.close(false);
        }
        catch (RuntimeException e) {
            // Chunks that did not arrive need no removal; those that did are covered by the claim.
        }
        session.discard(sent);
    }

    @Override
    protected RuntimeException failure(RuntimeException e, String doing) {
        if (e instanceof IgniteDataStreamerTimeoutException)
            return new OperationTimeoutException(doing + " " + label() + " (the streamer's wait for room or a flush)",
                "a node its chunks go to", timeout, e);
        return e instanceof IgniteException ? new SpillwayException("Checkpoint " + label() + " failed while "
            + doing + ": " + e.getMessage(), e) : e;
    }
}
