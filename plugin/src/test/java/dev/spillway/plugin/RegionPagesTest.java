package dev.spillway.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.spillway.ConfigurationProblem;
import dev.spillway.SpillwayConfiguration;
import java.util.List;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RegionPagesTest {
    private static final long MB = 1L << 20;
    private static final int KB4 = 4 << 10;
    private static final int KB8 = 8 << 10;
    private static final int KB16 = 16 << 10;

    /**
     * Where Ignite's in-memory region ran out of pages (README, "Ignite facts"): getTotalUsedSize() after the last
     * put that succeeded, over the region's size. For 64 MB of 16 KB pages, the lowest of the runs (0.929-0.937).
     */
    private record Measured(long regionBytes, int pageSize, double usedAtFailure) {
    }

    private static final List<Measured> MEASURED = List.of(
        new Measured(32 * MB, KB16, 0.872),
        new Measured(64 * MB, KB16, 0.929),
        new Measured(256 * MB, KB16, 0.983),
        new Measured(512 * MB, KB16, 0.991),
        new Measured(1024 * MB, KB16, 0.995),
        new Measured(128 * MB, KB8, 0.981),
        new Measured(32 * MB, KB4, 0.960),
        new Measured(64 * MB, KB4, 0.980),
        new Measured(256 * MB, KB4, 0.990));

    @Test
    @DisplayName("the model never promises more of a region than Ignite could fill, and stays within 2.5% of it")
    void modelBelowEveryMeasurement() {
        for (Measured m : MEASURED) {
            double usable = RegionPages.usable(m.regionBytes(), m.pageSize());
            assertThat(usable).as("%s", m).isLessThanOrEqualTo(m.usedAtFailure()).isCloseTo(m.usedAtFailure(),
                within(0.025));
            assertThat(RegionPages.limit(m.regionBytes(), m.pageSize())).as("%s", m).isLessThanOrEqualTo(usable);
        }
    }

    @Test
    @DisplayName("the limit is the usable fraction rounded down to two decimals")
    void limitRoundedDown() {
        assertThat(RegionPages.limit(32 * MB, KB4)).isEqualTo(0.95);      // 0.9556
        assertThat(RegionPages.limit(64 * MB, KB16)).isEqualTo(0.92);     // 0.9248
        assertThat(RegionPages.limit(16 * MB, KB16)).isEqualTo(0.70);     // 0.7051
        assertThat(RegionPages.limit(1024 * MB, KB4)).isEqualTo(0.99);    // 0.9910
        // The smallest region Ignite allows, of its largest pages, still keeps half of it.
        assertThat(RegionPages.limit(SpillwayConfiguration.MIN_REGION_SIZE, KB16)).isEqualTo(0.52);
    }

    @Test
    @DisplayName("Ignite's page size from the node configuration: 0 or no storage configuration is Ignite's 4 KB")
    void pageSize() {
        assertThat(RegionPages.pageSize(new IgniteConfiguration()))
            .isEqualTo(DataStorageConfiguration.DFLT_PAGE_SIZE).isEqualTo(KB4);
        assertThat(RegionPages.pageSize(new IgniteConfiguration()
            .setDataStorageConfiguration(new DataStorageConfiguration().setPageSize(0)))).isEqualTo(KB4);
        assertThat(RegionPages.pageSize(new IgniteConfiguration()
            .setDataStorageConfiguration(new DataStorageConfiguration().setPageSize(KB16)))).isEqualTo(KB16);
    }

    @Test
    @DisplayName("limits left unset follow the page size: the default, or less where the region's pages leave less")
    void unsetFollowsPageSize() {
        SpillwayConfiguration small = RegionPages.resolve(
            new SpillwayConfiguration().setRegionMaxSize(32 * MB), KB4);
        assertThat(small.getHighWaterMark()).isEqualTo(0.8);
        assertThat(small.getFailoverLimit()).isEqualTo(0.95);
        assertThat(small.isHighWaterMarkSet()).isTrue();
        assertThat(small.isFailoverLimitSet()).isTrue();

        SpillwayConfiguration large = RegionPages.resolve(new SpillwayConfiguration().setRegionMaxSize(1024 * MB),
            KB4);
        assertThat(large.getHighWaterMark()).isEqualTo(SpillwayConfiguration.DFLT_HIGH_WATER_MARK);
        assertThat(large.getFailoverLimit()).isEqualTo(SpillwayConfiguration.DFLT_FAILOVER_LIMIT);

        SpillwayConfiguration tiny = RegionPages.resolve(new SpillwayConfiguration().setRegionMaxSize(16 * MB)
            .setChunkSize(64 << 10), KB16);
        assertThat(tiny.getHighWaterMark()).isEqualTo(0.70);
        assertThat(tiny.getFailoverLimit()).isEqualTo(0.70);
        assertThat(tiny.budget()).isEqualTo((long)(16 * MB * 0.70));
        assertThat(RegionPages.problems(new SpillwayConfiguration().setRegionMaxSize(16 * MB), KB16)).isEmpty();
    }

    @Test
    @DisplayName("limits set explicitly are kept when the region can hold them, whatever the default")
    void explicitBelowKept() {
        SpillwayConfiguration set = new SpillwayConfiguration().setRegionMaxSize(32 * MB).setHighWaterMark(0.95)
            .setFailoverLimit(0.6);
        SpillwayConfiguration resolved = RegionPages.resolve(set, KB4);
        assertThat(resolved.getHighWaterMark()).isEqualTo(0.95);
        assertThat(resolved.getFailoverLimit()).isEqualTo(0.6);
        assertThat(RegionPages.problems(set, KB4)).isEmpty();
        assertThat(set.getClock()).isSameAs(resolved.getClock());
    }

    @Test
    @DisplayName("limits set above what the region's pages leave are refused, each named with the measurement")
    void explicitAboveRefused() {
        SpillwayConfiguration set = new SpillwayConfiguration().setRegionMaxSize(32 * MB).setHighWaterMark(0.96)
            .setFailoverLimit(0.99);
        String reason = "the part of a 32 MB region of 4 KB pages Ignite can fill before it runs out of pages "
            + "(300 pages and 32 bytes per page are page overhead); allowed: at most 0.95";
        assertThat(RegionPages.problems(set, KB4)).containsExactly(
            new ConfigurationProblem("spillway.highWaterMark", "0.96", "is above 0.95, " + reason, "at most 0.95"),
            new ConfigurationProblem("spillway.failoverLimit", "0.99", "is above 0.95, " + reason, "at most 0.95"));
        assertThat(RegionPages.problems(new SpillwayConfiguration().setRegionMaxSize(64 * MB).setFailoverLimit(1.0),
            KB16)).extracting(ConfigurationProblem::message).containsExactly("spillway.failoverLimit=1.0 is above "
                + "0.92, the part of a 64 MB region of 16 KB pages Ignite can fill before it runs out of pages (300 "
                + "pages and 32 bytes per page are page overhead); allowed: at most 0.92");
    }

    @Test
    @DisplayName("values the configuration refuses by itself are not reported a second time")
    void outOfRangeLeftToTheConfiguration() {
        SpillwayConfiguration bad = new SpillwayConfiguration().setHighWaterMark(1.5).setFailoverLimit(0);
        assertThat(RegionPages.problems(bad, KB16)).isEmpty();
        assertThat(RegionPages.problems(new SpillwayConfiguration().setRegionMaxSize(5 * MB).setFailoverLimit(0.9),
            KB16)).isEmpty();
    }
}
