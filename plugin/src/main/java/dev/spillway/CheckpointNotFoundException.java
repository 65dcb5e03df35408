package dev.spillway;

/** No committed checkpoint matches the application id (and checkpoint id) asked for. */
public class CheckpointNotFoundException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    public CheckpointNotFoundException(String message) {
        super(message);
    }
}
