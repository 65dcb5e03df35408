package dev.spillway;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.ignite.plugin.IgnitePlugin;

/**
 * What {@code Ignite.plugin(Spillway.PLUGIN_NAME)} returns on a node that runs the Spillway plugin. Applications
 * use {@link Spillway#store(org.apache.ignite.Ignite)} instead.
 */
public interface SpillwayPlugin extends IgnitePlugin {
    /** The checkpoint facade of this node. */
    CheckpointStore store();

    /**
     * Verifies now, at full speed, every chunk copy this server node holds against its checkpoint's CRC32C, and
     * writes damaged copies again from a healthy copy on another node (the background scrub does the same at
     * {@link SpillwayConfiguration#getScrubRate()}). Waits for a background pass in progress first.
     *
     * @throws IllegalStateException on a client node, which holds no chunks
     */
    ScrubReport scrub();

    /** What every scrub pass on this server node has found since it started ({@link ScrubReport#NONE} on a client). */
    ScrubReport scrubTotals();

    /** What this server node's reclaiming pass and orphan sweep last found ({@link Housekeeping#NONE} on a client). */
    Housekeeping housekeeping();

    /**
     * The registry of this node's Spillway meters (saves, restores, leases, refusals, and on a server its region and
     * write sessions): a composite, to which an application may add a registry of its own. With
     * {@link SpillwayConfiguration#getMetricsPort()} set, a server also serves them to Prometheus.
     */
    MeterRegistry meterRegistry();
}
