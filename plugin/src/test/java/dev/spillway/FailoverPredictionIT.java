package dev.spillway;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.capacity.LedgerHost;
import dev.spillway.internal.capacity.Owners;
import dev.spillway.internal.capacity.Peers;
import dev.spillway.internal.placement.FailoverModel;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The failover model against real Ignite: after the loss the model calls the worst and the rebalance that follows,
 * every survivor's region holds what the model predicted.
 */
class FailoverPredictionIT {
    static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(128)
        .setMetadataRegionSize(16L << 20);

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.FAILOVER_PREDICTION_IT, CONFIG);

    @Test
    @DisplayName("the survivors of the worst single loss hold what the model predicted, once rebalanced")
    void predictionMatchesTheRebalance() {
        Map<String, byte[]> states = new HashMap<>();
        for (int a = 0; a < 8; a++) {
            byte[] state = TestData.random(6 << 20, 40 + a);
            Spillway.store(cluster.node(a % 4)).save("failover-" + a, state);
            states.put("failover-" + a, state);
        }
        CheckpointStore store = Spillway.store(cluster.node(0));
        FailoverModel model = failoverModel(cluster.node(0));
        FailoverModel.Loss worst = model.worstLoss();
        WorstLoss reported = store.worstLoss().orElseThrow();
        assertThat(reported.lostNode()).isEqualTo(String.valueOf(cluster.node(indexOf(worst.lost())).cluster()
            .localNode().consistentId()));
        assertThat(reported.headroom()).isEqualTo(worst.headroom()).isPositive();
        assertThat(reported.limit()).isEqualTo((long)((64L << 20) * 0.97));
        assertThat(store.capacity()).allSatisfy(c -> assertThat(c.safeHeadroom())
            .isBetween(0L, c.free()).isGreaterThanOrEqualTo(Math.min(c.free(), reported.headroom())));
        int lost = indexOf(worst.lost());
        if (lost == 0) {
            store = Spillway.store(cluster.node(1));
        }
        Map<String, Long> predicted = new HashMap<>();
        for (int i : cluster.running()) {
            UUID id = cluster.node(i).cluster().localNode().id();
            if (i != lost)
                predicted.put(cluster.name(i), model.predicted(worst.lost(), id));
        }

        cluster.stop(lost);
        cluster.awaitAffinitySettled();
        CheckpointStore survivor = store;
        SpillwayCluster.awaitStableUsage(survivor);

        NodeCapacity worstSurvivor = survivor.capacity().stream().filter(c -> c.node().equals(reported.survivor()))
            .findFirst().orElseThrow();
        assertThat(worstSurvivor.used()).isCloseTo(reported.predictedUsed(),
            org.assertj.core.data.Offset.offset(Math.max(2L << 20, reported.predictedUsed() / 33)));
        for (NodeCapacity c : survivor.capacity()) {
            long expected = predicted.get(c.node());
            System.out.println("failover prediction " + c.node() + " predicted=" + expected + " measured=" + c.used());
            assertThat(c.used()).as("%s after losing %s", c.node(), cluster.name(lost))
                .isBetween(expected - Math.max(2L << 20, expected / 33), expected + Math.max(2L << 20, expected / 33));
        }
        states.forEach((app, state) -> assertThat(survivor.restoreLatest(app)).as(app).isEqualTo(state));
        assertThat(cluster.failures()).isEmpty();
    }

    private static int indexOf(UUID node) {
        for (int i : cluster.running()) {
            if (cluster.node(i).cluster().localNode().id().equals(node))
                return i;
        }
        throw new IllegalStateException("No running node " + node);
    }

    /** The failover model of the cluster now, as node {@code ignite}'s writers assemble it. */
    private static FailoverModel failoverModel(Ignite ignite) {
        return Owners.of(ignite, cluster.config()).failoverModel(Peers.of(ignite, LedgerHost.of(ignite), cluster.config().getOperationTimeout()).ledgers());
    }
}
