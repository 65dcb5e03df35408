package dev.spillway;

/**
 * The cluster cannot hold a checkpoint without a region going past its high-water mark. Nothing of the
 * refused checkpoint stays visible and the application's previous checkpoints are intact.
 */
public class CapacityExhaustedException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    private final long neededBytes;
    private final long availableBytes;

    public CapacityExhaustedException(String message, long neededBytes, long availableBytes) {
        super(message);
        this.neededBytes = neededBytes;
        this.availableBytes = availableBytes;
    }

    /** Region bytes the refused request needed (chunk copies on every node that would hold them). */
    public long neededBytes() {
        return neededBytes;
    }

    /** Region bytes the cluster could still grant for it when it was refused. */
    public long availableBytes() {
        return availableBytes;
    }
}
