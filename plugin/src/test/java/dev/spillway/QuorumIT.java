package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.internal.capacity.LedgerHost;
import dev.spillway.internal.capacity.Peers;
import dev.spillway.internal.service.ServiceHost;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.ChunkAbsence;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Split-brain protection (issue 14, item 3) on nodes in one JVM: a side without a strict majority of the servers
 * the cluster expects refuses saves and deletes with {@link NoQuorumException} and still restores; servers stopped
 * on purpose are no longer expected, servers that failed still are. The network partitions themselves are cut in
 * {@code PartitionIT}, with node processes in network namespaces.
 */
class QuorumIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(64 << 10)
        .setBackups(1)
        .setRetention(10)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.QUORUM_IT, CONFIG);

    @Test
    @DisplayName("stopped servers are not expected, failed ones are: 1 of 3 refuses saves and deletes, restores; "
        + "saves resume when they return")
    void minorityRefusesWrites() {
        byte[] first = TestData.random(1 << 20, 1);
        CheckpointInfo kept = Spillway.store(cluster.node(0)).save("quorum", first);

        // Stopped on purpose: 3 of the 3 servers expected.
        cluster.stop(3);
        cluster.awaitAffinitySettled();
        Spillway.store(cluster.node(0)).save("quorum", TestData.random(1 << 20, 2));
        // Messages name a server that left by the name it had: this node saw it in the ledgers.
        Peers peers = Peers.of(cluster.node(0), LedgerHost.of(cluster.node(0)), CONFIG.getOperationTimeout());
        peers.ledgers();
        UUID failed = cluster.node(2).cluster().localNode().id();
        // One failure: 2 of 3 is still a majority.
        cluster.fail(2);
        assertThat(peers.name(failed)).isEqualTo(cluster.name(2) + " (left the cluster)");
        // Node 0 and node 1 now hold a copy of everything: node 0 alone still has every checkpoint.
        cluster.awaitAffinitySettled();
        CheckpointInfo latest = Spillway.store(cluster.node(0)).save("quorum", TestData.random(1 << 20, 3));
        // A refusal while a failed server is missing names it: the room it held is gone until it rejoins.
        assertThatThrownBy(() -> Spillway.store(cluster.node(0)).begin("quorum", 100L << 20))
            .isInstanceOf(CapacityExhaustedException.class)
            .hasMessageContaining("the cluster lost server(s) [" + cluster.name(2) + "]");
        // A reader that found a chunk missing asks why: on a settled majority side, no copy was missed.
        CheckpointEngine engine = ServiceHost.of(cluster.node(0)).engine();
        assertThat(engine.absence("quorum", latest.checkpointId())).isEqualTo(ChunkAbsence.SETTLED);
        assertThat(engine.absence("quorum", latest.checkpointId() + 1000)).isEqualTo(ChunkAbsence.REMOVED);
        // Another: 1 of 3 may be the smaller side of a partition.
        cluster.fail(1);
        CheckpointStore alone = Spillway.store(cluster.node(0));
        assertThatThrownBy(() -> alone.save("quorum", TestData.random(1 << 20, 4)))
            .isInstanceOfSatisfying(NoQuorumException.class, e -> {
                assertThat(e.visibleServers()).containsExactly(cluster.name(0));
                assertThat(e.expectedServers()).containsExactly(cluster.name(0), cluster.name(1), cluster.name(2));
            })
            .hasMessageContaining("Saving quorum refused by split-brain protection: this side of the cluster has 1 "
                + "of the 3 Spillway servers expected");
        assertThatThrownBy(() -> alone.delete("quorum", kept.checkpointId()))
            .isInstanceOf(NoQuorumException.class);
        assertThat(alone.list("quorum")).extracting(CheckpointInfo::checkpointId).last()
            .isEqualTo(latest.checkpointId());
        assertThat(alone.restore("quorum", kept.checkpointId())).isEqualTo(first);
        // A chunk missing from a read here may be on the other side: the reader is told so.
        assertThatThrownBy(() -> engine.absence("quorum", kept.checkpointId()))
            .isInstanceOf(NoQuorumException.class)
            .hasMessageContaining("Reading quorum/" + kept.checkpointId() + ", a chunk of which no server on this "
                + "side returned, refused by split-brain protection");
        // Below Spillway's own checks, Ignite refuses any change to Spillway's caches on this side.
        assertThatThrownBy(() -> cluster.node(0).cache(Layout.CATALOG_CACHE).put("quorum-probe", "x"))
            .hasMessageContaining("cache topology is not valid");

        // The failed servers come back under their names: 3 of 3, saves resume.
        cluster.start(1);
        cluster.start(2);
        cluster.awaitAffinitySettled();
        CheckpointInfo after = Spillway.store(cluster.node(0)).save("quorum", TestData.random(1 << 20, 5));
        assertThat(after.checkpointId()).isGreaterThan(latest.checkpointId());
        cluster.start(3);
        cluster.awaitAffinitySettled();
    }
}
