package dev.spillway.internal.capacity;

import dev.spillway.Spillway;
import org.apache.ignite.Ignite;
import org.apache.ignite.plugin.IgnitePlugin;

/**
 * What a peer's capacity calls, and the catalog's processors, need of the server node they run on: its ledger, the
 * bytes its catalogs place in each partition, and whether its metadata region has room. Implemented by the node's
 * plugin runtime.
 *
 * <p>Public because the node's runtime ({@code dev.spillway.plugin}) implements it. Not API: see {@code
 * dev.spillway.internal}.
 */
public interface LedgerHost {
    /**
     * The host of node {@code ignite}, for the calls Ignite deserialises and runs there (the one lookup Ignite
     * forces).
     */
    static LedgerHost of(Ignite ignite) {
        IgnitePlugin plugin = ignite.plugin(Spillway.PLUGIN_NAME);
        return (LedgerHost)plugin;
    }

    /** This server node's capacity ledger. */
    CapacityLedger ledger();

    /** Region bytes per chunk-cache partition, over the catalogs this node is primary for, and which those were. */
    CatalogBytes catalogBytes();

    /**
     * Whether this node's metadata region may take another checkpoint's claim: its used bytes are below its
     * admission limit. The catalog refuses a begin on a node past it, so the region never fills (Ignite halts a
     * node whose in-memory region does).
     */
    boolean metadataHasRoom();
}
