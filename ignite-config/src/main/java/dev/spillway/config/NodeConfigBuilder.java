package dev.spillway.config;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.plugin.SpillwayPluginProvider;
import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.SystemDataRegionConfiguration;
import org.apache.ignite.failure.StopNodeOrHaltFailureHandler;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/**
 * Builds a Spillway server node's {@code IgniteConfiguration}, with the plugin, from presets, a properties file,
 * environment variables, system properties and command-line options, each overriding the one before:
 *
 * <pre>{@code
 * IgniteConfiguration cfg = NodeConfigBuilder.create()
 *     .propertiesFile(Path.of("spillway.properties"))
 *     .environment(System.getenv())
 *     .commandLine(args)
 *     .build();
 * }</pre>
 *
 * Every bad value is refused with a {@link NodeConfigurationException} naming each problem. The settings are
 * listed in {@link NodeSetting}; {@code spillway-node.xml} builds its node with this builder ({@link #fromSystem()}).
 *
 * <p>The failure handler is Ignite's {@code StopNodeOrHaltFailureHandler}, on purpose: a node hit by a critical
 * failure halts its JVM at once (as built it does not try a clean stop first; exit code 130) so its supervisor
 * restarts it and the survivors restore its backups, rather than go on half-working. Spillway's admission keeps
 * every region below its limit, a region overflow included after any single node loss, so the out-of-memory
 * that Ignite treats as critical is never reached.
 */
public final class NodeConfigBuilder {
    /** The system property that names the properties file {@link #fromSystem()} reads. */
    public static final String CONFIG_PROPERTY = "spillway.config";
    /** Ignite's system region on a node: initial and maximum size. */
    private static final long SYSTEM_REGION_INITIAL = 40L << 20;
    private static final long SYSTEM_REGION_MAX = 100L << 20;
    /** The system region of a {@link #loopback(int)} node, for many nodes in one machine or JVM. */
    private static final long SMALL_SYSTEM_REGION_INITIAL = 10L << 20;
    private static final long SMALL_SYSTEM_REGION_MAX = 20L << 20;

    private final Map<NodeSetting, String> preset = new EnumMap<>(NodeSetting.class);
    private final Map<NodeSetting, String> presetNames = new EnumMap<>(NodeSetting.class);
    private Path file;
    private Map<String, String> environment = Map.of();
    private Map<NodeSetting, String> systemProperties = Map.of();
    private final Map<NodeSetting, String> options = new EnumMap<>(NodeSetting.class);
    private boolean smallSystemRegion;

    private NodeConfigBuilder() {
    }

    public static NodeConfigBuilder create() {
        return new NodeConfigBuilder();
    }

    /**
     * The builder {@code spillway-node.xml} uses: the properties file named by the system property
     * {@value #CONFIG_PROPERTY} (a path or a {@code file:} URL; none when unset), then {@code SPILLWAY_...}
     * environment variables, then {@code -Dspillway....} system properties.
     */
    public static NodeConfigBuilder fromSystem() {
        NodeConfigBuilder b = create().environment(System.getenv()).systemProperties(System.getProperties());
        String config = System.getProperty(CONFIG_PROPERTY);
        if (config != null && !config.isBlank())
            b.propertiesFile(config.startsWith("file:") ? Path.of(URI.create(config)) : Path.of(config));
        return b;
    }

    /**
     * A node of a cluster on this machine's loopback, its ports laid out from {@code basePort} as
     * {@link LoopbackPorts} says, with a small system region (10 MB, at most 20 MB) so that several nodes fit one
     * machine or JVM. A preset: every other source overrides it.
     */
    public NodeConfigBuilder loopback(int basePort) {
        LoopbackPorts ports = new LoopbackPorts(basePort);
        String name = "loopback preset " + basePort;
        preset(NodeSetting.HOST, LoopbackPorts.HOST, name);
        preset(NodeSetting.DISCOVERY_ADDRESSES, ports.discoveryAddresses(), name);
        preset(NodeSetting.DISCOVERY_PORT, Integer.toString(ports.discovery()), name);
        preset(NodeSetting.COMMUNICATION_PORT, Integer.toString(ports.communication()), name);
        preset(NodeSetting.THIN_CLIENT_PORT, Integer.toString(ports.thinClient()), name);
        smallSystemRegion = true;
        return this;
    }

