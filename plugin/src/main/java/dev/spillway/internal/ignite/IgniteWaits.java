package dev.spillway.internal.ignite;

import dev.spillway.OperationTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.compute.ComputeTaskTimeoutException;
import org.apache.ignite.lang.IgniteFuture;
import org.apache.ignite.lang.IgniteFutureTimeoutException;

/**
 * Waits on Ignite with a time limit: every wait of a save or restore on another node ends within the operation
 * timeout, with an {@link OperationTimeoutException} naming the node and the step. Public API of Ignite only.
 *
 * <p>Public for {@code internal.store} and {@code internal.capacity}, which wait on Ignite. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class IgniteWaits {
    private IgniteWaits() {
    }

    /**
     * The result of {@code future}, waited for at most {@code timeout}.
     *
     * @param step what waits, for the message ("reading chunk 3 of orders/12")
     * @param node the node it waits on, asked only when the time runs out
     */
    public static <T> T get(IgniteFuture<T> future, Duration timeout, String step, Supplier<String> node) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (IgniteFutureTimeoutException | ComputeTaskTimeoutException e) {
            // A compute task stops here; a cache update cannot be cancelled and may still land.
            future.cancel();
            throw new OperationTimeoutException(step, node.get(), timeout, e);
        }
    }

    /** The consistent id of the primary node of {@code key} in {@code cache}, for messages. */
    public static String primaryOf(Ignite ignite, String cache, Object key) {
        ClusterNode n = ignite.affinity(cache).mapKeyToNode(key);
        return n == null ? "(none)" : String.valueOf(n.consistentId());
    }
}
