package dev.spillway.wire;

/**
 * Why a read of a chunk of a committed checkpoint found nothing, as the cluster tells it. A read can miss a chunk
 * that is there: while partitions move between nodes (a node left, joined or came back), a get may reach a node
 * that does not hold its copy yet. The reader asks, and reads again while that may be so.
 */
public enum ChunkAbsence {
    /** The checkpoint is no longer committed: retention or a delete removed it while it was read. */
    REMOVED,
    /** Partitions are moving between nodes: the read may have missed a copy that is there; read again. */
    MOVING,
    /** The checkpoint is committed and no partition is moving: a read now finds every copy there is. */
    SETTLED
}
