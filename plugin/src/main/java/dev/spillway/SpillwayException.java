package dev.spillway;

/**
 * Root of the runtime failures a Spillway call can report. Callers that want to act on a specific failure catch
 * one of the subtypes: {@link CapacityExhaustedException}, {@link CheckpointNotFoundException},
 * {@link CheckpointIntegrityException} or {@link InvalidArgumentException}.
 */
public class SpillwayException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpillwayException(String message) {
        super(message);
    }

    public SpillwayException(String message, Throwable cause) {
        super(message, cause);
    }
}
