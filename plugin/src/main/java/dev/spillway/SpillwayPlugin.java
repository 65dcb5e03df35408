package dev.spillway;

import org.apache.ignite.plugin.IgnitePlugin;

/**
 * What {@code Ignite.plugin(Spillway.PLUGIN_NAME)} returns on a node that runs the Spillway plugin. Applications
 * use {@link Spillway#store(org.apache.ignite.Ignite)} instead.
 */
public interface SpillwayPlugin extends IgnitePlugin {
    /** The checkpoint facade of this node. */
    CheckpointStore store();
}
