package dev.spillway.config;

import dev.spillway.ConfigurationProblem;
import dev.spillway.SpillwayConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The settings of one Spillway server node, resolved from their sources in order of precedence (a value from a
 * later source wins): the defaults, a properties file, environment variables, command-line options. Checked once:
 * every problem is reported together, naming the property, the value, its source and what is allowed.
 */
public final class NodeSettings {
    private static final Pattern ADDRESS = Pattern.compile("[^\\s:,]+(:\\d{1,5}(\\.\\.\\d{1,5})?)?");

    private final Map<NodeSetting, String> values;
    private final Map<NodeSetting, String> sources;
    private final List<String> problems = new ArrayList<>();

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
    private boolean tlsEnabled;
    private Path tlsKeyStore;
    private char[] tlsKeyStorePassword;
    private Path tlsTrustStore;
    private char[] tlsTrustStorePassword;
    private final SpillwayConfiguration plugin = new SpillwayConfiguration();

    private NodeSettings(Map<NodeSetting, String> values, Map<NodeSetting, String> sources) {
        this.values = values;
        this.sources = sources;
    }

    /**
     * Resolves and checks the settings.
     *
     * @param file a properties file's contents, or null
     * @param fileName the file's name, for messages
     * @param environment environment variables (only {@code SPILLWAY_...} ones are read)
     * @param options values given as command-line options
     * @throws NodeConfigurationException naming every problem
     */
    public static NodeSettings resolve(Properties file, String fileName, Map<String, String> environment,
                                       Map<NodeSetting, String> options) {
        Map<NodeSetting, String> values = new EnumMap<>(NodeSetting.class);
        Map<NodeSetting, String> sources = new EnumMap<>(NodeSetting.class);
        List<String> unknown = new ArrayList<>();
        for (NodeSetting s : NodeSetting.values()) {
            if (s.defaultValue() != null) {
                values.put(s, s.defaultValue());
                sources.put(s, "default");
            }
        }
        if (file != null) {
            for (String key : file.stringPropertyNames()) {
                NodeSetting s = NodeSetting.byKey(key);
                if (s == null) {
                    unknown.add(key + " in " + fileName + " is not a Spillway node setting; known: "
                        + Arrays.stream(NodeSetting.values()).map(NodeSetting::key).toList());
                    continue;
                }
                values.put(s, file.getProperty(key).trim());
                sources.put(s, fileName);
            }
        }
        for (NodeSetting s : NodeSetting.values()) {
            String v = environment.get(s.environment());
            if (v != null) {
                values.put(s, v.trim());
                sources.put(s, "environment " + s.environment());
            }
        }
        options.forEach((s, v) -> {
            values.put(s, v.trim());
            sources.put(s, "option " + s.option());
        });
        NodeSettings settings = new NodeSettings(values, sources);
        settings.problems.addAll(unknown);
        settings.check();
        if (!settings.problems.isEmpty())
            throw new NodeConfigurationException(settings.problems);
        return settings;
    }

