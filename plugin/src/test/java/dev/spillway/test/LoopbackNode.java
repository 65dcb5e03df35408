package dev.spillway.test;

import java.util.List;
import org.apache.ignite.configuration.ClientConnectorConfiguration;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.configuration.SystemDataRegionConfiguration;
import org.apache.ignite.logger.slf4j.Slf4jLogger;
import org.apache.ignite.spi.communication.tcp.TcpCommunicationSpi;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.apache.ignite.spi.discovery.tcp.ipfinder.vm.TcpDiscoveryVmIpFinder;

/**
 * The one node configuration of the tests, in this JVM ({@link SpillwayCluster}) or in a node process
 * ({@link NodeMain}): loopback only, on the ports of a slot of {@link TestPorts} (discovery {@code base .. +9},
 * communication {@code base + 100 .. +109}, thin clients {@code base + 200 .. +209}), 4 KB pages, small system and
 * default regions, quiet metrics. The plugin, the work directory and the failure handler are the caller's.
 *
 * <p>It is what ignite-config's {@code NodeConfigBuilder.create().loopback(base)} builds with a 4 KB page size and
 * a 40 MB default region ({@code LoopbackNodeTest} there compares the two): this fixture cannot call the builder
 * itself, because ignite-config depends on the plugin and Maven refuses a cycle, even through tests.
 */
public final class LoopbackNode {
    private LoopbackNode() {
    }

    public static IgniteConfiguration configuration(String name, int basePort, boolean client) {
        return configuration(name, basePort, client, "127.0.0.1", List.of("127.0.0.1"));
    }

    /**
     * The same configuration on {@code host}, one address of a network the test built (load-tests'
     * {@code NamespaceNetwork}), rather than loopback, with the same ports: discovery looks for the cluster on every address of {@code hosts}.
     */
    public static IgniteConfiguration configuration(String name, int basePort, boolean client, String host,
                                                    List<String> hosts) {
        TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
        ipFinder.setAddresses(hosts.stream().map(h -> h + ":" + basePort + ".." + (basePort + 9)).toList());
        TcpDiscoverySpi discovery = new TcpDiscoverySpi()
            .setIpFinder(ipFinder)
            .setLocalAddress(host)
            .setLocalPort(basePort)
            .setLocalPortRange(10);
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress(host);
        communication.setLocalPort(basePort + 100);
        communication.setLocalPortRange(10);
        // Ignite's default 32 KB socket buffers are below the loopback MSS (MTU 65536): measured here, a thick
        // client's gets of 256 KB chunks from node processes then stalled about 1.7 s each (TCP window stalls),
        // 28 s per 4 MB restore. 0 leaves the buffers to the OS.
        communication.setSocketReceiveBuffer(0);
        communication.setSocketSendBuffer(0);
        // 4 KB pages (Ignite's default): the tests' small regions were measured with them; an empty cache costs 12 MB
        // of a region with 16 KB pages.
        DataStorageConfiguration storage = new DataStorageConfiguration()
            .setPageSize(4 << 10)
            .setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(10L << 20).setMaxSize(20L << 20))
            .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                .setName("default").setInitialSize(16L << 20).setMaxSize(40L << 20));
        return new IgniteConfiguration()
            .setIgniteInstanceName(name)
            .setConsistentId(name)
            .setClientMode(client)
            .setDiscoverySpi(discovery)
            .setCommunicationSpi(communication)
            .setClientConnectorConfiguration(new ClientConnectorConfiguration()
                .setHost(host).setPort(basePort + 200).setPortRange(10))
            .setDataStorageConfiguration(storage)
            .setMetricsLogFrequency(0)
            .setPeerClassLoadingEnabled(false)
            .setGridLogger(new Slf4jLogger());
    }
}
