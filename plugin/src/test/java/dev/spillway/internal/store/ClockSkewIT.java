package dev.spillway.internal.store;

import static dev.spillway.test.SpillwayCluster.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CheckpointWriter;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.SpillwayException;
import dev.spillway.internal.service.ServiceHost;
import dev.spillway.test.MutableClock;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.query.ScanQuery;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One clock per decision (issue 13, item 10): a claim lapses when the catalog's primary has seen it unrenewed for a
 * lease timeout by its own clock, whatever the writer's clock says. Node 2 runs a clock of its own, set an hour
 * behind or ahead of the others'; the primary's reclaiming passes are run by hand (the maintenance interval is an
 * hour).
 */
class ClockSkewIT {
    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20).setChunkSize(64 << 10).setBackups(1).setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(LEASE).setMaintenanceInterval(Duration.ofHours(1));
    private static final int SKEWED = 2;
    private static final MutableClock skewedClock = new MutableClock();

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.CLOCK_SKEW_IT, CONFIG);

    @BeforeAll
    static void skewNodeTwo() {
        cluster.stop(SKEWED);
        cluster.start(SKEWED, cluster.config().copy().setClock(skewedClock), cfg -> { });
        cluster.awaitAffinitySettled();
    }

    @AfterEach
    void realign() {
        skewedClock.advance(Duration.ofMillis(cluster.clock().millis() - skewedClock.millis()));
    }

    @Test
    @DisplayName("a writer whose clock runs an hour behind keeps its claim while it writes, and commits")
    void writerBehind() {
        skewedClock.advance(Duration.ofHours(-1));
        String app = appWithCatalogPrimary(0);
        byte[] state = TestData.random(1 << 20, 1);
        try (CheckpointWriter w = Spillway.store(cluster.node(SKEWED)).begin(app, state.length)) {
            w.write(state, 0, state.length / 2);
            assertThat(reclaimOn(0)).as("claims reclaimed by the primary while the writer writes").isZero();
            assertThat(reclaimOn(0)).isZero();
            w.write(state, state.length / 2, state.length - state.length / 2);
            w.commit();
        }
        assertThat(Spillway.store(cluster.node(1)).restoreLatest(app)).isEqualTo(state);
    }

    @Test
    @DisplayName("a writer that renews keeps its claim for longer than a lease of the primary's clock")
    void renewingWriterOutlivesALease() {
        skewedClock.advance(Duration.ofHours(-1));
        String app = appWithCatalogPrimary(0);
        byte[] state = TestData.random(3 << 20, 3);
        int third = state.length / 3;
        Duration twoThirds = LEASE.multipliedBy(2).dividedBy(3);
        try (CheckpointWriter w = Spillway.store(cluster.node(SKEWED)).begin(app, state.length)) {
            w.write(state, 0, third);
            assertThat(reclaimOn(0)).as("first sighting").isZero();
            advanceEveryClock(twoThirds);
            w.write(state, third, third); // renews: a third of a lease has passed on the writer's clock
            advanceEveryClock(twoThirds);
            assertThat(reclaimOn(0)).as("claims reclaimed 4/3 of a lease after the first sighting, renewed "
                + "in between").isZero();
            w.write(state, 2 * third, state.length - 2 * third);
            w.commit();
        }
        assertThat(Spillway.store(cluster.node(1)).restoreLatest(app)).isEqualTo(state);
    }

    @Test
    @DisplayName("a stalled writer whose clock runs an hour ahead is reclaimed one lease after the primary saw it")
    void stalledWriterAhead() {
        skewedClock.advance(Duration.ofHours(1));
        String app = appWithCatalogPrimary(1);
        Catalog catalog = new Catalog(cluster.node(0), CONFIG.getOperationTimeout());
        CheckpointWriter w = Spillway.store(cluster.node(SKEWED)).begin(app, 1 << 20);
        try {
            w.write(TestData.random(1 << 20, 2));
            assertThat(reclaimOn(1)).as("first sighting of the claim").isZero();
            assertThat(catalog.get(app).pending).hasSize(1);
            cluster.clock().advance(LEASE.plusSeconds(1));
            assertThat(reclaimOn(1)).as("claims reclaimed a lease after the primary first saw them").isEqualTo(1);
            assertThat(catalog.get(app).pending).isEmpty();
            assertThatThrownBy(w::commit).isInstanceOf(SpillwayException.class);
        }
        finally {
            w.abort();
        }
        awaitCondition("no chunk of the reclaimed checkpoint left", Duration.ofSeconds(30), () -> chunksOf(app) == 0);
    }

    private static int reclaimOn(int node) {
        return ServiceHost.of(cluster.node(node)).engine().reclaim();
    }

    /** An application name whose catalog entry's primary is {@code node}. */
    private static String appWithCatalogPrimary(int node) {
        Ignite ignite = cluster.node(node);
        for (int i = 0; ; i++) {
            String app = "skew-" + node + "-" + i;
            if (ignite.affinity(Layout.CATALOG_CACHE).mapKeyToNode(app).isLocal())
                return app;
        }
    }

    private static int chunksOf(String app) {
        AtomicInteger n = new AtomicInteger();
        try (var cursor = cluster.node(0).<ChunkKey, byte[]>cache(Layout.CHUNK_CACHE)
            .query(new ScanQuery<ChunkKey, byte[]>((k, v) -> k.application().equals(app)))) {
            for (Cache.Entry<ChunkKey, byte[]> ignored : cursor)
                n.incrementAndGet();
        }
        return n.get();
    }

    private static void advanceEveryClock(Duration d) {
        cluster.clock().advance(d);
        skewedClock.advance(d);
    }
}
