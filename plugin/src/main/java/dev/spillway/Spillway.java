package dev.spillway;

import java.util.Objects;
import org.apache.ignite.Ignite;
import org.apache.ignite.plugin.PluginNotFoundException;

/** Entry point: the checkpoint facade of a node (server or thick client) that runs the Spillway plugin. */
public final class Spillway {
    /** The plugin's name, as passed to {@code Ignite.plugin(String)}. */
    public static final String PLUGIN_NAME = "spillway";

    private Spillway() {
    }

    /**
     * The checkpoint store of {@code ignite}. On a server node, checkpoints go first to the node's own region; on
     * a thick client, to the server with the most free space.
     *
     * @throws IllegalStateException when the node does not run the Spillway plugin
     */
    public static CheckpointStore store(Ignite ignite) {
        Objects.requireNonNull(ignite, "ignite");
        try {
            SpillwayPlugin plugin = ignite.plugin(PLUGIN_NAME);
            return plugin.store();
        }
        catch (PluginNotFoundException e) {
            throw new IllegalStateException("Node " + ignite.name() + " does not run the Spillway plugin: put "
                + "spillway-plugin on its classpath, or add SpillwayPluginProvider to setPluginProviders", e);
        }
    }
}
