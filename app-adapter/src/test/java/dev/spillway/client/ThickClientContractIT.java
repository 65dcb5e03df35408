package dev.spillway.client;

import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import org.apache.ignite.Ignite;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("checkpoint facade contract: a thick client node")
class ThickClientContractIT extends CheckpointStoreContract {
    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.THICK_CLIENT_CONTRACT_IT, CONFIG);

    private static Ignite client;

    @BeforeAll
    static void startClient() {
        client = cluster.startClient("thick");
    }

    @Override
    SpillwayCluster cluster() {
        return cluster;
    }

    @Override
    CheckpointStore store() {
        return Spillway.store(client);
    }

    /** A thick client's checkpoints begin on the server with the most free space: it varies. */
    @Override
    String home() {
        return null;
    }
}
