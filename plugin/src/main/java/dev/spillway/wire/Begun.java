package dev.spillway.wire;

import dev.spillway.Compression;
import java.io.Serializable;
import java.util.UUID;

/**
 * A write session opened by {@link CheckpointService#begin}.
 *
 * @param application the application the checkpoint belongs to
 * @param session the session's id on the node that opened it
 * @param node the id of that node: every later call of the session goes to it
 * @param checkpointId the id the checkpoint will have once committed
 * @param chunkSize bytes per chunk
 * @param leaseTimeoutMillis the session is discarded after this long without a call
 * @param writer the session's writer: each server that stores a chunk checks that it holds a lease of it
 * @param planned the chunks already planned, from the first (none when no size was expected)
 * @param base the committed checkpoint whose stored chunks this one may name instead of sending them again (the
 *     session keeps them while it is open); null when there is none, or the caller may not restore the application
 * @param compression how the cluster compresses chunks: the writer compresses each before it sends it
 * @param compressionMinSaving the least fraction of a chunk compression must save for it to be sent compressed
 * @param deduplication whether the writer hashes chunks and names those the base holds (the cluster's setting)
 */
public record Begun(String application, long session, UUID node, long checkpointId, int chunkSize,
                    long leaseTimeoutMillis, UUID writer, Planned planned, Manifest base, Compression compression,
                    double compressionMinSaving, boolean deduplication) implements Serializable {
}
