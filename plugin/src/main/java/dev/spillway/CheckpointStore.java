package dev.spillway;

import java.util.List;
import java.util.Optional;

/**
 * The checkpoint facade: save an application's state, restore the latest complete checkpoint, anywhere in the
 * cluster. Obtain one with {@link Spillway#store(org.apache.ignite.Ignite)}. Thread-safe.
 *
 * <p>Application ids are 1 to {@value #MAX_APPLICATION_LENGTH} characters, not blank, without control characters.
 */
public interface CheckpointStore {

    /** Longest application id accepted. */
    int MAX_APPLICATION_LENGTH = 200;

    /** Starts a checkpoint whose size is not known in advance; space is reserved as bytes arrive. */
    CheckpointWriter begin(String application);

    /**
     * Starts a checkpoint expected to be about {@code expectedSize} bytes: space for that much is reserved before
     * the first byte is written, so a state the cluster cannot hold is refused at once.
     *
     * @throws CapacityExhaustedException when the cluster cannot hold {@code expectedSize} bytes
     */
    CheckpointWriter begin(String application, long expectedSize);

    /** Saves a whole state as one checkpoint and commits it. */
    CheckpointInfo save(String application, byte[] state);

    /** Opens the application's latest committed checkpoint for reading. */
    CheckpointReader openLatest(String application);

    /** Opens one committed checkpoint for reading. */
    CheckpointReader open(String application, long checkpointId);

    /** Reads the application's latest committed checkpoint whole. */
    byte[] restoreLatest(String application);

    /** Reads one committed checkpoint whole. */
    byte[] restore(String application, long checkpointId);

    /** The application's latest committed checkpoint, if any: the last of {@link #list(String)}. */
    default Optional<CheckpointInfo> latest(String application) {
        List<CheckpointInfo> all = list(application);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The application's committed checkpoints, oldest first (empty for an unknown application). */
    List<CheckpointInfo> list(String application);

    /**
     * Deletes one committed checkpoint and frees its space.
     *
     * @throws CheckpointNotFoundException when it does not exist
     */
    void delete(String application, long checkpointId);

    /**
     * Every server node's checkpoint region: budget, used, reserved and free bytes, and what can still be admitted
     * N-1 safely.
     */
    List<NodeCapacity> capacity();

    /**
     * The single node loss that would leave a survivor the least room; empty without backups (a loss then loses
     * data, it copies nothing) or with fewer than two server nodes.
     */
    Optional<WorstLoss> worstLoss();

    /** Where the primary copies of a committed checkpoint's chunks are now. */
    PlacementReport placement(String application, long checkpointId);

    /**
     * What an operator looks at, read now: every server's region and the checkpoints it holds, the worst single
     * loss, and every committed checkpoint with where its bytes are (what {@code ./spillway status} prints).
     */
    ClusterStatus status();
}