    private void check() {
        nodeName = values.get(NodeSetting.NODE_NAME);
        if (nodeName != null && (nodeName.isBlank() || !nodeName.matches("[A-Za-z0-9._:@-]{1,100}"))) {
            problem(NodeSetting.NODE_NAME, "allowed: 1 to 100 letters, digits and . _ : @ -");
            nodeName = null;
        }
        host = values.get(NodeSetting.HOST);
        if (host == null || host.isBlank() || host.contains(" "))
            problem(NodeSetting.HOST, "allowed: a host name or IP address");
        discoveryAddresses = addresses(NodeSetting.DISCOVERY_ADDRESSES);
        discoveryPort = port(NodeSetting.DISCOVERY_PORT);
        communicationPort = port(NodeSetting.COMMUNICATION_PORT);
        thinClientPort = port(NodeSetting.THIN_CLIENT_PORT);
        portRange = count(NodeSetting.PORT_RANGE, 0, 1000);
        plugin.setRegionMaxSize(size(NodeSetting.REGION_MAX_SIZE))
            .setHighWaterMark(fraction(NodeSetting.HIGH_WATER_MARK))
            .setFailoverLimit(fraction(NodeSetting.FAILOVER_LIMIT))
            .setChunkSize((int)Math.min(Integer.MAX_VALUE, size(NodeSetting.CHUNK_SIZE)))
            .setBackups(count(NodeSetting.BACKUPS, 0, 16))
            .setRetention(count(NodeSetting.RETENTION, 1, 1000))
            .setLeaseTimeout(duration(NodeSetting.LEASE_TIMEOUT))
            .setPartitions(count(NodeSetting.PARTITIONS, 1, SpillwayConfiguration.MAX_PARTITIONS))
            .setMetadataRegionSize(size(NodeSetting.METADATA_REGION_SIZE));
        // The plugin's own checks (region minimum, chunk size within the budget, ...) with this file's names.
        for (ConfigurationProblem cp : plugin.problems()) {
            String p = cp.message();
            NodeSetting s = NodeSetting.byKey(cp.property());
            boolean reported = s != null && problems.stream().anyMatch(q -> q.startsWith(s.key() + "="));
            if (!reported)
                problems.add(p + (s == null ? "" : " (from " + sources.get(s) + ")"));
        }
        defaultRegionMaxSize = size(NodeSetting.DEFAULT_REGION_MAX_SIZE);
        if (defaultRegionMaxSize != -1 && defaultRegionMaxSize < SpillwayConfiguration.MIN_REGION_SIZE)
            problem(NodeSetting.DEFAULT_REGION_MAX_SIZE, "allowed: 10MB (Ignite's minimum) or more");
        long page = size(NodeSetting.PAGE_SIZE);
        if (page != -1 && (page < 1024 || page > 16 * 1024 || Long.bitCount(page) != 1))
            problem(NodeSetting.PAGE_SIZE, "allowed: 1KB, 2KB, 4KB, 8KB or 16KB");
        pageSize = (int)Math.max(0, page);
        String work = values.get(NodeSetting.WORK_DIRECTORY);
        workDirectory = work == null || work.isBlank() ? null : Path.of(work).toAbsolutePath();
        if (workDirectory == null)
            problem(NodeSetting.WORK_DIRECTORY, "allowed: a directory path");
        tlsEnabled = bool(NodeSetting.TLS_ENABLED);
        if (tlsEnabled) {
            tlsKeyStore = existingFile(NodeSetting.TLS_KEY_STORE);
            tlsTrustStore = existingFile(NodeSetting.TLS_TRUST_STORE);
            tlsKeyStorePassword = secret(NodeSetting.TLS_KEY_STORE_PASSWORD);
            tlsTrustStorePassword = secret(NodeSetting.TLS_TRUST_STORE_PASSWORD);
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

    private void problem(NodeSetting s, String allowed) {
        String shown = s.kind() == NodeSetting.Kind.SECRET ? "(hidden)" : values.get(s);
        problems.add(s.key() + "=" + shown + " (from " + source(s) + "): " + allowed);
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
            problem(s, "allowed: a comma-separated list of host, host:port or host:port..port (ports 1-65535)");
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
        int p = integer(s);
        if (p != Integer.MIN_VALUE && (p < 1 || p > 65535)) {
            problem(s, "allowed: a port from 1 to 65535");
            return 0;
        }
        return p;
    }

    private int count(NodeSetting s, int min, int max) {
        int n = integer(s);
        if (n != Integer.MIN_VALUE && (n < min || n > max)) {
            problem(s, "allowed: " + min + " to " + max);
            return min;
        }
        return n == Integer.MIN_VALUE ? min : n;
    }

    private int integer(NodeSetting s) {
        try {
            return Integer.parseInt(values.get(s));
        }
        catch (NumberFormatException e) {
            problem(s, "allowed: a whole number");
            return Integer.MIN_VALUE;
        }
    }

    /** Bytes, or -1 after recording a problem. */
    private long size(NodeSetting s) {
        try {
            return Values.bytes(values.get(s));
        }
        catch (IllegalArgumentException e) {
            problem(s, e.getMessage());
            return -1;
        }
    }

    private double fraction(NodeSetting s) {
        try {
            double d = Double.parseDouble(values.get(s));
            if (Double.isFinite(d))
                return d;
        }
        catch (NumberFormatException | NullPointerException e) {
            // reported below
        }
        problem(s, "allowed: a number in (0, 1]");
        return Double.NaN;
    }

    private Duration duration(NodeSetting s) {
        try {
            return Values.duration(values.get(s));
        }
        catch (IllegalArgumentException e) {
            problem(s, e.getMessage());
            return Duration.ZERO;
        }
    }

    private boolean bool(NodeSetting s) {
        String v = values.get(s);
        if ("true".equalsIgnoreCase(v) || "false".equalsIgnoreCase(v))
            return Boolean.parseBoolean(v);
        problem(s, "allowed: true or false");
        return false;
    }

    private Path existingFile(NodeSetting s) {
        String v = values.get(s);
        if (v == null || v.isBlank()) {
            problems.add(s.key() + " is not set: " + NodeSetting.TLS_ENABLED.key() + "=true needs it (set "
                + s.key() + ", " + s.environment() + " or " + s.option() + ")");
            return null;
        }
        Path p = Path.of(v).toAbsolutePath();
        if (!Files.isReadable(p)) {
            problem(s, "allowed: a readable PKCS12 file; " + p + " is not readable");
            return null;
        }
        return p;
    }

    private char[] secret(NodeSetting s) {
        String v = values.get(s);
        if (v == null) {
            problems.add(s.key() + " is not set: " + NodeSetting.TLS_ENABLED.key() + "=true needs it (set "
                + s.key() + ", " + s.environment() + " or " + s.option() + ")");
            return new char[0];
        }
        return v.toCharArray();
    }
}