    /**
     * The plugin's cluster-wide settings ({@link SpillwayConfiguration#clusterWide()}) from {@code plugin}, as a
     * preset: every other source overrides it. A limit {@code plugin} leaves unset stays unset. Its maintenance
     * interval and clock are not settings; the node uses the defaults.
     */
    public NodeConfigBuilder plugin(SpillwayConfiguration plugin) {
        String name = "plugin preset";
        preset(NodeSetting.REGION_MAX_SIZE, Values.size(plugin.getRegionMaxSize()), name);
        if (plugin.isHighWaterMarkSet())
            preset(NodeSetting.HIGH_WATER_MARK, Double.toString(plugin.getHighWaterMark()), name);
        if (plugin.isFailoverLimitSet())
            preset(NodeSetting.FAILOVER_LIMIT, Double.toString(plugin.getFailoverLimit()), name);
        preset(NodeSetting.CHUNK_SIZE, Values.size(plugin.getChunkSize()), name);
        preset(NodeSetting.BACKUPS, Integer.toString(plugin.getBackups()), name);
        preset(NodeSetting.RETENTION, Integer.toString(plugin.getRetention()), name);
        preset(NodeSetting.LEASE_TIMEOUT, Values.duration(plugin.getLeaseTimeout()), name);
        preset(NodeSetting.OPERATION_TIMEOUT, Values.duration(plugin.getOperationTimeout()), name);
        preset(NodeSetting.SCRUB_RATE, Integer.toString(plugin.getScrubRate()), name);
        preset(NodeSetting.METRICS_PORT, Integer.toString(plugin.getMetricsPort()), name);
        preset(NodeSetting.METRICS_APPLICATIONS, Integer.toString(plugin.getMetricsApplications()), name);
        preset(NodeSetting.PARTITIONS, Integer.toString(plugin.getPartitions()), name);
        preset(NodeSetting.METADATA_REGION_SIZE, Values.size(plugin.getMetadataRegionSize()), name);
        preset(NodeSetting.DEDUPLICATION, Boolean.toString(plugin.isDeduplication()), name);
        preset(NodeSetting.COMPRESSION, plugin.getCompression().name().toLowerCase(java.util.Locale.ROOT), name);
        preset(NodeSetting.COMPRESSION_MIN_SAVING, Double.toString(plugin.getCompressionMinSaving()), name);
        return this;
    }

    private void preset(NodeSetting setting, String value, String name) {
        preset.put(setting, value);
        presetNames.put(setting, name);
    }

    /** Reads settings from a properties file (keys as {@link NodeSetting#key()}), over the presets. */
    public NodeConfigBuilder propertiesFile(Path file) {
        this.file = file;
        return this;
    }

    /** Reads settings from these environment variables ({@link NodeSetting#environment()}), over the file's. */
    public NodeConfigBuilder environment(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        return this;
    }

    /**
     * Reads settings from these system properties (keys as {@link NodeSetting#key()}), over the environment's.
     * Other properties are not read, whatever their names ({@code spillway.config} names the file).
     */
    public NodeConfigBuilder systemProperties(Properties properties) {
        Map<NodeSetting, String> found = new EnumMap<>(NodeSetting.class);
        for (NodeSetting s : NodeSetting.values()) {
            String v = properties.getProperty(s.key());
            if (v != null)
                found.put(s, v);
        }
        this.systemProperties = found;
        return this;
    }

    /**
     * Reads settings from command-line options ({@link NodeSetting#option()}), over the system properties'; a
     * {@code --config FILE} among them names the properties file.
     */
    public NodeConfigBuilder commandLine(String... args) {
        NodeCommandLine.Parsed parsed = NodeCommandLine.parse(args);
        if (parsed.configFile() != null)
            file = parsed.configFile();
        options.putAll(parsed.options());
        return this;
    }

    /** Sets one setting as a command-line option would. */
    public NodeConfigBuilder set(NodeSetting setting, String value) {
        options.put(setting, value);
        return this;
    }

