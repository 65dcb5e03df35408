package dev.spillway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.spillway.CheckpointInfo;
import dev.spillway.PlacementReport;
import dev.spillway.PlacementReport.NodePlacement;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Chunk bytes go from a thin client straight to the node that stores them: with a byte-counting proxy in front of
 * each server's thin-client port, the bytes each proxy carries match the chunk bytes whose primary is its node.
 */
class ThinClientRoutingIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(48L << 20)
        .setChunkSize(1 << 20)
        .setBackups(0)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20);

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.THIN_CLIENT_ROUTING_IT, CONFIG);

    @Test
    @DisplayName("every chunk put goes straight to its primary node: per-node proxy bytes match the placement")
    void chunksGoStraightToTheirPrimaries() throws IOException {
        List<CountingProxy> proxies = new ArrayList<>();
        Map<String, CountingProxy> byNode = new HashMap<>();
        try {
            for (int i = 0; i < 3; i++) {
                String address = cluster.thinAddress(i);
                CountingProxy p = new CountingProxy(Integer.parseInt(address.substring(address.indexOf(':') + 1)));
                proxies.add(p);
                byNode.put(cluster.name(i), p);
            }
            try (SpillwayClient client = SpillwayClient.connect(new ClientConfiguration()
                .setAddresses(proxies.stream().map(CountingProxy::address).toArray(String[]::new)),
                cluster.name(0))) {
                Map<String, Long> before = counts(byNode);
                // 64 MB: past the home server's 38 MB budget, so a part spills to the two peers.
                byte[] state = TestData.random(64 << 20, 42);
                CheckpointInfo info = client.save("routing", state);
                Map<String, Long> sent = counts(byNode);
                sent.replaceAll((node, n) -> n - before.get(node));

                PlacementReport report = client.placement("routing", info.checkpointId());
                System.out.println("thin-client routing: bytes sent through each node's proxy " + sent
                    + ", primary chunk bytes per node " + report.nodes());
                assertThat(report.spilledChunks()).isPositive();
                for (NodePlacement n : report.nodes()) {
                    // Each proxy carried its node's chunks, plus control calls and protocol framing (< 1 MB).
                    assertThat((double)sent.get(n.node())).as("bytes through %s's proxy", n.node())
                        .isCloseTo((double)n.bytes(), within(1.0 * (1 << 20)));
                }
                assertThat(client.restoreLatest("routing")).isEqualTo(state);
                client.delete("routing", info.checkpointId());
            }
        }
        finally {
            proxies.forEach(CountingProxy::close);
        }
    }

    @Test
    @DisplayName("calls to the checkpoint service go straight to the home server, not through another")
    void controlCallsGoStraightToTheHome() {
        ClientConfiguration thin = new ClientConfiguration()
            .setAddresses(cluster.thinAddress(0), cluster.thinAddress(1), cluster.thinAddress(2));
        for (int i = 0; i < 3; i++) {
            String home = cluster.name(i);
            try (SpillwayClient client = SpillwayClient.connect(thin, home)) {
                // The thin client learns where the service runs, and opens its connections to the other servers,
                // in the background after it connects.
                SpillwayCluster.awaitCondition("5 calls in a row sent to " + home, Duration.ofSeconds(10),
                    () -> IntStream.range(0, 5).allMatch(call -> home.equals(controlCallSentTo(client))));
                List<String> sentTo = new ArrayList<>();
                for (int call = 0; call < 20; call++)
                    sentTo.add(controlCallSentTo(client));
                assertThat(sentTo).as("the servers 20 calls went to, homed on %s", home).containsOnly(home);
            }
        }
    }

    /** The server the connection of a control call's request leads to. */
    private static String controlCallSentTo(SpillwayClient client) {
        SentTo.clear();
        client.list("routing");
        return client.serverName(SentTo.last());
    }

    private static Map<String, Long> counts(Map<String, CountingProxy> byNode) {
        Map<String, Long> counts = new HashMap<>();
        byNode.forEach((node, p) -> counts.put(node, p.sent()));
        return counts;
    }
}
