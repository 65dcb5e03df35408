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
     * @param bytes state bytes in those chunks, as the application wrote them (logical)
     * @param origin whether this is the node that wrote the checkpoint (its chunks are local, the others spilled)
     * @param storedBytes bytes the node's region holds for them (physical): each stored chunk once, however many of
     *     the checkpoint's chunks name it, at its stored (compressed or not) size; shared with other checkpoints
     *     that name the same stored chunks
     */
    public record NodePlacement(String node, int chunks, long bytes, boolean origin, long storedBytes)
        implements java.io.Serializable {

        /** A placement whose chunks are all stored as they are, none shared: as many stored bytes as bytes. */
        public NodePlacement(String node, int chunks, long bytes, boolean origin) {
            this(node, chunks, bytes, origin, bytes);
        }
    }

    /** Chunks whose primary copy is on the originating node. */
    public int localChunks() {
        return nodes.stream().filter(NodePlacement::origin).mapToInt(NodePlacement::chunks).sum();
    }

    /** Chunks whose primary copy is on another node. */
    public int spilledChunks() {
        return nodes.stream().filter(n -> !n.origin()).mapToInt(NodePlacement::chunks).sum();
    }

    /** State bytes (logical) of the checkpoint, wherever their primary copies are. */
    public long bytes() {
        return nodes.stream().mapToLong(NodePlacement::bytes).sum();
    }

    /** Bytes the regions hold for the checkpoint's primary copies (physical), shared stored chunks once. */
    public long storedBytes() {
        return nodes.stream().mapToLong(NodePlacement::storedBytes).sum();
    }

    /** State bytes whose primary copy is on another node. */
    public long spilledBytes() {
        return nodes.stream().filter(n -> !n.origin()).mapToLong(NodePlacement::bytes).sum();
    }
}
