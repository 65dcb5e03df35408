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
 * communication {@code base + 10 .. +29}, thin clients {@code base + 30 .. +49}), small system and default
 * regions, quiet metrics. The plugin, the work directory and the failure handler are the caller's.
 */
public final class LoopbackNode {
    private LoopbackNode() {
    }

    public static IgniteConfiguration configuration(String name, int basePort, boolean client) {
        TcpDiscoveryVmIpFinder ipFinder = new TcpDiscoveryVmIpFinder();
        ipFinder.setAddresses(List.of("127.0.0.1:" + basePort + ".." + (basePort + 9)));
        TcpDiscoverySpi discovery = new TcpDiscoverySpi()
            .setIpFinder(ipFinder)
            .setLocalAddress("127.0.0.1")
            .setLocalPort(basePort)
            .setLocalPortRange(10);
        TcpCommunicationSpi communication = new TcpCommunicationSpi();
        communication.setLocalAddress("127.0.0.1");
        communication.setLocalPort(basePort + 10);
        communication.setLocalPortRange(20);
        // Ignite's default 32 KB socket buffers are below the loopback MSS (MTU 65536): measured here, a thick
        // client's gets of 256 KB chunks from node processes then stalled about 1.7 s each (TCP window stalls),
        // 28 s per 4 MB restore. 0 leaves the buffers to the OS.
        communication.setSocketReceiveBuffer(0);
        communication.setSocketSendBuffer(0);
        DataStorageConfiguration storage = new DataStorageConfiguration()
            .setSystemDataRegionConfiguration(new SystemDataRegionConfiguration()
                .setInitialSize(10L << 20).setMaxSize(20L << 20))
            .setDefaultDataRegionConfiguration(new DataRegionConfiguration()
                .setName("default").setInitialSize(10L << 20).setMaxSize(40L << 20));
        return new IgniteConfiguration()
            .setIgniteInstanceName(name)
            .setConsistentId(name)
            .setClientMode(client)
            .setDiscoverySpi(discovery)
            .setCommunicationSpi(communication)
            .setClientConnectorConfiguration(new ClientConnectorConfiguration()
                .setHost("127.0.0.1").setPort(basePort + 30).setPortRange(20))
            .setDataStorageConfiguration(storage)
            .setMetricsLogFrequency(0)
            .setPeerClassLoadingEnabled(false)
            .setGridLogger(new Slf4jLogger());
    }
}
