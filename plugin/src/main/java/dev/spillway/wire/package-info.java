/**
 * The thin-client wire protocol: what a process that is not a Spillway node (a thin client) and a server node
 * agree on. The chunk key and its affinity field ({@link dev.spillway.wire.ChunkKey}), the names of Spillway's
 * caches and node attribute ({@link dev.spillway.wire.Layout}), the control service and its records
 * ({@link dev.spillway.wire.CheckpointService}, {@link dev.spillway.wire.Begun},
 * {@link dev.spillway.wire.Manifest}), reply encoding ({@link dev.spillway.wire.Reply}), the rules every facade
 * applies to its arguments ({@link dev.spillway.wire.Arguments}), and chunk framing: cutting a state into
 * checksummed chunks ({@link dev.spillway.wire.ChunkingWriter}) and verifying them on the way back
 * ({@link dev.spillway.wire.ChunkReader}).
 *
 * <p>Both sides of the wire use these types, so a change here is a protocol change. Everything else in the
 * plugin is machinery ({@code dev.spillway.internal}); applications use {@code dev.spillway}.
 */
package dev.spillway.wire;
