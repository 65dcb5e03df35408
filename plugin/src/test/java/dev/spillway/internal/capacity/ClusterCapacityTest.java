package dev.spillway.internal.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.NodeCapacity;
import dev.spillway.test.Rendezvous;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterCapacityTest {
    private static final int PARTITIONS = 16;
    private static final String[] NAMES = {"n0", "n1", "n2"};

    @Test
    @DisplayName("logical bytes: each owner of a partition counts what applications saved in it, shared chunks once "
        + "per checkpoint naming them; over the live bytes, what sharing saves")
    void logicalBytes() {
        FakePeers peers = new FakePeers("n0", PARTITIONS);
        for (String n : NAMES)
            peers.server(n, 10_000, 8_000, 9_700);
        FixedOwners owners = FixedOwners.rendezvous(PARTITIONS, 1, NAMES);
        for (int p = 0; p < PARTITIONS; p++) {
            peers.stored(p, 100, owners.owners(p));
            // A second checkpoint names the same stored chunk: no more bytes stored.
            peers.named(p, 100, owners.owners(p)[0]);
        }
        List<NodeCapacity> c = new ClusterCapacity(peers, owners, 1).capacity();
        assertThat(c.stream().mapToLong(NodeCapacity::logicalBytes).sum()).isEqualTo(2 * 2 * PARTITIONS * 100);
        assertThat(c).allSatisfy(n -> assertThat(n.logicalBytes()).isEqualTo(2 * n.liveBytes()));
    }

    @Test
    @DisplayName("live bytes: each owner of a partition holds one copy of its bytes; a delete lowers them at once")
    void liveBytes() {
        FakePeers peers = new FakePeers("n0", PARTITIONS);
        for (String n : NAMES)
            peers.server(n, 10_000, 8_000, 9_700);
        FixedOwners owners = FixedOwners.rendezvous(PARTITIONS, 1, NAMES);
        for (int p = 0; p < PARTITIONS; p++)
            peers.stored(p, 100, owners.owners(p));
        ClusterCapacity capacity = new ClusterCapacity(peers, owners, 1);

        List<NodeCapacity> before = capacity.capacity();
        assertThat(before.stream().mapToLong(NodeCapacity::liveBytes).sum()).isEqualTo(2 * PARTITIONS * 100);
        before.forEach(c -> assertThat(c.liveBytes()).as(c.node()).isEqualTo(c.used()));
        assertThat(before).allSatisfy(c -> assertThat(c.reusableBytes()).isZero());

        // A delete: the catalogs no longer count partition 0's bytes, the pages stay allocated.
        peers.forget(0, 100, owners.owners(0)[0]);
        List<UUID> holding = List.of(owners.owners(0));
        for (NodeCapacity c : capacity.capacity()) {
            long reusable = holding.contains(Rendezvous.id(c.node())) ? 100 : 0;
            assertThat(c.reusableBytes()).as(c.node()).isEqualTo(reusable);
            assertThat(c.used() - c.liveBytes()).isEqualTo(reusable);
        }
    }
}
