package dev.spillway.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.ScrubReport;
import dev.spillway.test.SpillwayCluster;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SpillwayMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SpillwayMeters meters = new SpillwayMeters("n0", 2);

    SpillwayMetersTest() {
        meters.bindTo(registry);
    }

    @Test
    void aSaveIsTimedAndItsBytesCountedByPlacement() {
        meters.saved("orders", TimeUnit.MILLISECONDS.toNanos(40), 3 << 20, 3, 1 << 20, 1, 5 << 20, 5);
        Timer save = registry.get(SpillwayMeters.SAVE).tag("application", "orders").tag("node", "n0").timer();
        assertThat(save.count()).isEqualTo(1);
        assertThat(save.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
        assertThat(bytes("orders", "local")).isEqualTo(3 << 20);
        assertThat(bytes("orders", "spilled")).isEqualTo(1 << 20);
        assertThat(registry.get(SpillwayMeters.CHUNKS).tag("placement", "spilled").counter().count()).isEqualTo(1);
        assertThat(bytes("orders", "shared")).as("named, already stored").isEqualTo(5 << 20);
    }

    @Test
    void applicationsPastTheCapShareTheTagOther() {
        for (String app : new String[] {"a", "b", "c", "d", "a"})
            meters.saved(app, 1, 10, 1, 0, 0, 0, 0);
        assertThat(registry.get(SpillwayMeters.SAVE).tag("application", "a").timer().count()).isEqualTo(2);
        assertThat(registry.get(SpillwayMeters.SAVE).tag("application", "b").timer().count()).isEqualTo(1);
        assertThat(registry.get(SpillwayMeters.SAVE).tag("application", "other").timer().count()).isEqualTo(2);
        assertThat(registry.find(SpillwayMeters.SAVE).tag("application", "c").timer()).isNull();
    }

    @Test
    void refusalsAreCountedByReason() {
        meters.refused("orders", SpillwayMeters.Refusal.BUDGET);
        meters.refused("orders", SpillwayMeters.Refusal.NODE_LOSS);
        meters.refused("orders", SpillwayMeters.Refusal.NODE_LOSS);
        assertThat(registry.get(SpillwayMeters.REFUSALS).tag("reason", "budget").counter().count()).isEqualTo(1);
        assertThat(registry.get(SpillwayMeters.REFUSALS).tag("reason", "node-loss").counter().count()).isEqualTo(2);
    }

    @Test
    void aRestoreThatFoundADamagedChunkCountsAsAnIntegrityFailure() {
        meters.restored("orders", 5, false);
        meters.restored("orders", 5, true);
        assertThat(registry.get(SpillwayMeters.RESTORE).timer().count()).isEqualTo(2);
        assertThat(registry.get(SpillwayMeters.INTEGRITY_FAILURES).tag("application", "orders").counter().count())
            .isEqualTo(1);
    }

    @Test
    void scrubCountersReadTheScrubTotals() {
        AtomicReference<ScrubReport> totals = new AtomicReference<>(ScrubReport.NONE);
        meters.bindScrub(registry, totals::get);
        totals.set(new ScrubReport(40, 40 << 20, 3, 2, 1));
        assertThat(registry.get(SpillwayMeters.SCRUB_CHUNKS).functionCounter().count()).isEqualTo(40);
        assertThat(registry.get(SpillwayMeters.SCRUB_BYTES).functionCounter().count()).isEqualTo(40 << 20);
        assertThat(registry.get(SpillwayMeters.SCRUB_DAMAGED).tag("outcome", "repaired").functionCounter().count())
            .isEqualTo(2);
        assertThat(registry.get(SpillwayMeters.SCRUB_DAMAGED).tag("outcome", "unrepaired").functionCounter()
            .count()).isEqualTo(1);
    }

    @Test
    void scrubCountersStillReadTheTotalsAfterAGarbageCollection() {
        AtomicReference<ScrubReport> totals = new AtomicReference<>(ScrubReport.NONE);
        bindScrubToASupplierHeldNowhereElse(totals);
        // A weakly held object with nothing else holding it is gone once this one is.
        WeakReference<Object> canary = new WeakReference<>(new Object());
        SpillwayCluster.awaitCondition("a garbage collection ran", Duration.ofSeconds(10), () -> {
            System.gc();
            return canary.get() == null;
        });
        assertThat(canary.get()).as("a garbage collection ran").isNull();
        totals.set(new ScrubReport(7, 7 << 20, 0, 0, 0));
        assertThat(registry.get(SpillwayMeters.SCRUB_CHUNKS).functionCounter().count()).isEqualTo(7);
        assertThat(registry.get(SpillwayMeters.SCRUB_BYTES).functionCounter().count()).isEqualTo(7 << 20);
    }

    /** As the node binds them: to a method reference that nothing but the meters holds. */
    private void bindScrubToASupplierHeldNowhereElse(AtomicReference<ScrubReport> totals) {
        meters.bindScrub(registry, totals::get);
    }

    @Test
    void withoutARegistryNothingIsKept() {
        SpillwayMeters.NONE.saved("orders", 1, 1, 1, 0, 0, 0, 0);
        SpillwayMeters.NONE.leased(10);
        assertThat(registry.getMeters()).noneMatch(m -> m.getId().getTag("node").equals("none"));
    }

    private double bytes(String app, String placement) {
        return registry.get(SpillwayMeters.BYTES).tag("application", app).tag("placement", placement).counter()
            .count();
    }
}
