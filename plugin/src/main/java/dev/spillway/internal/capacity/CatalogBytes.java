package dev.spillway.internal.capacity;

import java.util.BitSet;

/**
 * The bytes one server's catalogs place in each chunk-cache partition, and which catalogs it counted: those of the
 * catalog-cache partitions it is primary for. Summed over the servers, the bytes are the cluster's only when every
 * catalog partition was counted: between a node's loss or join and the end of the exchange that follows, a
 * partition's new primary may not count it yet while its old one no longer does.
 *
 * <p>Public because the node's runtime ({@code dev.spillway.plugin}) hands it over. Not API: see {@code
 * dev.spillway.internal}.
 *
 * @param all region bytes of one copy of each chunk-cache partition: committed chunks by their length, chunks being
 *     written or removed as full chunks, chunks no claim or manifest names that the node's sweep found
 * @param pending the part of {@code all} in chunks being written or removed
 * @param catalogs the catalog-cache partitions counted; empty when their primaries changed while counting
 * @param logical the bytes applications saved whose chunks are in each partition (one copy): every committed
 *     checkpoint counts each of its chunks, however many share one stored chunk, at the length it was written
 */
public record CatalogBytes(long[] all, long[] pending, BitSet catalogs, long[] logical) {
}
