package dev.spillway.internal.store;

import dev.spillway.CheckpointAction;
import dev.spillway.InvalidArgumentException;
import dev.spillway.SpillwayException;
import dev.spillway.internal.capacity.CapacityLedger;
import dev.spillway.internal.security.Access;
import dev.spillway.internal.security.ChunkTokens;
import dev.spillway.internal.security.Grants;
import dev.spillway.wire.Arguments;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Planned;
import java.util.Arrays;
import java.util.UUID;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;

/**
 * A thin client's chunk bytes on the server they are sent to: a thin client reaches the chunk cache only
 * through the checkpoint service, which checks each chunk here before it stores or reads it as the node. On a cluster
 * with security a chunk is stored only when the caller may save the application, its token is the one its write
 * session planned it with (this chunk, this partition, the session's lease on this server), this server's ledger
 * holds that lease still (so no byte lands that admission did not reserve, and none once the session ended or its
 * lease lapsed), it is no larger than a
 * chunk, and no other bytes are stored under its key (a committed chunk is never overwritten).
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}), which builds one per server node. Not API: see
 * {@code dev.spillway.internal}.
 */
public final class ThinChunks {
    private final CheckpointEngine engine;
    private final CapacityLedger ledger;
    /** Null on a cluster without security: chunks are stored as sent. */
    private final ChunkTokens tokens;

    /** @param tokens the cluster's chunk tokens; null on a cluster without security */
    public ThinChunks(CheckpointEngine engine, CapacityLedger ledger, ChunkTokens tokens) {
        this.engine = engine;
        this.ledger = ledger;
        this.tokens = tokens;
    }

    /** The chunks {@code session} planned from {@code from} on, each with its server and token. */
    public Planned planned(WriteSession session, int from, int[] partitions) {
        Affinity<ChunkKey> affinity = engine.chunkCache().affinity();
        UUID[] servers = new UUID[partitions.length];
        long[] leases = new long[partitions.length];
        long[] chunkTokens = new long[partitions.length];
        for (int i = 0; i < partitions.length; i++) {
            ClusterNode primary = affinity.mapPartitionToNode(partitions[i]);
            servers[i] = primary == null ? engine.localId() : primary.id();
            leases[i] = session.leaseOn(servers[i]);
            if (tokens != null) {
                chunkTokens[i] = tokens.token(session.writer(), leases[i], session.application(),
                    session.checkpointId(), from + i, partitions[i]);
            }
        }
        return new Planned(partitions, servers, leases, chunkTokens);
    }

    /** Stores a chunk a thin client sent, once every check passes; runs as the node. */
    public void store(Grants caller, String application, long checkpointId, int index, int partition, UUID writer,
                      long lease, long token, byte[] chunk) {
        Arguments.application(application);
        Access.require(caller, CheckpointAction.SAVE, application);
        int chunkSize = engine.config().getChunkSize();
        if (chunk == null || chunk.length == 0 || chunk.length > chunkSize) {
            throw new InvalidArgumentException("chunk", "Chunk " + index + " of " + application + "/" + checkpointId
                + " has " + (chunk == null ? "no bytes" : chunk.length + " bytes") + "; allowed: 1 to " + chunkSize);
        }
        ChunkKey key = new ChunkKey(partition, application, checkpointId, index);
        ChunkCache cache = engine.chunkCache();
        if (tokens == null) {
            cache.put(key, chunk);
            return;
        }
        String what = "Chunk " + index + " of " + application + "/" + checkpointId + " (partition " + partition + ")";
        if (writer == null || !tokens.valid(token, writer, lease, application, checkpointId, index, partition)) {
            throw new SpillwayException(what + " was refused: its token is not the one its write session planned "
                + "it with (only the server that began the session issues tokens, one per chunk and partition)");
        }
        if (!ledger.holds(lease, writer)) {
            throw new SpillwayException(what + " was refused: its write session holds no live lease on this server "
                + "(it was committed or aborted, or its lease lapsed), so no space is reserved for it");
        }
        if (!cache.putIfAbsent(key, chunk) && !Arrays.equals(cache.fetch(key).get(), chunk)) {
            throw new SpillwayException(what + " was refused: other bytes are stored under it already, and a "
                + "stored chunk is never overwritten");
        }
    }

    /** A chunk of a committed checkpoint, or null when it is missing; runs as the node. */
    public byte[] read(Grants caller, String application, long checkpointId, int index, int partition) {
        Arguments.application(application);
        Access.require(caller, CheckpointAction.RESTORE, application);
        return engine.chunkCache().fetch(new ChunkKey(partition, application, checkpointId, index)).get();
    }
}
