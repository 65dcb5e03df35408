package dev.spillway.internal.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.internal.metrics.SpillwayMeters;
import dev.spillway.test.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CapacityLedgerTest {
    private final MutableClock clock = new MutableClock();
    private final AtomicLong used = new AtomicLong(100);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final CapacityLedger ledger = new CapacityLedger("n0", 2000, 1000, 1940, 16, used::get, clock,
        Duration.ofSeconds(30), meters(registry));
    private final UUID writer = UUID.randomUUID();

    @Test
    void grantsWhatTheBudgetHasFreeAndNoMore() {
        Grant first = ledger.grant(writer, 600);
        assertThat(first.bytes()).isEqualTo(600);
        Grant second = ledger.grant(writer, 600);
        assertThat(second.bytes()).isEqualTo(300);
        assertThat(ledger.grant(writer, 1).bytes()).isZero();
        assertThat(ledger.snapshot().reserved()).isEqualTo(900);
        assertThat(ledger.snapshot().free()).isZero();
    }

    @Test
    void usedBytesCountAgainstTheBudget() {
        used.set(950);
        assertThat(ledger.grant(writer, 100).bytes()).isEqualTo(50);
    }

    @Test
    void releaseFreesTheSpace() {
        Grant g = ledger.grant(writer, 500);
        ledger.release(new long[] {g.leaseId()});
        assertThat(ledger.snapshot().reserved()).isZero();
        assertThat(ledger.snapshot().leases()).isZero();
    }

    @Test
    void aLeaseLapsesAtItsExpiryUnlessRenewed() {
        Grant lapsing = ledger.grant(writer, 300);
        Grant renewed = ledger.grant(writer, 300);
        clock.advance(Duration.ofSeconds(20));
        assertThat(ledger.renew(new long[] {renewed.leaseId()})).isTrue();
        clock.advance(Duration.ofSeconds(11));
        assertThat(ledger.snapshot().reserved()).isEqualTo(300);
        assertThat(ledger.renew(new long[] {lapsing.leaseId()})).isFalse();
        clock.advance(Duration.ofSeconds(30));
        assertThat(ledger.snapshot().leases()).isZero();
    }

    @Test
    void leasesOfAWriterWhoseNodeLeftAreDropped() {
        ledger.grant(writer, 300);
        UUID other = UUID.randomUUID();
        ledger.grant(other, 200);
        assertThat(ledger.expire(w -> !w.equals(writer))).isEqualTo(1);
        assertThat(ledger.snapshot().reserved()).isEqualTo(200);
    }

    @Test
    void countsTheLeasesItGrantsRefusesAndDrops() {
        UUID gone = UUID.randomUUID();
        ledger.grant(writer, 500);
        ledger.grant(writer, 200);
        ledger.grant(writer, 100);
        ledger.grant(gone, 100);
        // The budget's 900 free bytes are all leased.
        ledger.grant(writer, 10);
        clock.advance(Duration.ofSeconds(31));
        ledger.grant(gone, 50);
        ledger.expire(w -> !w.equals(gone));
        assertThat(leases("granted")).isEqualTo(5);
        assertThat(leases("refused")).isEqualTo(1);
        // Four lapsed at their expiry, one more dropped because its writer left.
        assertThat(leases("lapsed")).isEqualTo(5);
        assertThat(registry.get(SpillwayMeters.LEASED_BYTES).counter().count()).isEqualTo(950);
    }

    private double leases(String outcome) {
        return registry.get(SpillwayMeters.LEASES).tag(SpillwayMeters.TAG_OUTCOME, outcome).counter().count();
    }

    private static SpillwayMeters meters(SimpleMeterRegistry registry) {
        SpillwayMeters meters = new SpillwayMeters("n0", 10);
        meters.bindTo(registry);
        return meters;
    }
}
