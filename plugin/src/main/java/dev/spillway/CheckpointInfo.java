package dev.spillway;

import java.time.Duration;
import java.time.Instant;

/**
 * A committed checkpoint as listed by {@link CheckpointStore#list(String)}.
 *
 * @param application the application id it belongs to
 * @param checkpointId its id; ids of one application increase with every begun checkpoint
 * @param size the state's size in bytes
 * @param chunks how many chunks it was cut into
 * @param originNode consistent id of the node that wrote it (its home server for a client)
 * @param committedAt when its manifest was committed
 * @param duration time from the first byte written to the commit
 */
public record CheckpointInfo(String application, long checkpointId, long size, int chunks, String originNode,
                             Instant committedAt, Duration duration)
    implements java.io.Serializable {
}
