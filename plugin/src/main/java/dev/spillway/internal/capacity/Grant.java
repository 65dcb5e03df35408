package dev.spillway.internal.capacity;

/**
 * A node's answer to a writer's request for space. A plain class, not a record: Ignite's binary marshaller cannot
 * write records, and grants travel between nodes.
 */
final class Grant {
    private final long leaseId;
    private final long bytes;

    /**
     * @param leaseId the lease to renew and release (0 when nothing was granted)
     * @param bytes bytes granted, possibly fewer than asked, possibly 0
     */
    Grant(long leaseId, long bytes) {
        this.leaseId = leaseId;
        this.bytes = bytes;
    }

    long leaseId() {
        return leaseId;
    }

    long bytes() {
        return bytes;
    }
}
