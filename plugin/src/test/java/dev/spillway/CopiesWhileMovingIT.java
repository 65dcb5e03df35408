package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.service.ServiceHost;
import dev.spillway.test.CopyDamage;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cluster.ClusterNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every copy of every chunk (issue 13, item 4), for a checkpoint written while a join's rebalance moves partitions
 * and committed after it ends: the servers are the same at begin and commit and nothing moves at commit, yet chunks
 * were streamed while partitions moved, when a streamer's receiver can leave one owner without its copy
 * ({@link ChunkCopiesIT} saw it once in a full run). The test removes one such copy from its owner's memory before
 * the commit; the commit must find it missing and write it again. The rebalance is slowed (a batch of 64 KB every
 * 100 ms) so that the checkpoint begins and is written while it runs. The same is done on a settled cluster: a
 * receiver's skip leaves no trace in the topology, so every commit looks.
 */
class CopiesWhileMovingIT {
    private static final String APP = "written-while-moving";
    private static final int STATE = 2 << 20;
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(16 << 10)
        .setBackups(1)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30))
        .setMaintenanceInterval(Duration.ofMillis(200));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(4, TestPorts.COPIES_WHILE_MOVING_IT, CONFIG)
        .everyNode(cfg -> cfg.setRebalanceThrottle(100).setRebalanceBatchSize(64 << 10));

    @Test
    @DisplayName("written while a join's rebalance runs, committed after it ends: a copy left out is written again")
    void copyLeftOutWhileMovingIsWrittenAgain() {
        CheckpointStore store = Spillway.store(cluster.node(0));
        // Checkpoints for the rebalance to carry: 16 MB, twice.
        for (int i = 0; i < 4; i++)
            store.save("ballast-" + i, TestData.random(4 << 20, i));
        cluster.stop(3);
        cluster.awaitAffinitySettled();
        cluster.start(3);
        assertThat(cluster.movingPartitions()).as("partitions moving to the node that joined").isNotEmpty();

        byte[] state = TestData.random(STATE, 42);
        CheckpointInfo info = saveLosingABackupCopy(store, state, cluster::awaitAffinitySettled);
        assertThat(cluster.missingCopies(ServiceHost.of(cluster.node(0)).engine().manifest(APP, info.checkpointId())))
            .as("chunk copies missing on their owners after the commit").isEmpty();
        cluster.stop(0);
        try {
            assertThat(Spillway.store(cluster.node(1)).restore(APP, info.checkpointId())).isEqualTo(state);
        }
        finally {
            cluster.start(0);
            cluster.awaitAffinitySettled();
        }
    }

    @Test
    @DisplayName("written on a settled cluster: a copy an owner does not hold at commit is written again")
    void copyMissingWithoutATopologyChangeIsWrittenAgain() {
        cluster.awaitAffinitySettled();
        CheckpointStore store = Spillway.store(cluster.node(0));
        // What a streamer's receiver does, without an error, with entries for a partition it cannot reserve or is
        // giving up: the copy is not stored. Nothing in the topology shows it.
        CheckpointInfo info = saveLosingABackupCopy(store, TestData.random(STATE, 43), () -> { });
        assertThat(cluster.missingCopies(ServiceHost.of(cluster.node(0)).engine().manifest(APP, info.checkpointId())))
            .as("chunk copies missing on their owners after the commit").isEmpty();
    }

    /**
     * Saves {@code state} as a checkpoint of {@link #APP} of which one chunk, already stored on both owners of a
     * partition that does not move, loses its backup copy before {@code beforeCommit} runs and the commit.
     */
    private static CheckpointInfo saveLosingABackupCopy(CheckpointStore store, byte[] state, Runnable beforeCommit) {
        try (CheckpointWriter writer = store.begin(APP)) {
            writer.write(state);
            CopyOnOwner victim = storedBackupOfSettledPartition();
            CopyDamage.removeLocalCopy(victim.owner(), victim.key());
            beforeCommit.run();
            System.out.printf("copies: removed %s on %s before the commit%n", victim.key(), victim.owner().name());
            return writer.commit();
        }
    }

    private record CopyOnOwner(ChunkKey key, Ignite owner) {
    }

    /**
     * A chunk of {@link #APP} stored on its primary and on its backup, in a partition the rebalance does not move,
     * with the backup holding it: waits until the writer's streamer has sent one.
     */
    private static CopyOnOwner storedBackupOfSettledPartition() {
        AtomicReference<CopyOnOwner> found = new AtomicReference<>();
        SpillwayCluster.awaitCondition("a chunk stored on both owners of a partition that does not move",
            Duration.ofSeconds(30), () -> {
                Set<Integer> moving = cluster.movingPartitions();
                for (int i : cluster.running()) {
                    Ignite node = cluster.node(i);
                    for (Cache.Entry<Object, Object> e : node.cache(Layout.CHUNK_CACHE)
                        .localEntries(CachePeekMode.BACKUP)) {
                        ChunkKey key = (ChunkKey)e.getKey();
                        if (!key.application().equals(APP) || moving.contains(key.partition()))
                            continue;
                        List<ClusterNode> owners = List.copyOf(node.affinity(Layout.CHUNK_CACHE)
                            .mapKeyToPrimaryAndBackups(key));
                        if (cluster.node(owners.get(0)).cache(Layout.CHUNK_CACHE).localPeek(key,
                            CachePeekMode.PRIMARY) != null) {
                            found.set(new CopyOnOwner(key, node));
                            return true;
                        }
                    }
                }
                return false;
            });
        return found.get();
    }
}
