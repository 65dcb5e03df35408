package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.capacity.Owners;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.Layout;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The owners admission plans with are the owners Ignite uses now (issue 13, item 2). A join changes the major
 * topology version at once, but the partitions move to the newcomer only when its rebalance ends (late affinity
 * assignment, a minor version): owners cached by the major version stay the old ones.
 */
class OwnersFollowAffinityIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20);

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.OWNERS_FOLLOW_AFFINITY_IT, CONFIG);

    @Test
    @DisplayName("after a join and its rebalance, the planner's owners equal the chunk cache's affinity")
    void ownersAfterAJoin() {
        cluster.stop(3);
        cluster.awaitAffinitySettled();
        Ignite writer = cluster.node(0);
        for (int i = 0; i < 6; i++)
            Spillway.store(writer).save("owners-" + i, TestData.random(4 << 20, i));
        Owners owners = Owners.of(writer, CONFIG);
        assertSameAsAffinity(owners.now(), writer);

        cluster.start(3);
        // Planned right after the join, before the newcomer's rebalance ends: the owners are still the old ones.
        owners.now();
        cluster.awaitAffinitySettled();
        assertSameAsAffinity(owners.now(), writer);
    }

    private static void assertSameAsAffinity(Topology topology, Ignite ignite) {
        Affinity<Object> affinity = ignite.affinity(Layout.CHUNK_CACHE);
        for (int p = 0; p < affinity.partitions(); p++) {
            List<UUID> now = affinity.mapPartitionToPrimaryAndBackups(p).stream().map(ClusterNode::id).toList();
            assertThat(Arrays.asList(topology.owners()[p])).as("owners of partition %d", p).isEqualTo(now);
        }
    }
}
