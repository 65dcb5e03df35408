package dev.spillway.client;

import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("checkpoint facade contract: embedded in a server node")
class EmbeddedContractIT extends CheckpointStoreContract {
    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.EMBEDDED_CONTRACT_IT, CONFIG);

    @Override
    SpillwayCluster cluster() {
        return cluster;
    }

    @Override
    CheckpointStore store() {
        return Spillway.store(cluster.node(0));
    }

    @Override
    String home() {
        return cluster.name(0);
    }
}
