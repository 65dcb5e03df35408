package dev.spillway.internal.capacity;

import java.io.Serializable;

/**
 * A peer's answer to a request for space.
 *
 * @param node consistent id of the granting node
 * @param leaseId the lease to renew and release (0 when nothing was granted)
 * @param bytes bytes granted, possibly fewer than asked, possibly 0
 * @param expiresAt when the lease lapses unless renewed (epoch millis of the granting node's clock)
 * @param freeAfter what the node had left to grant after this grant
 * @param partitions the chunk-cache partitions the granting node is primary for: where spilled chunks may go
 */
public record Grant(String node, long leaseId, long bytes, long expiresAt, long freeAfter, int[] partitions)
    implements Serializable {

    public Grant withPartitions(int[] primaryPartitions) {
        return new Grant(node, leaseId, bytes, expiresAt, freeAfter, primaryPartitions);
    }
}
