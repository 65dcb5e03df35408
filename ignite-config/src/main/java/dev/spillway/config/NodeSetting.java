package dev.spillway.config;

import dev.spillway.SpillwayConfiguration;
import java.util.Locale;

/**
 * One setting of a Spillway server node. Each has one name in every source: the property {@link #key()} (in a
 * properties file), the environment variable {@link #environment()} and the command-line option {@link #option()}
 * are derived from it; the plugin's own settings keep the names of {@code SpillwayConfiguration}, and take their
 * defaults and bounds from it.
 */
public enum NodeSetting {
    NODE_NAME("spillway.nodeName", Kind.NAME, null,
        "the node's name and consistent id, unique in the cluster; default: Ignite's (address:port)"),
    HOST("spillway.host", Kind.HOST, "127.0.0.1",
        "the address this node binds and announces for discovery, communication and thin clients"),
    DISCOVERY_ADDRESSES("spillway.discoveryAddresses", Kind.ADDRESSES, "127.0.0.1:47500..47509",
        "where to find the other server nodes: a comma-separated list of host:port or host:port..port"),
    DISCOVERY_PORT("spillway.discoveryPort", Kind.PORT, "47500", "the first discovery port to bind"),
    COMMUNICATION_PORT("spillway.communicationPort", Kind.PORT, "47100", "the first communication port to bind"),
    THIN_CLIENT_PORT("spillway.thinClientPort", Kind.PORT, "10800", "the first thin-client port to bind"),
    PORT_RANGE("spillway.portRange", Kind.COUNT, "10",
        "how many ports past each first port a node may take when the first is in use (" + NodeSettings.PORT_RANGES
            + ")"),
    REGION_MAX_SIZE("spillway.regionMaxSize", Kind.SIZE, Values.size(SpillwayConfiguration.DFLT_REGION_MAX_SIZE),
        "the checkpoint data region's size (at least " + Values.size(SpillwayConfiguration.MIN_REGION_SIZE) + ")"),
    // No default value: left unset, the node takes the plugin's default or, where the region's pages leave less,
    // that; set (to whatever value), it must fit them.
    HIGH_WATER_MARK("spillway.highWaterMark", Kind.FRACTION, null,
        "the fraction of the checkpoint region Spillway may fill, in " + SpillwayConfiguration.FRACTION_RANGE
            + " and at most what the region's pages leave; default: " + SpillwayConfiguration.DFLT_HIGH_WATER_MARK
            + ", or less where the pages leave less"),
    FAILOVER_LIMIT("spillway.failoverLimit", Kind.FRACTION, null,
        "the fraction of its region no survivor of a single node loss may pass, in "
            + SpillwayConfiguration.FRACTION_RANGE + " and at most what the region's pages leave; default: "
            + SpillwayConfiguration.DFLT_FAILOVER_LIMIT + ", or less where the pages leave less"),
    CHUNK_SIZE("spillway.chunkSize", Kind.SIZE, Values.size(SpillwayConfiguration.DFLT_CHUNK_SIZE),
        "bytes per chunk (" + Values.size(SpillwayConfiguration.MIN_CHUNK_SIZE) + " to "
            + Values.size(SpillwayConfiguration.MAX_CHUNK_SIZE) + ")"),
    BACKUPS("spillway.backups", Kind.COUNT, Integer.toString(SpillwayConfiguration.DFLT_BACKUPS),
        "backup copies of every chunk (" + SpillwayConfiguration.MIN_BACKUPS + " or more)"),
    RETENTION("spillway.retention", Kind.COUNT, Integer.toString(SpillwayConfiguration.DFLT_RETENTION),
        "committed checkpoints kept per application (" + SpillwayConfiguration.MIN_RETENTION + " or more)"),
    LEASE_TIMEOUT("spillway.leaseTimeout", Kind.DURATION, Values.duration(SpillwayConfiguration.DFLT_LEASE_TIMEOUT),
        "how long a reservation or a thin client's write session lives without renewal"),
    OPERATION_TIMEOUT("spillway.operationTimeout", Kind.DURATION,
        Values.duration(SpillwayConfiguration.DFLT_OPERATION_TIMEOUT),
        "the longest one step of a save or restore waits on another node (local to the node)"),
    SCRUB_RATE("spillway.scrubRate", Kind.COUNT, Integer.toString(SpillwayConfiguration.DFLT_SCRUB_RATE),
        "MB/s at which the node verifies the chunk copies it holds in the background (0: off; local to the node)"),
    DEDUPLICATION("spillway.deduplication", Kind.BOOLEAN, "true",
        "whether a save hashes its chunks and stores only those whose content the application's latest checkpoint "
            + "does not hold (off: every chunk stored, none hashed)"),
    COMPRESSION("spillway.compression", Kind.NAME,
        SpillwayConfiguration.DFLT_COMPRESSION.name().toLowerCase(Locale.ROOT),
        "how the chunks a save stores are compressed, each on its own: lz4, zstd or none (a chunk that does not shrink "
            + "enough is stored as it is)"),
    COMPRESSION_MIN_SAVING("spillway.compressionMinSaving", Kind.FRACTION,
        Double.toString(SpillwayConfiguration.DFLT_COMPRESSION_MIN_SAVING),
        "the least fraction of a chunk compression must save for it to be stored compressed, in "
            + SpillwayConfiguration.SAVING_RANGE),
    METRICS_PORT("spillway.metricsPort", Kind.COUNT, Integer.toString(SpillwayConfiguration.DFLT_METRICS_PORT),
        "the port on which the node serves its meters to Prometheus at /metrics, on its host (0: no endpoint; local "
            + "to the node)"),
    METRICS_APPLICATIONS("spillway.metricsApplications", Kind.COUNT,
        Integer.toString(SpillwayConfiguration.DFLT_METRICS_APPLICATIONS),
        "how many distinct applications the node's meters name; the rest are tagged application=other (local to "
            + "the node)"),
    PARTITIONS("spillway.partitions", Kind.COUNT, Integer.toString(SpillwayConfiguration.DFLT_PARTITIONS),
        "partitions of the chunk cache (" + SpillwayConfiguration.MIN_PARTITIONS + " to "
            + SpillwayConfiguration.MAX_PARTITIONS + ")"),
    METADATA_REGION_SIZE("spillway.metadataRegionSize", Kind.SIZE,
        Values.size(SpillwayConfiguration.DFLT_METADATA_REGION_SIZE),
        "the manifests' data region's size (at least " + Values.size(SpillwayConfiguration.MIN_REGION_SIZE) + ")"),
    DEFAULT_REGION_MAX_SIZE("spillway.defaultRegionMaxSize", Kind.SIZE, "256MB",
        "Ignite's default data region, for caches other than Spillway's (allocated as used; at least "
            + Values.size(SpillwayConfiguration.MIN_REGION_SIZE) + ")"),
    PAGE_SIZE("spillway.pageSize", Kind.SIZE, "16KB",
        "Ignite's page size for every region of the node: " + NodeSettings.PAGE_SIZES),
    WORK_DIRECTORY("spillway.workDirectory", Kind.PATH, "spillway-work",
        "Ignite's work directory (logs, marshaller mappings); relative to the current directory"),
    SECURITY_FILE("spillway.securityFile", Kind.PATH, null,
        "the node's security file: its own identity and password, and on servers the identities the cluster accepts "
            + "and what each may do (readable by its owner only); none: an open cluster (see the README's Security)"),
    SQL_CONNECTORS("spillway.sqlConnectors", Kind.BOOLEAN, "false",
        "JDBC and ODBC on the thin-client port (SQL: Ignite's system views, tables in the default region); off: "
            + "only thin clients connect there"),
    TLS_ENABLED("spillway.tlsEnabled", Kind.BOOLEAN, "false",
        "TLS for discovery, communication and thin clients, with client certificates required"),
    TLS_PROTOCOLS("spillway.tlsProtocols", Kind.NAME, "TLSv1.3",
        "the TLS versions enabled, comma-separated: TLSv1.3, TLSv1.2, as this JDK supports them; no other is enabled"),
    TLS_KEY_STORE("spillway.tlsKeyStore", Kind.PATH, null, "the node's key store (PKCS12), when TLS is on"),
    TLS_KEY_STORE_PASSWORD("spillway.tlsKeyStorePassword", Kind.SECRET, null, "the key store's password"),
    TLS_TRUST_STORE("spillway.tlsTrustStore", Kind.PATH, null,
        "the trust store (PKCS12) holding the authority that signs the nodes' certificates (server nodes and thick "
            + "clients)"),
    TLS_TRUST_STORE_PASSWORD("spillway.tlsTrustStorePassword", Kind.SECRET, null, "the trust store's password"),
    TLS_CLIENT_TRUST_STORE("spillway.tlsClientTrustStore", Kind.PATH, null,
        "the trust store (PKCS12) holding the authority that signs thin clients' certificates: apart from the nodes', "
            + "so that no client certificate joins as a node"),
    TLS_CLIENT_TRUST_STORE_PASSWORD("spillway.tlsClientTrustStorePassword", Kind.SECRET, null,
        "the client trust store's password");

