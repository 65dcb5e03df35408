package dev.spillway.wire;

import java.io.Serializable;
import java.util.UUID;

/**
 * Chunks a write session has planned for a thin client, from a given index on: per chunk, its partition, the
 * server to send it to (the partition's primary when it was planned), the session's lease there, and the token that
 * server checks before it stores the chunk (0 on a cluster without security).
 */
public final class Planned implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final Planned NONE = new Planned(new int[0], new UUID[0], new long[0], new long[0]);

    private final int[] partitions;
    /** Each server's id as two longs (most, then least significant bits): the reply filter admits no UUID array. */
    private final long[] servers;
    private final long[] leases;
    private final long[] tokens;

    public Planned(int[] partitions, UUID[] servers, long[] leases, long[] tokens) {
        if (servers.length != partitions.length || leases.length != partitions.length
            || tokens.length != partitions.length)
            throw new IllegalArgumentException("partitions, servers, leases and tokens differ in length: "
                + partitions.length + ", " + servers.length + ", " + leases.length + ", " + tokens.length);
        this.leases = leases;
        this.partitions = partitions;
        this.servers = new long[2 * servers.length];
        for (int i = 0; i < servers.length; i++) {
            this.servers[2 * i] = servers[i].getMostSignificantBits();
            this.servers[2 * i + 1] = servers[i].getLeastSignificantBits();
        }
        this.tokens = tokens;
    }

    /** Chunks planned. */
    public int size() {
        return partitions.length;
    }

    /** The partition of the {@code i}-th chunk planned. */
    public int partition(int i) {
        return partitions[i];
    }

    /** The server the {@code i}-th chunk planned is sent to. */
    public UUID server(int i) {
        return new UUID(servers[2 * i], servers[2 * i + 1]);
    }

    /** The session's lease on the server of the {@code i}-th chunk planned (0: none there). */
    public long lease(int i) {
        return leases[i];
    }

    /** The token of the {@code i}-th chunk planned. */
    public long token(int i) {
        return tokens[i];
    }
}
