package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SpillwayConfigurationTest {

    @Test
    @DisplayName("the defaults are valid")
    void defaultsAreValid() {
        assertThat(new SpillwayConfiguration().problems()).isEmpty();
        assertThat(new SpillwayConfiguration().budget()).isEqualTo((long)(512L * 1024 * 1024 * 0.8));
    }

    @Test
    @DisplayName("every bad property is named with its value and what is allowed, all at once")
    void everyProblemNamed() {
        SpillwayConfiguration bad = new SpillwayConfiguration()
            .setRegionMaxSize(5L << 20)
            .setHighWaterMark(1.5)
            .setFailoverLimit(0)
            .setChunkSize(1024)
            .setBackups(-1)
            .setRetention(0)
            .setLeaseTimeout(Duration.ZERO)
            .setPartitions(0)
            .setMetadataRegionSize(1 << 20)
            .setScrubRate(-1)
            .setMetricsPort(70_000)
            .setMetricsApplications(-2);

        assertThatThrownBy(bad::validate)
            .isInstanceOf(InvalidArgumentException.class)
            .hasMessageContaining("spillway.regionMaxSize=5 MB is below Ignite's 10 MB minimum")
            .hasMessageContaining("spillway.highWaterMark=1.5 is outside (0, 1]")
            .hasMessageContaining("spillway.failoverLimit=0.0 is outside (0, 1]")
            .hasMessageContaining("spillway.chunkSize=1 KB is outside 16 KB to 64 MB")
            .hasMessageContaining("spillway.backups=-1 is negative")
            .hasMessageContaining("spillway.retention=0 keeps no checkpoint")
            .hasMessageContaining("spillway.leaseTimeout=PT0S is not positive")
            .hasMessageContaining("spillway.partitions=0 is outside 1 to 65000")
            .hasMessageContaining("spillway.metadataRegionSize=1 MB is below")
            .hasMessageContaining("spillway.scrubRate=-1 is negative")
            .hasMessageContaining("spillway.metricsPort=70000 is outside 0 (no endpoint) to 65535")
            .hasMessageContaining("spillway.metricsApplications=-2 is negative");
        assertThat(bad.problems()).hasSize(12);
    }

    @Test
    @DisplayName("a high-water mark of zero or below is refused; exactly 1 is allowed")
    void highWaterMarkBounds() {
        assertThat(new SpillwayConfiguration().setHighWaterMark(0).problems())
            .extracting(ConfigurationProblem::message)
            .containsExactly("spillway.highWaterMark=0.0 is outside (0, 1]");
        assertThat(new SpillwayConfiguration().setHighWaterMark(-0.1).problems()).hasSize(1);
        assertThat(new SpillwayConfiguration().setHighWaterMark(1).problems()).isEmpty();
    }

    @Test
    @DisplayName("the limits are unset until a setter is called, even with the default value; the getters give the "
        + "defaults meanwhile, and a copy keeps which are set")
    void limitsSetOrNot() {
        SpillwayConfiguration unset = new SpillwayConfiguration();
        assertThat(unset.isHighWaterMarkSet()).isFalse();
        assertThat(unset.isFailoverLimitSet()).isFalse();
        assertThat(unset.getHighWaterMark()).isEqualTo(SpillwayConfiguration.DFLT_HIGH_WATER_MARK);
        assertThat(unset.getFailoverLimit()).isEqualTo(SpillwayConfiguration.DFLT_FAILOVER_LIMIT);
        assertThat(unset.copy().isHighWaterMarkSet()).isFalse();
        assertThat(unset.copy().isFailoverLimitSet()).isFalse();

        SpillwayConfiguration set = new SpillwayConfiguration().setHighWaterMark(0.8).setFailoverLimit(0.97);
        assertThat(set.isHighWaterMarkSet()).isTrue();
        assertThat(set.isFailoverLimitSet()).isTrue();
        assertThat(set.copy().isHighWaterMarkSet()).isTrue();
        assertThat(set.copy().getFailoverLimit()).isEqualTo(0.97);
    }

    @Test
    @DisplayName("nodes agree on the limits as configured: both unset, or both set to the same value")
    void clusterWideLimits() {
        assertThat(new SpillwayConfiguration().clusterWide()).isEqualTo(new SpillwayConfiguration().clusterWide())
            .containsEntry("highWaterMark", "unset").containsEntry("failoverLimit", "unset");
        assertThat(new SpillwayConfiguration().setFailoverLimit(0.9).clusterWide())
            .containsEntry("failoverLimit", "0.9")
            .isEqualTo(new SpillwayConfiguration().setFailoverLimit(0.9).clusterWide());
        // Set to the default is not the same as unset: unset follows each region's page size.
        assertThat(new SpillwayConfiguration().setHighWaterMark(0.8).clusterWide())
            .isNotEqualTo(new SpillwayConfiguration().clusterWide());
        assertThat(new SpillwayConfiguration().setHighWaterMark(0.8))
            .isNotEqualTo(new SpillwayConfiguration());
        assertThat(new SpillwayConfiguration().copy()).isEqualTo(new SpillwayConfiguration());
        SpillwayConfiguration served = new SpillwayConfiguration().setMetricsPort(9464).setMetricsApplications(5);
        assertThat(served.copy()).isEqualTo(served).isNotEqualTo(new SpillwayConfiguration());
        assertThat(served.copy().getMetricsPort()).isEqualTo(9464);
        assertThat(served.clusterWide()).isEqualTo(new SpillwayConfiguration().clusterWide());
    }

    @Test
    @DisplayName("a chunk larger than the region budget is refused")
    void chunkLargerThanBudget() {
        assertThat(new SpillwayConfiguration().setRegionMaxSize(20L << 20).setHighWaterMark(0.5)
            .setChunkSize(16 << 20).problems())
            .extracting(ConfigurationProblem::message)
            .containsExactly("spillway.chunkSize=16 MB is larger than the region budget 10 MB "
                + "(regionMaxSize * highWaterMark)");
    }

    @Test
    @DisplayName("a negative or null lease timeout is refused")
    void leaseTimeout() {
        assertThat(new SpillwayConfiguration().setLeaseTimeout(Duration.ofSeconds(-1)).problems())
            .extracting(ConfigurationProblem::message)
            .containsExactly("spillway.leaseTimeout=PT-1S is not positive; allowed: greater than 0");
        assertThat(new SpillwayConfiguration().setLeaseTimeout(null).problems()).hasSize(1);
    }

    @Test
    @DisplayName("a problem is a value: property, value, reason and what is allowed; the message is rendered from them")
    void problemsAreValues() {
        assertThat(new SpillwayConfiguration().setRegionMaxSize(5L << 20).setBackups(-1).problems()).containsExactly(
            new ConfigurationProblem("spillway.regionMaxSize", "5 MB", "is below Ignite's 10 MB minimum",
                "at least 10 MB"),
            new ConfigurationProblem("spillway.backups", "-1", "is negative; allowed: 0 or more", "0 or more"));
        assertThat(new SpillwayConfiguration().setPartitions(70_000).problems()).singleElement()
            .satisfies(p -> assertThat(p.allowed()).isEqualTo(SpillwayConfiguration.MIN_PARTITIONS + " to "
                + SpillwayConfiguration.MAX_PARTITIONS))
            .satisfies(p -> assertThat(p.message()).isEqualTo("spillway.partitions=70000 is outside 1 to 65000"));
    }
}
