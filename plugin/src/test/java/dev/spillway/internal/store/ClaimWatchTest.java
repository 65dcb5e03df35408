package dev.spillway.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A claim lapses after a lease timeout unrenewed, both ends read on the judging node's clock (issue 13, item 10). */
class ClaimWatchTest {
    private static final long LEASE = 30_000;
    private static final UUID WRITER = new UUID(0, 1);
    private static final UUID RECLAIMER = new UUID(0, 2);

    private final ClaimWatch watch = new ClaimWatch(LEASE);
    private final Claim claim = new Claim(1, WRITER);

    /** One pass that sees only {@code claim}, at {@code now}. */
    private boolean pass(Claim c, long now) {
        boolean lapsed = watch.lapsed("app", c, now);
        watch.endPass();
        return lapsed;
    }

    @Test
    @DisplayName("a claim is not lapsed when first seen, whatever the time, and lapses a lease after")
    void lapsesALeaseAfterFirstSighting() {
        assertThat(pass(claim, 5_000_000)).isFalse();
        assertThat(pass(claim, 5_000_000 + LEASE - 1)).isFalse();
        assertThat(pass(claim, 5_000_000 + LEASE)).isTrue();
    }

    @Test
    @DisplayName("a renewal restarts the lease, from when this node saw it")
    void renewalRestarts() {
        assertThat(pass(claim, 0)).isFalse();
        claim.renewals++;
        assertThat(pass(claim, LEASE - 1)).isFalse();
        assertThat(pass(claim, 2 * LEASE - 2)).isFalse();
        assertThat(pass(claim, 2 * LEASE - 1)).isTrue();
    }

    @Test
    @DisplayName("a claim that changed hands (another owner or request) is a new claim")
    void newOwnerIsANewClaim() {
        assertThat(pass(claim, 0)).isFalse();
        claim.owner = RECLAIMER;
        assertThat(pass(claim, LEASE)).isFalse();
        claim.token = 7;
        assertThat(pass(claim, 2 * LEASE)).isFalse();
        assertThat(pass(claim, 3 * LEASE)).isTrue();
    }

    @Test
    @DisplayName("a claim missing from a pass is forgotten: seen again, its lease starts over")
    void forgottenWhenUnseen() {
        assertThat(pass(claim, 0)).isFalse();
        watch.endPass();
        assertThat(pass(claim, LEASE)).isFalse();
        assertThat(pass(claim, 2 * LEASE)).isTrue();
    }

    @Test
    @DisplayName("claims of other applications and ids are judged apart")
    void apart() {
        Claim other = new Claim(2, WRITER);
        assertThat(watch.lapsed("app", claim, 0)).isFalse();
        assertThat(watch.lapsed("other", claim, LEASE / 2)).isFalse();
        assertThat(watch.lapsed("app", other, LEASE / 2)).isFalse();
        watch.endPass();
        assertThat(watch.lapsed("app", claim, LEASE)).isTrue();
        assertThat(watch.lapsed("other", claim, LEASE)).isFalse();
        assertThat(watch.lapsed("app", other, LEASE)).isFalse();
    }

    @Test
    @DisplayName("a finished pass reports how many claims it saw and the longest unrenewed, a renewal included")
    void reportsWhatAPassFound() {
        assertThat(watch.found()).isEqualTo(new Sightings.Found(0, 0));
        Claim other = new Claim(2, WRITER);
        watch.lapsed("app", claim, 1_000);
        watch.lapsed("app", other, 1_000);
        watch.endPass();
        watch.lapsed("app", claim, 1_000 + LEASE / 2);
        other.renewals++;
        watch.lapsed("app", other, 1_000 + LEASE / 2);
        assertThat(watch.found()).as("read while a pass runs: the last finished pass's")
            .isEqualTo(new Sightings.Found(2, 0));
        watch.endPass();
        assertThat(watch.found()).isEqualTo(new Sightings.Found(2, LEASE / 2));
        watch.endPass();
        assertThat(watch.found()).as("a pass that saw none").isEqualTo(new Sightings.Found(0, 0));
    }
}
