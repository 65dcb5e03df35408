package dev.spillway;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A peer that granted space lost while chunks are written to it (issue 14, item 2). Without backups, so that the
 * loss takes chunks with it: a save larger than the origin's room spills onto its peers on their leases, and one of
 * those peers stops after some spilled chunks have landed on it. The save must then fail with a Spillway exception
 * and never become visible (it cannot commit without every chunk); a save that lost no chunk may commit, and then
 * restores byte-equal. Every lease is released either way.
 */
class SpillingPeerLossIT {
    private static final int MB = 1 << 20;
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(48L * MB)
        .setHighWaterMark(0.8)
        .setChunkSize(256 << 10)
        .setBackups(0)
        .setRetention(2)
        .setPartitions(64)
        .setMetadataRegionSize(16L * MB)
        .setMaintenanceInterval(Duration.ofMillis(200));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.SPILLING_PEER_LOSS_IT, CONFIG);

    @Test
    @DisplayName("a peer holding spilled chunks of a save stops mid-save: the save fails, is never visible, no lease left")
    void grantingPeerLost() {
        CheckpointStore origin = Spillway.store(cluster.node(0));
        String here = cluster.name(0);
        long free = origin.capacity().stream().filter(c -> c.node().equals(here)).findFirst().orElseThrow().free();
        int spill = 16 * MB;
        byte[] state = TestData.random((int)free + spill, 32);
        int before = (int)free + spill / 2;

        CheckpointWriter writer = origin.begin("spilling", state.length);
        writer.write(state, 0, before);
        long id = writer.checkpointId();
        String peer = origin.capacity().stream()
            .filter(c -> !c.node().equals(here) && c.leases() > 0 && holds(c.node(), id))
            .map(NodeCapacity::node).findFirst().orElseThrow(() -> new AssertionError(
                "no peer holds a spilled chunk yet: " + origin.capacity()));
        cluster.stop(cluster.indexes().stream().filter(i -> cluster.name(i).equals(peer)).findFirst().orElseThrow());

        SpillwayException failed = null;
        try {
            writer.write(state, before, state.length - before);
            writer.commit();
        }
        catch (SpillwayException e) {
            failed = e;
        }
        finally {
            writer.close();
        }
        assertThat(failed).as("a save that lost chunks with its peer").isNotNull();
        CheckpointStore survivor = Spillway.store(cluster.node(cluster.running().stream().filter(i -> i != 0)
            .findFirst().orElseThrow()));
        assertThat(survivor.list("spilling")).as("a failed save is never visible").isEmpty();
        awaitCondition("every lease released", Duration.ofSeconds(30),
            () -> survivor.capacity().stream().allMatch(c -> c.leases() == 0 && c.reserved() == 0));
        System.out.println("SpillingPeerLossIT: the save failed with: " + failed);

        // The survivors take saves again.
        byte[] next = TestData.random(4 * MB, 33);
        CheckpointInfo saved = origin.save("spilling", next);
        assertThat(Arrays.equals(survivor.restore("spilling", saved.checkpointId()), next)).isTrue();
    }

    /** Whether node {@code name} is the primary of a stored chunk of checkpoint {@code id}. */
    private static boolean holds(String name, long id) {
        var affinity = cluster.node(0).affinity(Layout.CHUNK_CACHE);
        return TestData.chunkKeys(cluster.node(0), "spilling", id).stream()
            .anyMatch(k -> String.valueOf(affinity.mapKeyToNode(k).consistentId()).equals(name));
    }
}
