package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.test.CopyDamage;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cluster.ClusterNode;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The integrity scrub (issue 14, item 4): a damaged copy of a chunk, on the node a restore reads it from, is found
 * by the background scrub within its period and written again from the healthy copy; with no healthy copy left the
 * scrub says so and a restore fails naming the chunk.
 */
class ScrubIT {
    private static final int CHUNK = 64 << 10;
    private static final int STATE = 16 * CHUNK;
    /** The background scrub's rate: a pass over these regions (a few MB) takes well under a second. */
    private static final int SCRUB_MB_PER_S = 8;
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20)
        .setChunkSize(CHUNK)
        .setBackups(1)
        .setPartitions(32)
        .setMetadataRegionSize(16L << 20)
        .setScrubRate(SCRUB_MB_PER_S);

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.SCRUB_IT, CONFIG);

    @Test
    @DisplayName("a damaged primary copy fails a restore until the background scrub repairs it from the backup")
    void damagedPrimaryRepaired() throws InterruptedException {
        byte[] state = TestData.random(STATE, 1);
        CheckpointStore store = Spillway.store(cluster.node(0));
        CheckpointInfo info = store.save("scrubbed", state);
        ChunkKey key = keyOf("scrubbed", info.checkpointId(), 5);
        Ignite primary = holder(key, true);
        long foundBefore = repaired(primary);

        CopyDamage.replaceLocalCopy(primary, key, flipped(chunk(state, 5)));
        assertThat(Arrays.equals(localCopy(primary, key), chunk(state, 5))).as("the primary's copy, damaged").isFalse();
        try {
            store.restore("scrubbed", info.checkpointId());
            // Only if a background pass came between the damage and the restore.
            assertThat(repaired(primary)).as("a restore read the damaged primary copy").isGreaterThan(foundBefore);
        }
        catch (CheckpointIntegrityException e) {
            assertThat(e).hasMessageContaining("chunk 5");
        }

        SpillwayCluster.awaitCondition("the scrub repairing the primary's copy", Duration.ofSeconds(20),
            () -> repaired(primary) > foundBefore);
        assertThat(Arrays.equals(localCopy(primary, key), chunk(state, 5))).as("the primary's copy, repaired").isTrue();
        assertThat(Arrays.equals(localCopy(holder(key, false), key), chunk(state, 5))).as("the backup's copy")
            .isTrue();
        assertThat(store.restore("scrubbed", info.checkpointId())).isEqualTo(state);
    }

    @Test
    @DisplayName("both copies damaged: an on-demand scrub reports it unrepaired and marks the checkpoint damaged; "
        + "its listing says so, and a restore fails at once naming the chunk")
    void noHealthyCopyLeft() {
        byte[] state = TestData.random(STATE, 2);
        CheckpointStore store = Spillway.store(cluster.node(1));
        CheckpointInfo info = store.save("lost", state);
        ChunkKey key = keyOf("lost", info.checkpointId(), 3);
        Ignite primary = holder(key, true);
        CopyDamage.replaceLocalCopy(primary, key, flipped(chunk(state, 3)));
        CopyDamage.replaceLocalCopy(holder(key, false), key, flipped(chunk(state, 3)));

        ScrubReport pass = primary.<SpillwayPlugin>plugin(Spillway.PLUGIN_NAME).scrub();
        assertThat(pass.damaged()).isGreaterThanOrEqualTo(1);
        assertThat(pass.unrepaired()).isGreaterThanOrEqualTo(1);
        assertThat(pass.chunks()).isGreaterThanOrEqualTo(STATE / CHUNK / 2);
        CheckpointInfo listed = store.list("lost").get(0);
        assertThat(listed.damaged()).isTrue();
        assertThat(listed.damagedChunks()).containsExactly(3);
        assertThatThrownBy(() -> store.restore("lost", info.checkpointId()))
            .isInstanceOf(CheckpointIntegrityException.class)
            .hasMessageContaining("failed verification at chunk 3: no healthy copy of it is left: the integrity "
                + "scrub marked the checkpoint damaged (chunks [3])");
        // A second pass finds the same copies and marks nothing more.
        primary.<SpillwayPlugin>plugin(Spillway.PLUGIN_NAME).scrub();
        assertThat(store.list("lost").get(0).damagedChunks()).containsExactly(3);
    }

    private static ChunkKey keyOf(String application, long checkpointId, int index) {
        for (int i = 0; i < cluster.size(); i++) {
            IgniteCache<ChunkKey, byte[]> chunks = cluster.node(i).cache(Layout.CHUNK_CACHE);
            for (Cache.Entry<ChunkKey, byte[]> e : chunks.localEntries(CachePeekMode.PRIMARY)) {
                ChunkKey k = e.getKey();
                if (k.application().equals(application) && k.checkpointId() == checkpointId && k.index() == index)
                    return k;
            }
        }
        throw new AssertionError("no primary copy of chunk " + index + " of " + application + "/" + checkpointId);
    }

    /** The node that holds {@code key}'s primary copy, or its backup copy. */
    private static Ignite holder(ChunkKey key, boolean primary) {
        List<ClusterNode> owners = List.copyOf(cluster.node(0).affinity(Layout.CHUNK_CACHE)
            .mapKeyToPrimaryAndBackups(key));
        ClusterNode owner = primary ? owners.get(0) : owners.get(1);
        for (int i = 0; i < cluster.size(); i++) {
            if (cluster.node(i).cluster().localNode().equals(owner))
                return cluster.node(i);
        }
        throw new AssertionError("no node of the test is " + owner);
    }

    private static long repaired(Ignite node) {
        return node.<SpillwayPlugin>plugin(Spillway.PLUGIN_NAME).scrubTotals().repaired();
    }

    private static byte[] localCopy(Ignite node, ChunkKey key) {
        return node.<ChunkKey, byte[]>cache(Layout.CHUNK_CACHE).localPeek(key, CachePeekMode.OFFHEAP);
    }

    private static byte[] chunk(byte[] state, int index) {
        return Arrays.copyOfRange(state, index * CHUNK, (index + 1) * CHUNK);
    }

    private static byte[] flipped(byte[] bytes) {
        byte[] copy = bytes.clone();
        copy[copy.length / 2] ^= 0x10;
        return copy;
    }
}