    /** The resolved, checked settings. */
    public NodeSettings settings() {
        List<SettingProblem> early = new ArrayList<>();
        List<NodeSettings.Source> sources = new ArrayList<>();
        sources.add(new NodeSettings.Source(preset, presetNames::get));
        if (file != null)
            sources.add(NodeSettings.Source.of(read(file, early), file.toString()));
        Map<NodeSetting, String> env = new EnumMap<>(NodeSetting.class);
        for (NodeSetting s : NodeSetting.values()) {
            if (environment.containsKey(s.environment()))
                env.put(s, environment.get(s.environment()));
        }
        sources.add(new NodeSettings.Source(env, s -> "environment " + s.environment()));
        sources.add(new NodeSettings.Source(systemProperties, s -> "system property " + s.key()));
        sources.add(new NodeSettings.Source(options, s -> "option " + s.option()));
        return NodeSettings.resolve(sources, early);
    }

    /** The settings in a properties file; a key that names no setting, or a file that cannot be read, is a problem. */
    private Map<NodeSetting, String> read(Path file, List<SettingProblem> problems) {
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        catch (IOException e) {
            problems.add(new SettingProblem("properties file " + file, null, null, "cannot be read: " + e,
                "a readable properties file"));
            return Map.of();
        }
        Map<NodeSetting, String> values = new EnumMap<>(NodeSetting.class);
        List<String> known = Arrays.stream(NodeSetting.values()).map(NodeSetting::key).toList();
        for (String key : props.stringPropertyNames()) {
            NodeSetting s = NodeSetting.byKey(key);
            if (s == null)
                problems.add(new SettingProblem(key, null, file.toString(), "is not a Spillway node setting; known: "
                    + known, "one of " + known));
            else
                values.put(s, props.getProperty(key));
        }
        return values;
    }

    /** The node's configuration. */
    public IgniteConfiguration build() {
        return configuration(settings(), smallSystemRegion);
    }

    /** The configuration of a node with these settings. */
    public static IgniteConfiguration configuration(NodeSettings s) {
        return configuration(s, false);
    }

    private static IgniteConfiguration configuration(NodeSettings s, boolean smallSystemRegion) {
        TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
        ipFinder.setAddresses(s.discoveryAddresses());
        TcpDiscoverySpi discovery = new TcpDiscoverySpi()
            .setIpFinder(ipFinder)
            .setLocalAddress(s.host())
            .setLocalPort(s.discoveryPort())
            .setLocalPortRange(s.portRange());
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress(s.host());
        communication.setLocalPort(s.communicationPort());
        communication.setLocalPortRange(s.portRange());
        // Ignite's 32 KB default socket buffers stalled large transfers on loopback here (TCP window stalls of
        // about 1.7 s per 256 KB response); 0 leaves the buffers to the operating system.
        communication.setSocketReceiveBuffer(0);
        communication.setSocketSendBuffer(0);
        ClientConnectorConfiguration thin = new ClientConnectorConfiguration()
            .setHost(s.host())
            .setPort(s.thinClientPort())
            .setPortRange(s.portRange())
            .setJdbcEnabled(s.sqlConnectors())
            .setOdbcEnabled(s.sqlConnectors());
        DataStorageConfiguration storage = new DataStorageConfiguration()
            .setPageSize(s.pageSize())
            .setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(smallSystemRegion ? SMALL_SYSTEM_REGION_INITIAL : SYSTEM_REGION_INITIAL)
                .setMaxSize(smallSystemRegion ? SMALL_SYSTEM_REGION_MAX : SYSTEM_REGION_MAX))
            .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                .setName("default").setInitialSize(Math.min(16L << 20, s.defaultRegionMaxSize()))
                .setMaxSize(s.defaultRegionMaxSize()));
        IgniteConfiguration cfg = new IgniteConfiguration()
            .setIgniteInstanceName(s.nodeName())
            .setConsistentId(s.nodeName())
            .setDiscoverySpi(discovery)
            .setCommunicationSpi(communication)
            .setClientConnectorConfiguration(thin)
            .setDataStorageConfiguration(storage)
            .setWorkDirectory(s.workDirectory().toString())
            .setFailureHandler(new StopNodeOrHaltFailureHandler())
            .setGridLogger(new Slf4jLogger())
            .setMetricsLogFrequency(0)
            .setPeerClassLoadingEnabled(false)
            .setPluginProviders(new SpillwayPluginProvider(s.plugin()));
        if (s.tlsEnabled())
            Tls.apply(cfg, s);
        return cfg;
    }
}
