package dev.spillway.internal.capacity;

/**
 * A peer's answer to a request for space. A plain class, not a record: Ignite's binary marshaller cannot write
 * records, and grants travel between nodes.
 */
final class Grant {
    private final String node;
    private final long leaseId;
    private final long bytes;
    private final long expiresAt;
    private final long freeAfter;
    private final int[] partitions;

    /**
     * @param node consistent id of the granting node
     * @param leaseId the lease to renew and release (0 when nothing was granted)
     * @param bytes bytes granted, possibly fewer than asked, possibly 0
     * @param expiresAt when the lease lapses unless renewed (epoch millis of the granting node's clock)
     * @param freeAfter what the node had left to grant after this grant
     * @param partitions the chunk-cache partitions the granting node is primary for: where chunks may go
     */
    Grant(String node, long leaseId, long bytes, long expiresAt, long freeAfter, int[] partitions) {
        this.node = node;
        this.leaseId = leaseId;
        this.bytes = bytes;
        this.expiresAt = expiresAt;
        this.freeAfter = freeAfter;
        this.partitions = partitions;
    }

    Grant withPartitions(int[] primaryPartitions) {
        return new Grant(node, leaseId, bytes, expiresAt, freeAfter, primaryPartitions);
    }

    public String node() {
        return node;
    }

    public long leaseId() {
        return leaseId;
    }

    public long bytes() {
        return bytes;
    }

    public long expiresAt() {
        return expiresAt;
    }

    public long freeAfter() {
        return freeAfter;
    }

    public int[] partitions() {
        return partitions;
    }
}
