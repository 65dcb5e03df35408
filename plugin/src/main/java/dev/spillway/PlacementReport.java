package dev.spillway;

import java.util.List;

/**
 * Where the primary copies of a checkpoint's chunks are now, node by node.
 *
 * @param application the application id
 * @param checkpointId the checkpoint id
 * @param originNode consistent id of the node that wrote the checkpoint
 * @param nodes one entry per node holding primary chunk copies, the origin first
 */
public record PlacementReport(String application, long checkpointId, String originNode, List<NodePlacement> nodes)
    implements java.io.Serializable {

    /**
     * @param node the node's consistent id
     * @param chunks primary chunk copies on that node
     * @param bytes state bytes in those chunks
     * @param origin whether this is the node that wrote the checkpoint (its chunks are local, the others spilled)
     */
    public record NodePlacement(String node, int chunks, long bytes, boolean origin) implements java.io.Serializable {
    }

    /** Chunks whose primary copy is on the originating node. */
    public int localChunks() {
        return nodes.stream().filter(NodePlacement::origin).mapToInt(NodePlacement::chunks).sum();
    }

    /** Chunks whose primary copy is on another node. */
    public int spilledChunks() {
        return nodes.stream().filter(n -> !n.origin()).mapToInt(NodePlacement::chunks).sum();
    }

    /** State bytes whose primary copy is on another node. */
    public long spilledBytes() {
        return nodes.stream().filter(n -> !n.origin()).mapToLong(NodePlacement::bytes).sum();
    }
}
