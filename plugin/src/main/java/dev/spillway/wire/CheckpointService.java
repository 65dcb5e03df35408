package dev.spillway.wire;

import java.util.UUID;

/**
 * The checkpoint facade for callers that are not Ignite nodes with the plugin (thin clients), which reach
 * Spillway's caches only through it. Deployed by the plugin as a node singleton on every Spillway server node,
 * under {@link #NAME}. Chunk bytes go straight to the server that stores them: {@link #store} to the server a
 * chunk was planned on, {@link #chunk} to the partition's primary ({@link #owners}).
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
     * Opens a write session on this node. Reply: {@link Begun}, with the first chunks planned when
     * {@code expectedSize} is given.
     *
     * @param expectedSize bytes to reserve before the first is written, or 0 when not known
     */
    byte[] begin(String application, long expectedSize);

    /**
     * The chunks planned from {@code from} onwards, at least one, planning more when needed. Reply:
     * {@link Planned}.
     */
    byte[] partitions(long session, int from);

    /**
     * Stores chunk {@code index} of a checkpoint being written, on the server it was planned on. On a cluster with
     * security the server checks the caller may save the application, {@code token} is the chunk's as planned in
     * {@code partition} under lease {@code lease} of {@code writer}, its own ledger holds that lease still, and no
     * other bytes are stored under the chunk. Reply: null.
     */
    byte[] store(String application, long checkpointId, int index, int partition, UUID writer, long lease, long token,
                 byte[] chunk);

    /**
     * Chunk {@code index} of a committed checkpoint, once the caller may restore it. Reply: the chunk's bytes as
     * {@link Reply#ofBytes} encodes them (null when missing); decode with {@link Reply#bytes}.
     */
    byte[] chunk(String application, long checkpointId, int index, int partition);

    /** The id of each chunk-cache partition's primary node now, by partition. Reply: {@code ArrayList<UUID>}. */
    byte[] owners();

    /** Renews the session's reservation when due. Reply: null. */
    byte[] renew(long session);

    /**
     * Commits the checkpoint: its chunks as {@code chunks} lists them (a {@link ChunkTable} encoded as
     * {@link Reply#of} encodes a value), every chunk it stored itself stored with every copy, every other one a chunk
     * of the base it began with. Reply: {@code CheckpointInfo}.
     */
    byte[] commit(long session, long size, byte[] chunks);

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
