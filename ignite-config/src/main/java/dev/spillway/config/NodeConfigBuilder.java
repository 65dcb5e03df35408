package dev.spillway.config;

import dev.spillway.plugin.SpillwayPluginProvider;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Builds a Spillway server node's {@code IgniteConfiguration}, with the plugin, from a properties file,
 * environment variables and command-line options, each overriding the one before:
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
 * listed in {@link NodeSetting}; {@code spillway-node.xml} is the same configuration as Spring XML.
 *
 * <p>The failure handler is Ignite's {@code StopNodeOrHaltFailureHandler}, on purpose: a node hit by a critical
 * failure halts its JVM at once (as built it does not try a clean stop first; exit code 130) so its supervisor
 * restarts it and the survivors restore its backups, rather than go on half-working. Spillway's admission keeps
 * every region below its limit, a region overflow included after any single node loss, so the out-of-memory
 * that Ignite treats as critical is never reached.
 */
public final class NodeConfigBuilder {
    private Path file;
    private Map<String, String> environment = Map.of();
    private final Map<NodeSetting, String> options = new EnumMap<>(NodeSetting.class);

    private NodeConfigBuilder() {
    }

    public static NodeConfigBuilder create() {
        return new NodeConfigBuilder();
    }

    /** Reads settings from a properties file (keys as {@link NodeSetting#key()}). */
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
     * Reads settings from command-line options ({@link NodeSetting#option()}), over the environment's; a
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
        Properties props = null;
        if (file != null) {
            props = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(in);
            }
            catch (IOException e) {
                throw new NodeConfigurationException(List.of("properties file " + file + " cannot be read: " + e));
            }
        }
        return NodeSettings.resolve(props, file == null ? null : file.toString(), environment, options);
    }

    /** The node's configuration. */
    public IgniteConfiguration build() {
        return configuration(settings());
    }

    /** The configuration of a node with these settings. */
    public static IgniteConfiguration configuration(NodeSettings s) {
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
            .setPortRange(s.portRange());
        DataStorageConfiguration storage = new DataStorageConfiguration()
            .setPageSize(s.pageSize())
            .setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(40L << 20).setMaxSize(100L << 20))
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
