package dev.spillway.internal.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FailoverModelTest {
    private static final UUID A = new UUID(0, 1);
    private static final UUID B = new UUID(0, 2);
    private static final UUID C = new UUID(0, 3);

    /**
     * Three partitions, one backup: p0 on (A, B), p1 on (B, C), p2 on (C, A). Losing a node gives each of its
     * partitions to the survivor that did not hold it.
     */
    private static FailoverModel model(long[] bytes, long limit) {
        UUID[][] owners = {{A, B}, {B, C}, {C, A}};
        Map<UUID, UUID[][]> without = Map.of(
            A, new UUID[][] {{B, C}, {B, C}, {C, B}},
            B, new UUID[][] {{A, C}, {C, A}, {C, A}},
            C, new UUID[][] {{A, B}, {B, A}, {A, B}});
        Map<UUID, Long> used = Map.of(A, bytes[0] + bytes[2], B, bytes[0] + bytes[1], C, bytes[1] + bytes[2]);
        return new FailoverModel(owners, without, bytes, new long[3], used, Map.of(A, limit, B, limit, C, limit));
    }

    @Test
    void aSurvivorGainsOneCopyOfEachPartitionItDidNotHold() {
        FailoverModel m = model(new long[] {100, 10, 1}, 1000);
        // Losing A: p0 (100) goes to C, p2 (1) goes to B.
        assertThat(m.predicted(A, B)).isEqualTo(110 + 1);
        assertThat(m.predicted(A, C)).isEqualTo(11 + 100);
        // Losing B: p0 to C, p1 to A.
        assertThat(m.predicted(B, A)).isEqualTo(101 + 10);
        assertThat(m.predicted(B, C)).isEqualTo(11 + 100);
    }

    @Test
    void theWorstLossNamesTheLostNodeTheSurvivorAndTheRoomLeft() {
        FailoverModel m = model(new long[] {100, 10, 1}, 1000);
        FailoverModel.Loss worst = m.worstLoss();
        assertThat(worst.headroom()).isEqualTo(1000 - 111);
        assertThat(m.predicted(worst.lost(), worst.survivor())).isEqualTo(111);
        assertThat(m.safeHeadroom(C)).isEqualTo(1000 - 111);
    }

    @Test
    void plannedButUnstoredBytesCountOnTheirOwnersAndOnTheGainers() {
        UUID[][] owners = {{A, B}, {B, C}, {C, A}};
        Map<UUID, UUID[][]> without = Map.of(
            A, new UUID[][] {{B, C}, {B, C}, {C, B}},
            B, new UUID[][] {{A, C}, {C, A}, {C, A}},
            C, new UUID[][] {{A, B}, {B, A}, {A, B}});
        FailoverModel m = new FailoverModel(owners, without, new long[] {50, 0, 0}, new long[] {50, 0, 0},
            Map.of(A, 0L, B, 0L, C, 0L), Map.of(A, 1000L, B, 1000L, C, 1000L));
        // p0's 50 pending bytes will land on A and B; losing A, C gains p0 as well.
        assertThat(m.predicted(A, B)).isEqualTo(50);
        assertThat(m.predicted(A, C)).isEqualTo(50);
        assertThat(m.predicted(C, A)).isEqualTo(50);
        FailoverModel planned = m.copy();
        planned.add(0, 10);
        assertThat(planned.predicted(A, C)).isEqualTo(60);
        assertThat(m.predicted(A, C)).isEqualTo(50);
    }

    @Test
    void aChunkFitsOnlyWhereEveryScenariosHoldersHaveRoom() {
        FailoverModel m = model(new long[] {100, 10, 1}, 200);
        // p0 is held after any loss by two of A, B, C; the fullest of them has 200 - 111 = 89 left.
        assertThat(m.minRoom(0)).isEqualTo(89);
        assertThat(m.fits(0, 89)).isTrue();
        assertThat(m.fits(0, 90)).isFalse();
        m.add(0, 89);
        assertThat(m.worstLoss().headroom()).isZero();
        assertThat(m.fits(1, 1)).isFalse();
    }
}
