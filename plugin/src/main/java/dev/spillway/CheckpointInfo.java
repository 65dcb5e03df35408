package dev.spillway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

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
 * @param damagedChunks the chunks with no healthy copy left, as the integrity scrub found them (a restore of the
 *     checkpoint fails naming them); empty for a whole checkpoint
 * @param storedBytes the bytes this checkpoint stored itself (sent to the cluster): its chunks whose content was
 *     not stored for the application already; the others name stored chunks of earlier checkpoints, or repeat one of
 *     its own. Equal to {@code size} for a checkpoint that shares nothing.
 */
public record CheckpointInfo(String application, long checkpointId, long size, int chunks, String originNode,
                             Instant committedAt, Duration duration, List<Integer> damagedChunks, long storedBytes)
    implements java.io.Serializable {

    public CheckpointInfo {
        damagedChunks = damagedChunks == null ? List.of() : List.copyOf(damagedChunks);
    }

    /** A whole checkpoint that shares no chunk: nothing damaged, every byte stored by itself. */
    public CheckpointInfo(String application, long checkpointId, long size, int chunks, String originNode,
                          Instant committedAt, Duration duration) {
        this(application, checkpointId, size, chunks, originNode, committedAt, duration, List.of(), size);
    }

    /** Whether a chunk has no healthy copy left: the checkpoint cannot be restored. */
    public boolean damaged() {
        return !damagedChunks.isEmpty();
    }
}
