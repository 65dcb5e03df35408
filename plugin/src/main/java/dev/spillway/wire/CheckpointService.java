package dev.spillway.wire;

/**
 * The control calls of the checkpoint facade, for callers that are not Ignite nodes with the plugin (thin
 * clients). Deployed by the plugin as a node singleton on every Spillway server node, under {@link #NAME}. Chunk
 * bytes never pass through it: the caller puts and gets them on the chunk cache, straight to each chunk's primary.
 * Every method returns an encoded {@link Reply}; decode it with {@link Reply#value(byte[])}.
 *
 * <p>Writes: {@link #begin} on the caller's home server opens a write session there; the session's calls
 * ({@link #partitions}, {@link #renew}, {@link #commit}, {@link #abort}) must reach the same node. A session with no
 * call for the lease timeout is discarded.
 */
public interface CheckpointService {
    /** The service's name in the cluster. */
    String NAME = "spillway-checkpoints";

    /**
     * Opens a write session on this node. Reply: {@link Begun}.
     *
     * @param expectedSize bytes to reserve before the first is written, or 0 when not known
     */
    byte[] begin(String application, long expectedSize);

    /**
     * The partitions planned for chunks {@code from} onwards, at least one, planning more when needed. Reply:
     * int[].
     */
    byte[] partitions(long session, int from);

    /** Renews the session's reservation when due. Reply: null. */
    byte[] renew(long session);

    /**
     * Commits the checkpoint: chunks 0 .. lengths.length - 1, each stored with every copy. Reply:
     * {@code CheckpointInfo}.
     */
    byte[] commit(long session, long size, int[] lengths, int[] checksums);

    /**
     * Discards the checkpoint, removing what the first {@code sent} chunks stored; waits for a commit of the session
     * under way. Reply: {@code Boolean}, whether this call ended the session (false: it was committed or discarded
     * meanwhile); a failure when the session is not open on the server.
     */
    byte[] abort(long session, int sent);

    /** The manifest of a committed checkpoint; the latest when {@code checkpointId} is 0. Reply: Manifest. */
    byte[] manifest(String application, long checkpointId);

    /**
     * Why a read of a chunk of the checkpoint found nothing. Reply: {@link ChunkAbsence}; fails with
     * {@code NoQuorumException} on the minority side of a network partition.
     */
    byte[] absence(String application, long checkpointId);

    /** Reply: {@code ArrayList<CheckpointInfo>}, oldest first. */
    byte[] list(String application);

    /** Reply: null. */
    byte[] delete(String application, long checkpointId);

    /** Reply: {@code ArrayList<NodeCapacity>}. */
    byte[] capacity();

    /** Reply: {@code WorstLoss} or null. */
    byte[] worstLoss();

    /** Reply: {@code PlacementReport}. */
    byte[] placement(String application, long checkpointId);

    /** Reply: {@code ClusterStatus}. */
    byte[] status();

    /**
     * The consistent id of each chunk-cache partition's primary node now, by partition. Reply:
     * {@code ArrayList<String>}.
     */
    byte[] primaries();
}
