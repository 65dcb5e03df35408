package dev.spillway;

import java.time.Duration;

/**
 * One step of a save or restore waited on a node longer than the operation timeout: the node has stopped answering
 * (a long GC pause, a frozen process, a network that drops packets). Nothing waits for it any longer. A save that
 * fails so is not committed; when the step was the commit itself, the writer asks the catalog whether it landed, and
 * a commit whose outcome cannot be learned fails with a {@link SpillwayException} saying so. The application's
 * committed checkpoints are intact. Once Ignite has taken the node out of the topology, a retry
 * goes to its partitions' new owners.
 */
public class OperationTimeoutException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    private final String node;
    private final String step;
    private final Duration timeout;

    public OperationTimeoutException(String step, String node, Duration timeout, Throwable cause) {
        super(step + " waited on node " + node + " longer than " + timeout.toMillis() + " ms: the node is not "
            + "answering (a long GC pause, a frozen process?); once Ignite takes it out of the topology, a retry "
            + "goes to its partitions' new owners", cause);
        this.node = node;
        this.step = step;
        this.timeout = timeout;
    }

    /** The node that did not answer, by consistent id (or what is known of it). */
    public String node() {
        return node;
    }

    /** The step that waited, e.g. {@code "reading chunk 3 of orders/12"}. */
    public String step() {
        return step;
    }

    /** The operation timeout that ran out. */
    public Duration timeout() {
        return timeout;
    }
}
