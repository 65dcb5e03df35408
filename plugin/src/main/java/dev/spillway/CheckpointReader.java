package dev.spillway;

import java.io.InputStream;

/**
 * Streams a committed checkpoint back, chunk by chunk, verifying every chunk's checksum before any of its bytes
 * are returned. A failed check throws {@link CheckpointIntegrityException} from {@code read}.
 */
public abstract class CheckpointReader extends InputStream {

    /** The checkpoint being read. */
    public abstract CheckpointInfo info();
}
