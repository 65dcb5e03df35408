package dev.spillway.config;

import dev.spillway.ConfigurationProblem;
import dev.spillway.Compression;
import dev.spillway.SpillwayConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The settings of one Spillway server node, resolved from their sources in order of precedence (a value from a
 * later source wins): the defaults, a preset ({@link NodeConfigBuilder#loopback(int)}), a properties file,
 * environment variables, system properties, command-line options. Checked once: every problem is reported together,
 * as a {@link SettingProblem} naming the property, the value, its source and what is allowed. The plugin's settings
 * are checked by {@link SpillwayConfiguration#problems()}, its bounds the only ones.
 */
public final class NodeSettings {
    /** The least and the most {@code spillway.portRange}. */
    static final int MIN_PORT_RANGE = 0;
    static final int MAX_PORT_RANGE = 1000;
    static final String PORT_RANGES = MIN_PORT_RANGE + " to " + MAX_PORT_RANGE;
    /** The least and the most {@code spillway.pageSize} (Ignite's bounds; a power of two between). */
    static final int MIN_PAGE_SIZE = 1 << 10;
    static final int MAX_PAGE_SIZE = 16 << 10;
    static final String PAGE_SIZES = "1KB, 2KB, 4KB, 8KB or 16KB";
    private static final Pattern ADDRESS = Pattern.compile("[^\\s:,]+(:\\d{1,5}(\\.\\.\\d{1,5})?)?");

    private final Map<NodeSetting, String> values;
    private final Map<NodeSetting, String> sources;
    private final List<SettingProblem> problems = new ArrayList<>();

    private String nodeName;
    private String host;
    private List<String> discoveryAddresses;
    private int discoveryPort;
    private int communicationPort;
    private int thinClientPort;
    private int portRange;
    private int pageSize;
    private long defaultRegionMaxSize;
    private Path workDirectory;
    private boolean sqlConnectors;
    private boolean tlsEnabled;
    private Path tlsKeyStore;
    private char[] tlsKeyStorePassword;
    private Path tlsTrustStore;
    private char[] tlsTrustStorePassword;
    private Path tlsClientTrustStore;
    private char[] tlsClientTrustStorePassword;
    private List<String> tlsProtocols;
    /** The key store's certificates, read once when the settings are checked (empty without TLS). */
    private List<Tls.Expiry> tlsCertificates = List.of();
    private final SpillwayConfiguration plugin = new SpillwayConfiguration();

    private NodeSettings(Map<NodeSetting, String> values, Map<NodeSetting, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /** Settings from one source: their values, and how a value's source is named ({@code option --x}). */
    record Source(Map<NodeSetting, String> values, Function<NodeSetting, String> name) {
        static Source of(Map<NodeSetting, String> values, String name) {
            return new Source(values, s -> name);
        }
    }

    /**
     * Resolves and checks the settings.
     *
     * @param sources the sources over the defaults, each over the one before
     * @param unknown problems the sources found before (keys that name no setting, a file that cannot be read)
     * @throws NodeConfigurationException naming every problem
     */
    static NodeSettings resolve(List<Source> sources, List<SettingProblem> unknown) {
        Map<NodeSetting, String> values = new EnumMap<>(NodeSetting.class);
        Map<NodeSetting, String> from = new EnumMap<>(NodeSetting.class);
        for (NodeSetting s : NodeSetting.values()) {
            if (s.defaultValue() != null) {
                values.put(s, s.defaultValue());
                from.put(s, "default");
            }
        }
        for (Source source : sources) {
            source.values().forEach((s, v) -> {
                values.put(s, v.trim());
                from.put(s, source.name().apply(s));
            });
        }
        NodeSettings settings = new NodeSettings(values, from);
        settings.problems.addAll(unknown);
        settings.check();
        if (!settings.problems.isEmpty())
            throw new NodeConfigurationException(settings.problems);
        return settings;
    }

    private void check() {
        nodeName = values.get(NodeSetting.NODE_NAME);
        if (nodeName != null && (nodeName.isBlank() || !nodeName.matches("[A-Za-z0-9._:@-]{1,100}"))) {
            refuse(NodeSetting.NODE_NAME, "1 to 100 letters, digits and . _ : @ -");
            nodeName = null;
        }
        host = values.get(NodeSetting.HOST);
        if (host == null || host.isBlank() || host.contains(" "))
            refuse(NodeSetting.HOST, "a host name or IP address");
        discoveryAddresses = addresses(NodeSetting.DISCOVERY_ADDRESSES);
        discoveryPort = port(NodeSetting.DISCOVERY_PORT);
        communicationPort = port(NodeSetting.COMMUNICATION_PORT);
        thinClientPort = port(NodeSetting.THIN_CLIENT_PORT);
        portRange = integer(NodeSetting.PORT_RANGE, MIN_PORT_RANGE);
        if (portRange < MIN_PORT_RANGE || portRange > MAX_PORT_RANGE) {
            refuse(NodeSetting.PORT_RANGE, PORT_RANGES);
            portRange = MIN_PORT_RANGE;
        }
        // The plugin's settings: parsed here, bounded by SpillwayConfiguration alone (and, at node start, by what
        // the region's pages leave). A value that does not parse leaves the plugin's default, so the plugin does
        // not report it a second time; the two limits, unless a source sets them, stay unset.
        SpillwayConfiguration dflt = new SpillwayConfiguration();
        Double highWaterMark = fraction(NodeSetting.HIGH_WATER_MARK);
        if (highWaterMark != null)
            plugin.setHighWaterMark(highWaterMark);
        Double failoverLimit = fraction(NodeSetting.FAILOVER_LIMIT);
        if (failoverLimit != null)
            plugin.setFailoverLimit(failoverLimit);
        plugin.setRegionMaxSize(size(NodeSetting.REGION_MAX_SIZE, dflt.getRegionMaxSize()))
            .setChunkSize((int)Math.min(Integer.MAX_VALUE, size(NodeSetting.CHUNK_SIZE, dflt.getChunkSize())))
            .setBackups(integer(NodeSetting.BACKUPS, dflt.getBackups()))
            .setRetention(integer(NodeSetting.RETENTION, dflt.getRetention()))
            .setLeaseTimeout(duration(NodeSetting.LEASE_TIMEOUT, dflt.getLeaseTimeout()))
            .setOperationTimeout(duration(NodeSetting.OPERATION_TIMEOUT, dflt.getOperationTimeout()))
            .setScrubRate(integer(NodeSetting.SCRUB_RATE, dflt.getScrubRate()))
            .setMetricsPort(integer(NodeSetting.METRICS_PORT, dflt.getMetricsPort()))
            .setMetricsApplications(integer(NodeSetting.METRICS_APPLICATIONS, dflt.getMetricsApplications()))
            .setPartitions(integer(NodeSetting.PARTITIONS, dflt.getPartitions()))
            .setMetadataRegionSize(size(NodeSetting.METADATA_REGION_SIZE, dflt.getMetadataRegionSize()))
            .setCompression(compression(dflt.getCompression()))
            .setDeduplication(bool(NodeSetting.DEDUPLICATION));
        Double minSaving = fraction(NodeSetting.COMPRESSION_MIN_SAVING);
        if (minSaving != null)
            plugin.setCompressionMinSaving(minSaving);
        for (ConfigurationProblem p : plugin.problems()) {
            NodeSetting s = NodeSetting.byKey(p.property());
            problems.add(new SettingProblem(p.property(), p.value(), s == null ? null : source(s), p.reason(),
                p.allowed()));
        }
        defaultRegionMaxSize = size(NodeSetting.DEFAULT_REGION_MAX_SIZE, SpillwayConfiguration.MIN_REGION_SIZE);
        if (defaultRegionMaxSize < SpillwayConfiguration.MIN_REGION_SIZE) {
            refuse(NodeSetting.DEFAULT_REGION_MAX_SIZE, Values.size(SpillwayConfiguration.MIN_REGION_SIZE)
                + " (Ignite's minimum) or more");
        }
        pageSize = (int)Math.min(Integer.MAX_VALUE, size(NodeSetting.PAGE_SIZE, MAX_PAGE_SIZE));
        if (pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE || Integer.bitCount(pageSize) != 1) {
            refuse(NodeSetting.PAGE_SIZE, PAGE_SIZES);
            pageSize = MAX_PAGE_SIZE;
        }
        String work = values.get(NodeSetting.WORK_DIRECTORY);
        workDirectory = work == null || work.isBlank() ? null : Path.of(work).toAbsolutePath();
        if (workDirectory == null)
            refuse(NodeSetting.WORK_DIRECTORY, "a directory path");
        String security = values.get(NodeSetting.SECURITY_FILE);
        if (security != null && !security.isBlank()) {
            Path file = existingFile(NodeSetting.SECURITY_FILE, "a readable security file");
            if (file != null)
                plugin.setSecurityFile(file.toString());
        }
        sqlConnectors = bool(NodeSetting.SQL_CONNECTORS);
        tlsEnabled = bool(NodeSetting.TLS_ENABLED);
        if (tlsEnabled) {
            tlsKeyStore = existingFile(NodeSetting.TLS_KEY_STORE);
            tlsTrustStore = existingFile(NodeSetting.TLS_TRUST_STORE);
            tlsClientTrustStore = existingFile(NodeSetting.TLS_CLIENT_TRUST_STORE);
            tlsKeyStorePassword = secret(NodeSetting.TLS_KEY_STORE_PASSWORD);
            tlsTrustStorePassword = secret(NodeSetting.TLS_TRUST_STORE_PASSWORD);
            tlsClientTrustStorePassword = secret(NodeSetting.TLS_CLIENT_TRUST_STORE_PASSWORD);
            tlsProtocols = protocols(NodeSetting.TLS_PROTOCOLS);
            if (tlsKeyStore != null && tlsKeyStorePassword.length > 0) {
                try {
                    tlsCertificates = Tls.certificates(tlsKeyStore, tlsKeyStorePassword);
                    problems.addAll(Tls.expired(tlsCertificates, tlsKeyStore, source(NodeSetting.TLS_KEY_STORE)));
                }
                catch (IOException | GeneralSecurityException e) {
                    problems.add(Tls.unreadable(tlsKeyStore, source(NodeSetting.TLS_KEY_STORE), e));
                }
            }
        }
        for (NodeSetting s : NodeSetting.values()) {
            String from = source(s);
            if (s.kind() == NodeSetting.Kind.SECRET && from != null
                && (from.startsWith("option") || from.startsWith("system property"))) {
                problems.add(new SettingProblem(s.key(), "(hidden)", from, "is refused there: every user of this "
                    + "machine can read a process's options and system properties (ps); set " + s.environment()
                    + " or put it in the --config file", "the environment or the properties file"));
            }
        }
    }

    // ---- the resolved settings ----

    /** The node's name and consistent id, or null for Ignite's default. */
    public String nodeName() {
        return nodeName;
    }

    public String host() {
        return host;
    }

    public List<String> discoveryAddresses() {
        return discoveryAddresses;
    }

    public int discoveryPort() {
        return discoveryPort;
    }

    public int communicationPort() {
        return communicationPort;
    }

    public int thinClientPort() {
        return thinClientPort;
    }

    public int portRange() {
        return portRange;
    }

    public int pageSize() {
        return pageSize;
    }

    /** Bytes of Ignite's default data region. */
    public long defaultRegionMaxSize() {
        return defaultRegionMaxSize;
    }

    public Path workDirectory() {
        return workDirectory;
    }

    /** The plugin's configuration (a copy). */
    public SpillwayConfiguration plugin() {
        return plugin.copy();
    }

    /** Whether JDBC and ODBC connect on the thin-client port. */
    public boolean sqlConnectors() {
        return sqlConnectors;
    }

    /**
     * When TLS is on, a line per certificate of the node's key store, with when it expires ({@code CN=n1 expires
     * 2027-03-01T00:00:00Z (in 88 days)}); one that expires within 30 days starts with {@code WARNING}. Empty
     * without TLS.
     */
    public List<String> tlsCertificateReport() {
        Instant now = Instant.now();
        return tlsCertificates.stream().map(e -> e.notAfter().isBefore(now.plus(Tls.EXPIRY_WARNING))
            ? "WARNING: TLS certificate " + e.describe(now) + ": renew it" : "TLS certificate " + e.describe(now))
            .toList();
    }

    /** The TLS versions enabled (when TLS is on). */
    public List<String> tlsProtocols() {
        return tlsProtocols;
    }

    /** The trust store of the authority that signs thin clients' certificates (when TLS is on). */
    public Path tlsClientTrustStore() {
        return tlsClientTrustStore;
    }

    public char[] tlsClientTrustStorePassword() {
        return tlsClientTrustStorePassword;
    }

    public boolean tlsEnabled() {
        return tlsEnabled;
    }

    Path tlsKeyStore() {
        return tlsKeyStore;
    }

    char[] tlsKeyStorePassword() {
        return tlsKeyStorePassword;
    }

    Path tlsTrustStore() {
        return tlsTrustStore;
    }

    char[] tlsTrustStorePassword() {
        return tlsTrustStorePassword;
    }

    /** Where a setting's value came from: "default", the file's name, "environment X" or "option --x". */
    public String source(NodeSetting setting) {
        return sources.getOrDefault(setting, "unset");
    }

    // ---- parsing, every failure recorded ----

    /** Records that {@code s}'s value is not allowed. */
    private void refuse(NodeSetting s, String allowed) {
        String shown = s.kind() == NodeSetting.Kind.SECRET ? "(hidden)" : values.get(s);
        problems.add(new SettingProblem(s.key(), shown, source(s), null, allowed));
    }

    private List<String> addresses(NodeSetting s) {
        String v = values.get(s);
        List<String> list = new ArrayList<>();
        if (v != null) {
            for (String a : v.split(",")) {
                if (!a.isBlank())
                    list.add(a.trim());
            }
        }
        if (list.isEmpty() || !list.stream().allMatch(a -> ADDRESS.matcher(a).matches() && portsOk(a)))
            refuse(s, "a comma-separated list of host, host:port or host:port..port (ports 1-65535)");
        return list;
    }

    private static boolean portsOk(String address) {
        int colon = address.indexOf(':');
        if (colon < 0)
            return true;
        for (String p : address.substring(colon + 1).split("\\.\\.")) {
            int port = Integer.parseInt(p);
            if (port < 1 || port > 65535)
                return false;
        }
        return true;
    }

    private int port(NodeSetting s) {
        int p = integer(s, 0);
        if (p < 1 || p > 65535) {
            if (problems.stream().noneMatch(q -> q.property().equals(s.key())))
                refuse(s, "a port from 1 to 65535");
            return 0;
        }
        return p;
    }

    /** The whole number, or {@code otherwise} after recording a problem. */
    private int integer(NodeSetting s, int otherwise) {
        try {
            return Integer.parseInt(values.get(s));
        }
        catch (NumberFormatException e) {
            refuse(s, "a whole number");
            return otherwise;
        }
    }

    /** The compression named (lz4, zstd, none; any case), or {@code otherwise} after recording a problem. */
    private Compression compression(Compression otherwise) {
        String v = values.get(NodeSetting.COMPRESSION);
        for (Compression c : Compression.values()) {
            if (c.name().equalsIgnoreCase(v == null ? "" : v.trim()))
                return c;
        }
        refuse(NodeSetting.COMPRESSION, "lz4, zstd or none");
        return otherwise;
    }

    /** Bytes, or {@code otherwise} after recording a problem. */
    private long size(NodeSetting s, long otherwise) {
        try {
            return Values.bytes(values.get(s));
        }
        catch (IllegalArgumentException e) {
            refuse(s, e.getMessage());
            return otherwise;
        }
    }

    /** The number, or null when no source sets it or after recording a problem. */
    private Double fraction(NodeSetting s) {
        String v = values.get(s);
        if (v == null)
            return null;
        try {
            return Double.parseDouble(v);
        }
        catch (NumberFormatException e) {
            refuse(s, "a number in " + SpillwayConfiguration.FRACTION_RANGE);
            return null;
        }
    }

    private Duration duration(NodeSetting s, Duration otherwise) {
        try {
            return Values.duration(values.get(s));
        }
        catch (IllegalArgumentException e) {
            refuse(s, e.getMessage());
            return otherwise;
        }
    }

    private boolean bool(NodeSetting s) {
        String v = values.get(s);
        if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v))
            return Boolean.parseBoolean(v);
        refuse(s, "true or false");
        return false;
    }

    private Path existingFile(NodeSetting s) {
        return existingFile(s, "a readable PKCS12 file");
    }

    /** The file setting {@code s} names, absolute; null, with the problem recorded, when it is unset or unreadable. */
    private Path existingFile(NodeSetting s, String allowed) {
        String v = values.get(s);
        if (v == null || v.isBlank()) {
            missing(s, allowed);
            return null;
        }
        Path p = Path.of(v).toAbsolutePath();
        if (!Files.isReadable(p)) {
            refuse(s, allowed + "; " + p + " is not readable");
            return null;
        }
        return p;
    }

    /** The TLS versions setting {@code s} lists, each one this JDK supports and TLSv1.2 or later. */
    private List<String> protocols(NodeSetting s) {
        List<String> allowed = Tls.supportedProtocols();
        List<String> list = new ArrayList<>();
        for (String p : values.get(s).split(",")) {
            if (!allowed.contains(p.trim())) {
                refuse(s, "a comma-separated list of " + String.join(", ", allowed));
                return List.of();
            }
            list.add(p.trim());
        }
        return List.copyOf(list);
    }

    private char[] secret(NodeSetting s) {
        if (values.get(s) == null) {
            missing(s, "the store's password");
            return new char[0];
        }
        return values.get(s).toCharArray();
    }

    /** Records that {@code s}, which TLS needs, is not set. */
    private void missing(NodeSetting s, String allowed) {
        problems.add(new SettingProblem(s.key(), null, null, "is not set: " + NodeSetting.TLS_ENABLED.key()
            + "=true needs it (set " + s.key() + ", " + s.environment() + " or " + s.option() + ")", allowed));
    }
}
