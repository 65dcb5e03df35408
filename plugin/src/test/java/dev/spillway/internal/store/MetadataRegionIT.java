package dev.spillway.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.service.ServiceHost;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The metadata region cannot fill (issue 13, item 6): catalog entries live in a small in-memory region, and Ignite
 * halts a node whose in-memory region fills. 100,000 applications each begin a checkpoint and abandon it, on the
 * smallest region Ignite allows (10 MB): begins are refused once a node's metadata region reaches its admission
 * limit, no node halts, and once the abandoned claims lapse and their applications are forgotten, new applications
 * begin again. Reclaiming passes are run by hand (the maintenance interval is an hour).
 */
class MetadataRegionIT {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final int APPLICATIONS = 100_000;
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20).setBackups(1).setPartitions(32)
        .setMetadataRegionSize(SpillwayConfiguration.MIN_REGION_SIZE)
        .setLeaseTimeout(LEASE).setMaintenanceInterval(Duration.ofHours(1));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.METADATA_REGION_IT, CONFIG);

    @Test
    @DisplayName("100,000 applications begin and abandon a checkpoint: refusals, no halt; forgotten ones make room")
    void abandonedApplications() {
        CheckpointEngine engine = ServiceHost.of(cluster.node(0)).engine();
        UUID origin = cluster.node(0).cluster().localNode().id();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        // Several at once (the common pool's threads), as many applications would begin.
        IntStream.range(0, APPLICATIONS).parallel().forEach(i -> {
            try {
                engine.begin("app-" + i, origin, 0);
                admitted.incrementAndGet();
            }
            catch (CapacityExhaustedException e) {
                refusals.incrementAndGet();
            }
        });
        int begun = admitted.get();
        int refused = refusals.get();
        System.out.printf("metadata region of %d MB: %d applications begun, %d refused%n",
            CONFIG.getMetadataRegionSize() >> 20, begun, refused);
        assertThat(refused).as("begins refused").isPositive();
        assertThat(begun).as("begins admitted").isPositive();
        assertThat(cluster.failures()).as("nodes that failed").isEmpty();
        assertThat(cluster.running()).hasSize(3);
        assertThatBeginRefused(engine, origin);

        // The abandoned claims lapse (a lease after each primary saw them) and are reclaimed; two lease timeouts
        // after that, their applications, left with no checkpoint, are forgotten.
        reclaimEverywhere();
        cluster.clock().advance(LEASE.plusSeconds(1));
        reclaimEverywhere();
        reclaimEverywhere();
        cluster.clock().advance(LEASE.multipliedBy(2).plusSeconds(1));
        reclaimEverywhere();
        // Left: the id floor's entry alone.
        assertThat(cluster.node(0).cache(Layout.CATALOG_CACHE).size()).as("catalog entries left").isEqualTo(1);
        // A forgotten application begins again (once every server has seen the regions emptied) with an id above
        // the one it had: no chunk of an old id is ever taken for a new checkpoint's.
        WriteSession again = awaitBegin(engine, origin, "app-0");
        assertThat(again.checkpointId()).isGreaterThan(1);
        assertThat(cluster.failures()).isEmpty();
    }

    @Test
    @DisplayName("a checkpoint of more chunks than a quarter of the metadata region holds is refused before any work")
    void manifestBeyondTheMetadataRegion() {
        CheckpointEngine engine = ServiceHost.of(cluster.node(0)).engine();
        long chunks = CONFIG.getMetadataRegionSize() / 4 / CheckpointEngine.METADATA_BYTES_PER_CHUNK + 1;
        assertThatThrownBy(() -> engine.begin("huge", cluster.node(0).cluster().localNode().id(),
            chunks * CONFIG.getChunkSize()))
            .isInstanceOf(CapacityExhaustedException.class)
            .hasMessageContaining("with " + chunks + " chunks would need")
            .hasMessageContaining("of the metadata region for its manifest");
    }

    private static void assertThatBeginRefused(CheckpointEngine engine, UUID origin) {
        int refusedNow = 0;
        for (int i = 0; i < 100; i++) {
            try {
                engine.begin("more-" + i, origin, 0);
            }
            catch (CapacityExhaustedException e) {
                refusedNow++;
            }
        }
        assertThat(refusedNow).as("of 100 more begins, refused").isPositive();
    }

    private static WriteSession awaitBegin(CheckpointEngine engine, UUID origin, String app) {
        WriteSession[] begun = new WriteSession[1];
        SpillwayCluster.awaitCondition("a begin admitted", Duration.ofSeconds(10), () -> {
            try {
                begun[0] = engine.begin(app, origin, 0);
                return true;
            }
            catch (CapacityExhaustedException e) {
                return false;
            }
        });
        return begun[0];
    }

    private static void reclaimEverywhere() {
        for (int i : cluster.running())
            ServiceHost.of(cluster.node(i)).engine().reclaim();
    }
}
