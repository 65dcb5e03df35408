package dev.spillway.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * An application state that a {@link Checkpointer} saves and restores. The state is streamed, so it may be larger
 * than the heap would hold twice.
 */
public interface Checkpointable {

    /**
     * Writes the whole state to {@code out}. Called on the checkpointer's thread while the application runs: write
     * a consistent view (a snapshot, or under the application's own lock). Do not close {@code out}.
     */
    void writeState(OutputStream out) throws IOException;

    /**
     * Replaces the state with the one read from {@code in}, which a {@link #writeState} wrote. Called at start-up,
     * before any checkpoint is taken; called again when a read fails part way (the checkpoint was removed while it
     * was read, or failed verification with fall-back on), with the next checkpoint to read. So it must replace the
     * whole state, never merge what it reads into what is there.
     */
    void readState(InputStream in) throws IOException;
}