    /** How a setting's text is read. */
    enum Kind { NAME, HOST, ADDRESSES, PORT, COUNT, SIZE, FRACTION, DURATION, PATH, BOOLEAN, SECRET }

    private final String key;
    private final Kind kind;
    private final String defaultValue;
    private final String description;

    NodeSetting(String key, Kind kind, String defaultValue, String description) {
        this.key = key;
        this.kind = kind;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The property name, e.g. {@code spillway.regionMaxSize}. */
    public String key() {
        return key;
    }

    /** The environment variable, e.g. {@code SPILLWAY_REGION_MAX_SIZE}. */
    public String environment() {
        return "SPILLWAY_" + words('_').toUpperCase(Locale.ROOT);
    }

    /** The command-line option, e.g. {@code --region-max-size}. */
    public String option() {
        return "--" + words('-').toLowerCase(Locale.ROOT);
    }

    /** The value used when no source sets one, or null when there is none. */
    public String defaultValue() {
        return defaultValue;
    }

    /** What the setting is, with its bounds where it has some. */
    public String description() {
        return description;
    }

    Kind kind() {
        return kind;
    }

    /** The words of the key after {@code spillway.}, joined with {@code sep}: regionMaxSize -> region-Max-Size. */
    private String words(char sep) {
        String name = key.substring("spillway.".length());
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c))
                b.append(sep);
            b.append(c);
        }
        return b.toString();
    }

    /** The setting whose key is {@code key}, or null. */
    static NodeSetting byKey(String key) {
        for (NodeSetting s : values()) {
            if (s.key.equals(key))
                return s;
        }
        return null;
    }
}
