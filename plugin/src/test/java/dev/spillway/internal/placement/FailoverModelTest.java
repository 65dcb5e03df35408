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
    private static final UUID[][] OWNERS = {{A, B}, {B, C}, {C, A}};
    private static final Map<UUID, UUID[][]> WITHOUT = Map.of(
        A, new UUID[][] {{B, C}, {B, C}, {C, B}},
        B, new UUID[][] {{A, C}, {C, A}, {C, A}},
        C, new UUID[][] {{A, B}, {B, A}, {A, B}});

    private static FailoverModel model(long[] bytes, long limit) {
        Map<UUID, Long> used = Map.of(A, bytes[0] + bytes[2], B, bytes[0] + bytes[1], C, bytes[1] + bytes[2]);
        return new FailoverModel(OWNERS, WITHOUT, bytes, new long[3], used, Map.of(A, limit, B, limit, C, limit),
            Map.of());
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
        FailoverModel m = new FailoverModel(OWNERS, WITHOUT, new long[] {50, 0, 0}, new long[] {50, 0, 0},
            Map.of(A, 0L, B, 0L, C, 0L), Map.of(A, 1000L, B, 1000L, C, 1000L), Map.of());
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
    void aPartitionNewToANodeCostsItTwoPagesAndAThirdWithItsFirstRow() {
        Map<UUID, Integer> page = Map.of(A, 16, B, 16, C, 16);
        FailoverModel m = new FailoverModel(OWNERS, WITHOUT, new long[] {100, 0, 1}, new long[3],
            Map.of(A, 101L, B, 100L, C, 1L), Map.of(A, 1000L, B, 1000L, C, 1000L), page);
        // Losing A: C gains p0 (100 bytes, the partition's 2 pages and its first row's page); B gains p2 (1 byte
        // and 3 pages).
        assertThat(m.predicted(A, C)).isEqualTo(1 + 100 + 3 * 16);
        assertThat(m.predicted(A, B)).isEqualTo(100 + 1 + 3 * 16);
        // p1 has no rows: gaining it costs its 2 pages alone, until a chunk is planned there.
        assertThat(m.predicted(C, A)).isEqualTo(101 + 2 * 16);
        m.add(1, 10);
        // Losing C: A gains p1 with its 10 bytes and its first row's page; B holds p1 and pays that page as well
        // (and gains p2 with its 3 pages, as before).
        assertThat(m.predicted(C, A)).isEqualTo(101 + 2 * 16 + 10 + 16);
        assertThat(m.predicted(C, B)).isEqualTo(100 + (1 + 3 * 16) + 10 + 16);
        m.add(1, 10);
        assertThat(m.predicted(C, A)).isEqualTo(101 + 2 * 16 + 20 + 16);
        assertThat(FailoverModel.newPartitionBytes(16 << 10, false)).isEqualTo(32 << 10);
        assertThat(FailoverModel.newPartitionBytes(16 << 10, true)).isEqualTo(48 << 10);
    }

    @Test
    void aFirstChunkInAPartitionNeedsRoomForItsPageToo() {
        // Losing C, A gains p1 (10 bytes, 3 pages of 16) and p2 has no rows: 1000 - 900 - 58 = 42 bytes left.
        FailoverModel m = new FailoverModel(OWNERS, WITHOUT, new long[] {0, 10, 0}, new long[3],
            Map.of(A, 900L, B, 900L, C, 900L), Map.of(A, 1000L, B, 1000L, C, 1000L), Map.of(A, 16, B, 16, C, 16));
        assertThat(m.headroom(C, A)).isEqualTo(42);
        // 30 more fit in p1, which has rows, but not in p0, whose first row costs every holder a page more.
        assertThat(m.fits(1, 30)).isTrue();
        assertThat(m.fits(0, 30)).isFalse();
        assertThat(m.fits(0, 26)).isTrue();
    }

    @Test
    void pendingBytesOfAPartitionWithoutRowsBringTheFirstRowsPageToItsOwners() {
        FailoverModel m = new FailoverModel(OWNERS, WITHOUT, new long[] {50, 0, 0}, new long[] {50, 0, 0},
            Map.of(A, 0L, B, 0L, C, 0L), Map.of(A, 1000L, B, 1000L, C, 1000L), Map.of(A, 16, B, 16, C, 16));
        // Losing C: A and B, p0's owners, each pay p0's 50 pending bytes and its first row's page; A also gains
        // p1 and B gains p2, both without rows (2 pages each).
        assertThat(m.predicted(C, A)).isEqualTo(50 + 16 + 2 * 16);
        // Losing A: C gains p0 with its rows (50 and 3 pages).
        assertThat(m.predicted(A, C)).isEqualTo(50 + 3 * 16);
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
