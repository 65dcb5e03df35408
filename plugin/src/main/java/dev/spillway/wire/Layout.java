package dev.spillway.wire;

/** Names of what Spillway adds to a server node: regions, caches, the node attribute. One meaning each. */
public final class Layout {
    /** Data region holding chunk copies: persistence off, no page eviction, never filled past the budget. */
    public static final String CHECKPOINT_REGION = "spillway-checkpoints";
    /** Small data region holding manifests, so metadata never competes with chunks for space. */
    public static final String METADATA_REGION = "spillway-metadata";
    /** Cache of chunk copies, keyed by {@code ChunkKey}, on {@link #CHECKPOINT_REGION}. */
    public static final String CHUNK_CACHE = "spillway-chunks";
    /** Cache of per-application catalogs (manifests), keyed by application id, on {@link #METADATA_REGION}. */
    public static final String CATALOG_CACHE = "spillway-manifests";
    /** Cache of the admission lock's one entry, on {@link #METADATA_REGION}. */
    public static final String ADMISSION_CACHE = "spillway-admission";
    /** Partitions of the catalog cache: manifests are few and small. */
    public static final int CATALOG_PARTITIONS = 32;
    /** Node attribute set on server nodes that run the plugin; Spillway caches live only on those. */
    public static final String SERVER_ATTRIBUTE = "spillway.server";

    private Layout() {
    }
}
