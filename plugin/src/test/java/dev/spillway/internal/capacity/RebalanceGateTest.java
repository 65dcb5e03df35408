package dev.spillway.internal.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.test.Rendezvous;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RebalanceGateTest {
    private static final int PARTITIONS = 64;
    private static final String[] NAMES = {"n0", "n1", "n2"};
    private static final UUID SELF = Rendezvous.id("n0");

    private final List<String> logged = new ArrayList<>();
    private int started;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean othersBusy = new AtomicBoolean();

    /** Regions of 10,000 bytes, failover limit 9,700; every partition holds {@code bytes} on its primary alone. */
    private static FakePeers primariesHolding(long bytes) {
        FakePeers peers = new FakePeers("n0", PARTITIONS);
        for (String n : NAMES)
            peers.server(n, 10_000, 8_000, 9_700);
        FixedOwners owners = FixedOwners.rendezvous(PARTITIONS, 0, NAMES);
        for (int p = 0; p < PARTITIONS; p++)
            peers.stored(p, bytes, owners.owners(p)[0]);
        return peers;
    }

    private RebalanceGate gate(FakePeers peers, Owners owners) {
        return new RebalanceGate(SELF, owners, peers, new RebalanceGate.Rebalancer() {
            @Override
            public BooleanSupplier start() {
                started++;
                ended.set(false);
                return ended::get;
            }

            @Override
            public boolean othersBusy() {
                return othersBusy.get();
            }
        }, logged::add);
    }

    @Test
    @DisplayName("the backups arriving fit: the rebalance starts once, and again only after it ended")
    void startsWhatFits() {
        RebalanceGate gate = gate(primariesHolding(100), FixedOwners.backupsArriving(PARTITIONS, 1, NAMES));
        gate.runOnce();
        gate.runOnce();
        assertThat(started).isEqualTo(1);
        assertThat(gate.held()).isNull();
        ended.set(true);
        gate.runOnce();
        assertThat(started).as("partitions still arriving after the rebalance ended").isEqualTo(2);
        assertThat(logged).isEmpty();
    }

    @Test
    @DisplayName("the backups arriving do not fit: held, said once, started once room is made")
    void holdsWhatDoesNotFit() {
        // Each node is primary for about a third of 64 partitions of 250 bytes (5,300) and would receive as much
        // again as their backups: 10,600, over 9,850 (failover limit 9,700, region 10,000).
        FakePeers peers = primariesHolding(250);
        RebalanceGate gate = gate(peers, FixedOwners.backupsArriving(PARTITIONS, 1, NAMES));
        gate.runOnce();
        gate.runOnce();
        assertThat(started).isZero();
        RebalanceGate.Held held = gate.held();
        assertThat(held).isNotNull();
        assertThat(held.partitions()).isPositive();
        assertThat(held.predictedBytes()).isGreaterThan(held.limitBytes());
        assertThat(held.limitBytes()).as("halfway between the failover limit and the region").isEqualTo(9_850);
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0)).contains("holds the rebalance of " + held.partitions() + " partition(s)");

        // Room made: 150 bytes of every partition deleted, 4,200 held and arriving.
        FixedOwners primaries = FixedOwners.rendezvous(PARTITIONS, 0, NAMES);
        for (int p = 0; p < PARTITIONS; p++)
            peers.stored(p, -150, primaries.owners(p)[0]);
        gate.runOnce();
        assertThat(started).isEqualTo(1);
        assertThat(gate.held()).isNull();
        assertThat(logged).hasSize(2);
        assertThat(logged.get(1)).contains("starts the rebalance it held");
    }

    @Test
    @DisplayName("another cache rebalancing or an exchange in progress: the start waits for a look when all is quiet")
    void waitsForQuiet() {
        RebalanceGate gate = gate(primariesHolding(100), FixedOwners.backupsArriving(PARTITIONS, 1, NAMES));
        othersBusy.set(true);
        gate.runOnce();
        assertThat(started).isZero();
        assertThat(gate.held()).isNull();
        othersBusy.set(false);
        gate.runOnce();
        assertThat(started).isEqualTo(1);
    }

    @Test
    @DisplayName("nothing arriving: nothing started, nothing held")
    void nothingArriving() {
        RebalanceGate gate = gate(primariesHolding(250), FixedOwners.rendezvous(PARTITIONS, 1, NAMES));
        gate.runOnce();
        assertThat(started).isZero();
        assertThat(gate.held()).isNull();
    }
}
