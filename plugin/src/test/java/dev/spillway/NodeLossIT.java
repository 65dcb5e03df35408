package dev.spillway;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.wire.Layout;
import dev.spillway.wire.ChunkKey;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.ignite.Ignite;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Nodes that stop without a hand-off: with one backup nothing committed is lost, and partial writes vanish. */
class NodeLossIT {
    static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setRetention(2)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setMaintenanceInterval(Duration.ofMillis(200));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.NODE_LOSS_IT, CONFIG);

    private static CheckpointStore store(int node) {
        return Spillway.store(cluster.node(node));
    }

    /** Brings stopped nodes back, so every test starts on three nodes. */
    @AfterEach
    void restart() {
        for (int i = 0; i < cluster.size(); i++) {
            if (!cluster.isRunning(i))
                cluster.start(i);
        }
        cluster.awaitAffinitySettled();
        assertThat(cluster.failures()).isEmpty();
    }

    @Test
    @DisplayName("Node loss: with backups = 1, stopping the node holding the primaries loses nothing")
    void nodeLoss() {
        String app = "node-loss";
        byte[] state = TestData.random(16 << 20, 21);
        CheckpointInfo info = store(0).save(app, state);
        UUID origin = cluster.node(0).cluster().localNode().id();
        List<ChunkKey> keys = TestData.chunkKeys(cluster.node(1), app, info.checkpointId());
        assertThat(keys).hasSize(64)
            .allSatisfy(k -> assertThat(cluster.node(1).affinity(Layout.CHUNK_CACHE).mapKeyToNode(k).id())
                .isEqualTo(origin));

        cluster.stop(0);

        assertThat(store(1).restoreLatest(app)).isEqualTo(state);
        assertThat(store(2).restore(app, info.checkpointId())).isEqualTo(state);
        assertThat(cluster.running()).containsExactly(1, 2);
        // After the loss, new checkpoints keep working on the survivors.
        byte[] next = TestData.random(4 << 20, 22);
        store(2).save(app, next);
        assertThat(store(1).restoreLatest(app)).isEqualTo(next);
        // Room for the tests that follow, which lose a node too: left here, these 20 MB (twice) would fill the two
        // survivors of the next loss past what a 12 MB save needs.
        store(1).list(app).forEach(i -> store(1).delete(app, i.checkpointId()));
    }

    @Test
    @DisplayName("A node lost mid-restore: the reader goes on from the backups and returns every byte right")
    void nodeLostMidRestore() throws IOException {
        String app = "mid-restore";
        byte[] state = TestData.random(16 << 20, 26);
        store(0).save(app, state);
        byte[] restored = new byte[state.length];
        int read;
        try (CheckpointReader reader = store(1).openLatest(app)) {
            read = reader.readNBytes(restored, 0, 3 << 20);
            // Node 0 holds every primary copy (locality): the rest, and the reads in flight, go to the backups.
            cluster.stop(0);
            read += reader.readNBytes(restored, read, state.length - read);
            assertThat(reader.read()).isEqualTo(-1);
        }
        assertThat(read).isEqualTo(state.length);
        assertThat(Arrays.equals(restored, state)).as("the restored bytes").isTrue();
        // Room for the tests that follow, which lose a node too.
        store(1).list(app).forEach(i -> store(1).delete(app, i.checkpointId()));
    }

    @Test
    @DisplayName("A peer leaving mid-stream: the writer plans the rest again, commits, and nothing is lost")
    void peerLeavesMidStream() {
        String app = "peer-leaves";
        byte[] state = TestData.random(12 << 20, 25);
        try (CheckpointWriter writer = store(0).begin(app)) {
            writer.write(state, 0, 5 << 20);
            cluster.stop(2);
            writer.write(state, 5 << 20, state.length - (5 << 20));
            writer.commit();
        }
        assertThat(store(1).restoreLatest(app)).isEqualTo(state);
        assertThat(store(0).capacity()).hasSize(2);
        awaitCondition("every lease released after the commit", Duration.ofSeconds(10),
            () -> store(0).capacity().stream().allMatch(c -> c.leases() == 0));
    }

    @Test
    @DisplayName("Crash: a writer node stopped mid-stream leaves the previous checkpoint latest and no partial chunks")
    void writerNodeStoppedMidStream() {
        String app = "crash";
        byte[] previous = TestData.random(2 << 20, 23);
        CheckpointInfo kept = store(2).save(app, previous);
        CheckpointWriter writer = store(2).begin(app);
        writer.write(TestData.random(6 << 20, 24));
        long crashed = writer.checkpointId();
        Ignite survivor = cluster.node(0);
        awaitCondition("partial chunks stored", Duration.ofSeconds(10),
            () -> !TestData.chunkKeys(survivor, app, crashed).isEmpty());

        cluster.stop(2);

        awaitCondition("partial chunks reclaimed and leases dropped", Duration.ofSeconds(30),
            () -> TestData.chunkKeys(survivor, app, crashed).isEmpty()
                && store(0).capacity().stream().allMatch(c -> c.leases() == 0 && c.reserved() == 0));
        assertThat(store(0).latest(app).orElseThrow().checkpointId()).isEqualTo(kept.checkpointId());
        assertThat(store(1).restoreLatest(app)).isEqualTo(previous);
        // The crashed id is never reused: the next checkpoint gets a higher one.
        assertThat(store(1).save(app, new byte[] {1}).checkpointId()).isGreaterThan(crashed);
    }
}
