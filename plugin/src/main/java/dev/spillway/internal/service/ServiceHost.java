package dev.spillway.internal.service;

import dev.spillway.internal.store.EmbeddedCheckpointStore;
import dev.spillway.internal.store.ThinChunks;
import dev.spillway.Spillway;
import dev.spillway.internal.store.CheckpointEngine;
import org.apache.ignite.Ignite;
import org.apache.ignite.plugin.IgnitePlugin;

/**
 * What the checkpoint service needs of the server node it is deployed on: the node's facade, its engine and the
 * write sessions it hosts for thin clients. Implemented by the node's plugin runtime.
 *
 * <p>Public because the node's runtime ({@code dev.spillway.plugin}) implements it. Not API: see {@code
 * dev.spillway.internal}.
 */
public interface ServiceHost {
    /** The host of node {@code ignite}, for the service Ignite deploys there (the one lookup Ignite forces). */
    static ServiceHost of(Ignite ignite) {
        IgnitePlugin plugin = ignite.plugin(Spillway.PLUGIN_NAME);
        return (ServiceHost)plugin;
    }

    EmbeddedCheckpointStore store();

    CheckpointEngine engine();

    WriteSessions writeSessions();

    /** Where the chunks thin clients send are checked and stored. */
    ThinChunks thinChunks();
}
