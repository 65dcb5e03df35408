package dev.spillway.test;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.plugin.SpillwayPluginProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataPageEvictionMode;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.SystemDataRegionConfiguration;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/**
 * One Ignite server node with the Spillway plugin in its own JVM, for {@link ProcessCluster}. Options:
 * {@code --name}, {@code --base-port}, {@code --region-mb}, {@code --backups}, {@code --partitions},
 * {@code --chunk-kb}, {@code --work-dir}, and optionally {@code --plain-region-mb} (adds a data region named
 * {@value #PLAIN_REGION}, persistence off, for caches that bypass Spillway).
 *
 * <p>The node keeps Ignite's default failure handler ({@code StopNodeOrHaltFailureHandler}): a region that
 * overflows halts the JVM with exit code 130, which is what a node-loss test must be able to see. Once joined it
 * prints {@code JOINED <name> <servers-in-topology>} to stdout, then waits until it is killed. Should the node stop
 * by itself (segmentation, say), the JVM exits with {@value #EXIT_NODE_STOPPED} so the process never outlives it.
 */
public final class NodeMain {
    /** Name of the optional plain data region. */
    public static final String PLAIN_REGION = "plain";
    /** Size of the Spillway metadata region on every node of a process cluster. */
    public static final long METADATA_REGION_SIZE = 16L << 20;
    /** Exit code of a process whose node stopped without being killed. */
    public static final int EXIT_NODE_STOPPED = 3;

    private NodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("IGNITE_QUIET", "true");
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        Map<String, String> opts = options(args);
        String name = required(opts, "name");
        int basePort = Integer.parseInt(required(opts, "base-port"));
        SpillwayConfiguration config = pluginConfiguration(Integer.parseInt(required(opts, "region-mb")),
            Integer.parseInt(required(opts, "chunk-kb")), Integer.parseInt(required(opts, "backups")),
            Integer.parseInt(required(opts, "partitions")));
        long plainRegionMb = Long.parseLong(opts.getOrDefault("plain-region-mb", "0"));

        IgniteConfiguration cfg = configuration(name, basePort, false, config)
            .setWorkDirectory(Path.of(required(opts, "work-dir")).toAbsolutePath().toString())
            .setClientConnectorConfiguration(new ClientConnectorConfiguration()
                .setHost("127.0.0.1").setPort(basePort + 200).setPortRange(50));
        if (plainRegionMb > 0) {
            cfg.getDataStorageConfiguration().setDataRegionConfigurations(new DataRegionConfiguration()
                .setName(PLAIN_REGION)
                .setInitialSize(plainRegionMb << 20)
                .setMaxSize(plainRegionMb << 20)
                .setPersistenceEnabled(false)
                .setPageEvictionMode(DataPageEvictionMode.DISABLED));
        }
        Ignite ignite = Ignition.start(cfg);
        System.out.println("JOINED " + name + " " + ignite.cluster().forServers().nodes().size());
        System.out.flush();
        while (Ignition.state(name) == IgniteState.STARTED)
            Thread.sleep(200);
        System.out.println("STOPPED " + name + " " + Ignition.state(name));
        System.out.flush();
        Runtime.getRuntime().halt(EXIT_NODE_STOPPED);
    }

    /** The plugin configuration of every node of a process cluster, the test's thick client included. */
    public static SpillwayConfiguration pluginConfiguration(int regionMb, int chunkKb, int backups, int partitions) {
        return new SpillwayConfiguration()
            .setRegionMaxSize((long)regionMb << 20)
            .setChunkSize(chunkKb << 10)
            .setBackups(backups)
            .setPartitions(partitions)
            .setRetention(1)
            .setMetadataRegionSize(METADATA_REGION_SIZE);
    }

    /**
     * A node configuration on the loopback ports of {@code basePort}: discovery {@code basePort .. +9},
     * communication {@code basePort + 100 .. +149}. Thin-client connector and work directory are left to the caller;
     * the failure handler is Ignite's default.
     */
    public static IgniteConfiguration configuration(String name, int basePort, boolean client,
                                                    SpillwayConfiguration config) {
        TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
        ipFinder.setAddresses(List.of("127.0.0.1:" + basePort + ".." + (basePort + 9)));
        TcpDiscoverySpi discovery = new TcpDiscoverySpi()
            .setIpFinder(ipFinder)
            .setLocalAddress("127.0.0.1")
            .setLocalPort(basePort)
            .setLocalPortRange(10);
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress("127.0.0.1");
        communication.setLocalPort(basePort + 100);
        communication.setLocalPortRange(50);
        // Ignite's default 32 KB socket buffers are below the loopback MSS (MTU 65536): measured here, the thick
        // client's gets of 256 KB chunks then stalled about 1.7 s each (TCP window stalls), 28 s per 4 MB restore.
        // 0 leaves the buffers to the OS.
        communication.setSocketReceiveBuffer(0);
        communication.setSocketSendBuffer(0);
        DataStorageConfiguration storage = new DataStorageConfiguration()
            .setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(10L << 20).setMaxSize(20L << 20))
            .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                .setName("default").setInitialSize(10L << 20).setMaxSize(20L << 20));
        return new IgniteConfiguration()
            .setIgniteInstanceName(name)
            .setConsistentId(name)
            .setClientMode(client)
            .setDiscoverySpi(discovery)
            .setCommunicationSpi(communication)
            .setDataStorageConfiguration(storage)
            .setMetricsLogFrequency(0)
            .setPeerClassLoadingEnabled(false)
            .setGridLogger(new Slf4jLogger())
            .setPluginProviders(new SpillwayPluginProvider(config.copy()));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String key = rest.remove(0);
            if (!key.startsWith("--") || rest.isEmpty())
                throw new IllegalArgumentException("Expected --option value, got: " + key);
            opts.put(key.substring(2), rest.remove(0));
        }
        return opts;
    }

    private static String required(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null)
            throw new IllegalArgumentException("Missing option --" + key);
        return v;
    }
}
