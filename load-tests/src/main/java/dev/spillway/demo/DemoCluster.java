package dev.spillway.demo;

import dev.spillway.SpillwayConfiguration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.SystemDataRegionConfiguration;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.StopNodeFailureHandler;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/**
 * The demo's embedded cluster: server nodes {@code demo-0 ..} in this JVM, on loopback ports of their own
 * (discovery 48500-48509, communication 48600-, thin clients 48700-), each with the Spillway plugin (found by
 * {@code ServiceLoader}) and the extra regions it is given. A critical failure of any node (an Ignite out-of-memory
 * among them) stops that node and is recorded, instead of halting the JVM.
 */
final class DemoCluster implements AutoCloseable {
    static final String NAME_PREFIX = "demo-";
    static final int DISCOVERY_PORT = 48500;
    static final int COMMUNICATION_PORT = 48600;
    static final int CLIENT_PORT = 48700;
    static final long MB = 1L << 20;

    private final Path workDir;
    private final SpillwayConfiguration plugin;
    private final Map<String, Long> regions;
    private final List<String> failures = new CopyOnWriteArrayList<>();

    /**
     * @param workDir absolute directory holding one work directory per node
     * @param regions extra data regions (persistence off, allocated when a cache first uses them): name to size
     */
    DemoCluster(Path workDir, SpillwayConfiguration plugin, Map<String, Long> regions) {
        this.workDir = workDir;
        this.plugin = plugin;
        this.regions = regions;
    }

    /** Starts {@code nodes} server nodes, one after the other; node 0 first. */
    void start(int nodes) throws IOException {
        for (int i = 0; i < nodes; i++) {
            deleteRecursively(workDir.resolve(name(i)));
            Ignition.start(configuration(name(i)));
        }
    }

    static String name(int i) {
        return NAME_PREFIX + i;
    }

    Ignite node(int i) {
        return Ignition.ignite(name(i));
    }

    /** Stops a node at once, cancelling its jobs (no graceful hand-off). */
    void stop(String name) {
        Ignition.stop(name, true);
    }

    /** Critical failures recorded so far, one line each. */
    List<String> failures() {
        return failures;
    }

    @Override
    public void close() {
        Ignition.stopAll(true);
    }

    // setPluginConfigurations is deprecated in 2.17 without a replacement for giving a ServiceLoader-found plugin
    // its configuration; it is what SpillwayPluginProvider reads.
    @SuppressWarnings("deprecation")
    private IgniteConfiguration configuration(String name) {
        return new IgniteConfiguration()
            .setIgniteInstanceName(name)
            .setConsistentId(name)
            .setDiscoverySpi(discovery())
            .setCommunicationSpi(communication())
            .setClientConnectorConfiguration(new ClientConnectorConfiguration()
                .setHost("127.0.0.1").setPort(CLIENT_PORT).setPortRange(50))
            .setDataStorageConfiguration(storage())
            .setWorkDirectory(workDir.resolve(name).toString())
            .setMetricsLogFrequency(0)
            .setPeerClassLoadingEnabled(false)
            .setGridLogger(new Slf4jLogger())
            .setFailureHandler(new StopNodeFailureHandler() {
                @Override
                public boolean handle(Ignite ignite, FailureContext ctx) {
                    failures.add(ignite.name() + ": " + ctx);
                    return super.handle(ignite, ctx);
                }
            })
            .setPluginConfigurations(plugin.copy());
    }

    private static TcpDiscoverySpi discovery() {
        TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
        ipFinder.setAddresses(List.of("127.0.0.1:" + DISCOVERY_PORT + ".." + (DISCOVERY_PORT + 9)));
        return new TcpDiscoverySpi()
            .setIpFinder(ipFinder)
            .setLocalAddress("127.0.0.1")
            .setLocalPort(DISCOVERY_PORT)
            .setLocalPortRange(10);
    }

    private static TcpCommunicationSpi communication() {
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress("127.0.0.1");
        communication.setLocalPort(COMMUNICATION_PORT);
        communication.setLocalPortRange(50);
        // The OS's socket buffers, not Ignite's 32 KB: with those, loopback transfers of large values stalled on
        // TCP windows (see the README's Ignite facts).
        communication.setSocketReceiveBuffer(0);
        communication.setSocketSendBuffer(0);
        return communication;
    }

    private DataStorageConfiguration storage() {
        DataRegionConfiguration[] extra = regions.entrySet().stream()
            .map(r -> new DataRegionConfiguration().setName(r.getKey())
                .setInitialSize(r.getValue()).setMaxSize(r.getValue()).setPersistenceEnabled(false))
            .toArray(DataRegionConfiguration[]::new);
        return new DataStorageConfiguration()
            .setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(10 * MB).setMaxSize(20 * MB))
            .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                .setName("default").setInitialSize(10 * MB).setMaxSize(64 * MB))
            .setDataRegionConfigurations(extra);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir))
            return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList())
                Files.delete(p);
        }
    }
}
