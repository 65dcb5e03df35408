package dev.spillway;

/**
 * What an identity may do with an application's checkpoints, each granted for a set of application patterns in
 * the security file ({@code identity.NAME.save = orders-*}).
 */
public enum CheckpointAction {
    /** Write a checkpoint: begin, send chunks, commit or abort. */
    SAVE,
    /** Read a checkpoint: its manifest, its chunks, why a chunk is missing. */
    RESTORE,
    /** See which checkpoints an application has and where their chunks are. */
    LIST,
    /** Delete a checkpoint. */
    DELETE;

    /** The action as the security file and messages spell it: {@code save}, {@code restore}, ... */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
