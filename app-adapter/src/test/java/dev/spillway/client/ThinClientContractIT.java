package dev.spillway.client;

import dev.spillway.CheckpointStore;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("checkpoint facade contract: a thin client")
class ThinClientContractIT extends CheckpointStoreContract {
    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.THIN_CLIENT_CONTRACT_IT, CONFIG);

    private static SpillwayClient client;

    @BeforeAll
    static void connect() {
        client = SpillwayClient.connect(new ClientConfiguration()
            .setAddresses(cluster.thinAddress(2), cluster.thinAddress(0), cluster.thinAddress(1)));
    }

    @AfterAll
    static void close() {
        if (client != null)
            client.close();
    }

    @Override
    SpillwayCluster cluster() {
        return cluster;
    }

    @Override
    CheckpointStore store() {
        return client;
    }

    /** The server at the first configured address. */
    @Override
    String home() {
        return cluster.name(2);
    }
}
