package dev.spillway;

/**
 * A stored chunk does not match the checksum or length its manifest recorded, or is missing. Restore never
 * returns bytes it could not verify.
 */
public class CheckpointIntegrityException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    private final String application;
    private final long checkpointId;
    private final int chunkIndex;

    public CheckpointIntegrityException(String application, long checkpointId, int chunkIndex, String problem) {
        super("Checkpoint " + application + "/" + checkpointId + " failed verification at chunk " + chunkIndex
            + ": " + problem);
        this.application = application;
        this.checkpointId = checkpointId;
        this.chunkIndex = chunkIndex;
    }

    public String application() {
        return application;
    }

    public long checkpointId() {
        return checkpointId;
    }

    /** Index of the failing chunk within the checkpoint, from 0. */
    public int chunkIndex() {
        return chunkIndex;
    }
}
