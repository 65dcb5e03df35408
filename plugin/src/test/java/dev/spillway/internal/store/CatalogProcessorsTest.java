package dev.spillway.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Manifest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.cache.processor.MutableEntry;
import org.apache.ignite.cache.CacheEntryProcessor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The catalog's entry processors against an in-memory entry. Ignite re-runs an ATOMIC update's processor on the
 * new primary when the old one leaves mid-update, and the new primary may already hold the first run's result: so
 * every processor, applied twice in a row, must give the same outcome and leave the same entry.
 */
class CatalogProcessorsTest {
    private static final String APP = "orders-app";
    private static final UUID WRITER = new UUID(0, 1);
    private static final UUID OTHER = new UUID(0, 2);
    private static final UUID RECLAIMER = new UUID(0, 3);

    /** An entry of the catalog cache in memory: like Ignite's, it hands a processor a copy of its value. */
    static final class Entry implements MutableEntry<String, AppCatalog> {
        private AppCatalog value;

        Entry(AppCatalog value) {
            this.value = copy(value);
        }

        <T> T apply(CacheEntryProcessor<String, AppCatalog, T> processor) {
            return processor.process(this);
        }

        /** A copy of what the entry holds now. */
        AppCatalog value() {
            return copy(value);
        }

        @Override
        public boolean exists() {
            return value != null;
        }

        @Override
        public void remove() {
            value = null;
        }

        @Override
        public void setValue(AppCatalog v) {
            value = copy(v);
        }

        @Override
        public String getKey() {
            return APP;
        }

        @Override
        public AppCatalog getValue() {
            return copy(value);
        }

        @Override
        public <T> T unwrap(Class<T> clazz) {
            throw new UnsupportedOperationException();
        }

        private static AppCatalog copy(AppCatalog c) {
            if (c == null)
                return null;
            AppCatalog copy = new AppCatalog();
            copy.lastId = c.lastId;
            copy.committed = new ArrayList<>(c.committed);
            copy.pending = new ArrayList<>(c.pending.stream().map(Entry::copy).toList());
            copy.deleting = new ArrayList<>(c.deleting.stream().map(Entry::copy).toList());
            return copy;
        }

        /** Every field of the claim, arrays cloned: a field added to Claim is copied too. */
        private static Claim copy(Claim c) {
            Claim copy = new Claim(c.checkpointId, c.owner);
            try {
                for (Field f : Claim.class.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || Modifier.isFinal(f.getModifiers()))
                        continue;
                    Object v = f.get(c);
                    f.set(copy, v instanceof int[] a ? a.clone() : v instanceof ChunkRefs r ? r.copy() : v);
                }
            }
            catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
            return copy;
        }
    }

    /**
     * Applies {@code processor} to {@code entry}, then again to the result as Ignite's re-run would, and checks the
     * second run answers as the first and leaves the entry as the first left it.
     */
    private static <T> T appliedTwice(Entry entry, CacheEntryProcessor<String, AppCatalog, T> processor) {
        T first = entry.apply(processor);
        AppCatalog after = entry.value();
        T second = entry.apply(processor);
        assertThat(second).as("outcome of the re-run").isEqualTo(first);
        assertThat(entry.value()).as("entry after the re-run").isEqualTo(after);
        return first;
    }

    /** A manifest of {@code chunks} chunks, all stored by the checkpoint itself, chunk i in partition id * 10 + i. */
    static Manifest manifest(long id, int chunks) {
        return manifest(id, chunks, null, new int[0]);
    }

    /**
     * A manifest of {@code chunks} chunks whose chunks {@code named} are the same chunks of {@code base} (references
     * to its stored chunks); the others are stored by the checkpoint itself, stored chunk k in partition id * 10 + k.
     */
    static Manifest manifest(long id, int chunks, Manifest base, int[] named) {
        ChunkTable t = new ChunkTable();
        int stored = 0;
        for (int i = 0; i < chunks; i++) {
            int chunk = i;
            if (base != null && java.util.Arrays.stream(named).anyMatch(n -> n == chunk))
                t.addFrom(base.table(), i);
            else {
                t.add(1024, id, i, (int)(id * 10 + stored), id, stored, 1024, (int)(id * 31 + i), ChunkTable.RAW);
                stored++;
            }
        }
        return new Manifest(APP, id, chunks * 1024L, t, "n0", 1_000, 2_000);
    }

    private static Catalog.Commit commit(Manifest m, UUID writer, int retention) {
        return new Catalog.Commit(m, writer, retention, m.checkpointId() * 1000);
    }

    /** The partitions of the stored chunks a removal claim removes. */
    private static List<Integer> removes(Claim claim) {
        return claim.keys(APP).stream().map(ChunkKey::partition).toList();
    }

    /** A catalog whose checkpoints 1 .. committed are committed and whose next is begun by WRITER. */
    private static Entry catalogWith(int committed) {
        Entry e = new Entry(null);
        for (int id = 1; id <= committed; id++) {
            e.apply(new Catalog.Begin(WRITER, new int[] {id}, id));
            e.apply(commit(manifest(id, 1), WRITER, 100));
        }
        e.apply(new Catalog.Begin(WRITER, new int[] {7, 8}, 1000));
        return e;
    }

    @Nested
    @DisplayName("begin")
    class Begin {
        @Test
        @DisplayName("hands out increasing ids, each with a pending claim naming its first partitions")
        void increasingIds() {
            Entry e = new Entry(null);
            assertThat(e.apply(new Catalog.Begin(WRITER, new int[] {3, 4}, 1)).id).isEqualTo(1L);
            assertThat(e.apply(new Catalog.Begin(OTHER, null, 2)).id).isEqualTo(2L);
            AppCatalog c = e.value();
            assertThat(c.lastId).isEqualTo(2);
            assertThat(c.pending(1).owner).isEqualTo(WRITER);
            assertThat(c.pending(1).partitions()).containsExactly(3, 4);
            assertThat(c.pending(2).partitions()).isEmpty();
        }

        @Test
        @DisplayName("applied twice (re-run after a primary change) takes one id and records one claim")
        void twice() {
            Entry e = catalogWith(2);
            long id = appliedTwice(e, new Catalog.Begin(WRITER, new int[] {1}, 77)).id;
            assertThat(id).isEqualTo(4);
            assertThat(e.value().pending).hasSize(2);
        }
        @Test
        @DisplayName("refuses a begin past the most checkpoints one application may have being written")
        void boundedClaims() {
            Entry e = new Entry(null);
            for (int i = 1; i <= Catalog.MAX_PENDING; i++)
                assertThat(e.apply(new Catalog.Begin(WRITER, new int[] {i}, i)).id).isEqualTo(i);
            AppCatalog full = e.value();
            assertThat(appliedTwice(e, new Catalog.Begin(WRITER, null, 999)).id).isEqualTo(Catalog.REFUSED);
            assertThat(e.value()).isEqualTo(full);
            assertThat(e.apply(new Catalog.Begin(WRITER, null, 3)).id).as("a re-run of an admitted begin").isEqualTo(3);
        }
    }

    @Nested
    @DisplayName("intend")
    class Intend {
        @Test
        @DisplayName("records the partitions of the next chunks in the writer's claim and renews it")
        void records() {
            Entry e = catalogWith(0);
            assertThat(e.apply(new Catalog.Intend(1, WRITER, 2, new int[] {5, 6}, 1))).isTrue();
            Claim claim = e.value().pending(1);
            assertThat(claim.partitions()).containsExactly(7, 8, 5, 6);
            assertThat(claim.renewals).isEqualTo(1);
        }

        @Test
        @DisplayName("refuses a writer that does not own the claim, and a claim that is gone")
        void refuses() {
            Entry e = catalogWith(0);
            assertThat(e.apply(new Catalog.Intend(1, OTHER, 2, new int[] {5}, 1))).isFalse();
            assertThat(e.apply(new Catalog.Intend(9, WRITER, 0, new int[] {5}, 1))).isFalse();
            assertThat(new Entry(null).apply(new Catalog.Intend(1, WRITER, 0, new int[] {5}, 1))).isFalse();
        }

        @Test
        @DisplayName("applied twice records the partitions once")
        void twice() {
            Entry e = catalogWith(0);
            assertThat(appliedTwice(e, new Catalog.Intend(1, WRITER, 2, new int[] {5, 6}, 1))).isTrue();
            assertThat(e.value().pending(1).partitions()).containsExactly(7, 8, 5, 6);
        }
    }

    @Nested
    @DisplayName("commit")
    class Commit {
        @Test
        @DisplayName("makes the manifest visible and evicts the oldest beyond retention into removal claims")
        void commitsAndEvicts() {
            Entry e = catalogWith(2);
            List<Claim> evicted = e.apply(commit(manifest(3, 2), WRITER, 2));
            AppCatalog c = e.value();
            assertThat(c.committed()).extracting(Manifest::checkpointId).containsExactly(2L, 3L);
            assertThat(c.pending).isEmpty();
            assertThat(evicted).extracting(Claim::checkpointId).containsExactly(1L);
            assertThat(c.deleting).containsExactlyElementsOf(evicted);
            assertThat(evicted.get(0).owner).isEqualTo(WRITER);
            assertThat(removes(evicted.get(0))).containsExactly(10);
        }

        @Test
        @DisplayName("refuses a writer without the pending claim: nothing changes")
        void refuses() {
            Entry e = catalogWith(1);
            AppCatalog before = e.value();
            assertThat(e.apply(commit(manifest(2, 2), OTHER, 2))).isNull();
            assertThat(e.apply(commit(manifest(5, 2), WRITER, 2))).isNull();
            assertThat(e.value()).isEqualTo(before);
        }

        @Test
        @DisplayName("applied twice (re-run after a primary change) answers committed, with the same evictions")
        void twice() {
            Entry e = catalogWith(2);
            List<Claim> evicted = appliedTwice(e, commit(manifest(3, 2), WRITER, 2));
            assertThat(evicted).extracting(Claim::checkpointId).containsExactly(1L);
            assertThat(e.value().committed()).extracting(Manifest::checkpointId).containsExactly(2L, 3L);
        }

        @Test
        @DisplayName("applied twice when the commit evicted its own checkpoint (an older id committed last)")
        void twiceEvictingItself() {
            Entry e = new Entry(null);
            e.apply(new Catalog.Begin(WRITER, new int[] {1}, 1));
            e.apply(new Catalog.Begin(OTHER, new int[] {2}, 2));
            e.apply(commit(manifest(2, 1), OTHER, 1));
            List<Claim> evicted = appliedTwice(e, commit(manifest(1, 1), WRITER, 1));
            assertThat(evicted).extracting(Claim::checkpointId).containsExactly(1L);
            assertThat(e.value().committed()).extracting(Manifest::checkpointId).containsExactly(2L);
        }

        @Test
        @DisplayName("run again after another writer's commit evicted it: still committed, the same evictions")
        void twiceAfterALaterCommitEvictedIt() {
            Entry e = new Entry(null);
            e.apply(new Catalog.Begin(WRITER, new int[] {1}, 1));
            e.apply(new Catalog.Begin(OTHER, new int[] {2}, 2));
            Catalog.Commit mine = commit(manifest(1, 1), WRITER, 1);
            List<Claim> first = e.apply(mine);
            e.apply(commit(manifest(2, 1), OTHER, 1));
            assertThat(e.value().committed()).extracting(Manifest::checkpointId).containsExactly(2L);
            assertThat(e.apply(mine)).isEqualTo(first).isNotNull();
        }

        @Test
        @DisplayName("a commit whose claim lapsed and was reclaimed is refused, also when it comes twice")
        void reclaimedBeforeCommit() {
            Entry e = catalogWith(0);
            e.apply(new Catalog.TakeOver(1, WRITER, 0, RECLAIMER, 5));
            assertThat(appliedTwice(e, commit(manifest(1, 2), WRITER, 2))).isNull();
            assertThat(e.value().committed()).isEmpty();
        }
    }

    @Nested
    @DisplayName("take over")
    class TakeOver {
        @Test
        @DisplayName("moves a lapsed pending claim to a removal claim of the new owner")
        void takesOver() {
            Entry e = catalogWith(0);
            Claim taken = e.apply(new Catalog.TakeOver(1, WRITER, 0, RECLAIMER, 5));
            assertThat(taken.owner).isEqualTo(RECLAIMER);
            assertThat(taken.partitions()).containsExactly(7, 8);
            assertThat(e.value().pending).isEmpty();
            assertThat(e.value().deleting).containsExactly(taken);
        }

        @Test
        @DisplayName("refuses when the claim changed owner or was renewed since it was read")
        void refuses() {
            Entry e = catalogWith(0);
            assertThat(e.apply(new Catalog.TakeOver(1, OTHER, 0, RECLAIMER, 5))).isNull();
            assertThat(e.apply(new Catalog.TakeOver(1, WRITER, 1, RECLAIMER, 5))).isNull();
            assertThat(e.value().pending).hasSize(1);
        }

        @Test
        @DisplayName("applied twice hands the claim to the new owner once, and says so both times")
        void twice() {
            Entry e = catalogWith(0);
            Claim taken = appliedTwice(e, new Catalog.TakeOver(1, WRITER, 0, RECLAIMER, 5));
            assertThat(taken).isNotNull();
            assertThat(e.value().deleting).hasSize(1);
        }

        @Test
        @DisplayName("applied twice by a writer taking back its own claim (abort)")
        void twiceOwnClaim() {
            Entry e = catalogWith(0);
            Claim taken = appliedTwice(e, new Catalog.TakeOver(1, WRITER, -1, WRITER, 5));
            assertThat(taken).isNotNull();
        }

        @Test
        @DisplayName("a second take-over (another request) of a claim already taken over is refused")
        void secondTakeOverRefused() {
            Entry e = catalogWith(0);
            assertThat(e.apply(new Catalog.TakeOver(1, WRITER, 0, RECLAIMER, 5))).isNotNull();
            assertThat(e.apply(new Catalog.TakeOver(1, WRITER, 0, OTHER, 8))).isNull();
            assertThat(e.value().deleting).singleElement().extracting(c -> c.owner).isEqualTo(RECLAIMER);
        }
    }

    @Nested
    @DisplayName("delete")
    class Delete {
        @Test
        @DisplayName("moves a committed checkpoint to a removal claim; an unknown one is not found")
        void deletes() {
            Entry e = catalogWith(2);
            Claim removal = e.apply(new Catalog.Delete(1, OTHER, 6));
            assertThat(removes(removal)).containsExactly(10);
            assertThat(e.value().committed()).extracting(Manifest::checkpointId).containsExactly(2L);
            assertThat(e.apply(new Catalog.Delete(9, OTHER, 6))).isNull();
        }

        @Test
        @DisplayName("applied twice deletes once and answers with the removal claim both times")
        void twice() {
            Entry e = catalogWith(2);
            assertThat(appliedTwice(e, new Catalog.Delete(1, OTHER, 6))).isNotNull();
            assertThat(e.value().deleting).hasSize(1);
        }

        @Test
        @DisplayName("a second delete (another request, from the same node at the same instant) is not found")
        void secondDeleteIsNotFound() {
            Entry e = catalogWith(2);
            assertThat(e.apply(new Catalog.Delete(1, OTHER, 6))).isNotNull();
            assertThat(e.apply(new Catalog.Delete(1, OTHER, 7))).isNull();
        }
    }

    @Nested
    @DisplayName("forget")
    class Forget {
        @Test
        @DisplayName("drops a removal claim once its chunks are removed, also when applied twice")
        void twice() {
            Entry e = catalogWith(2);
            e.apply(new Catalog.Delete(1, OTHER, 6));
            appliedTwice(e, new Catalog.Forget(1, 6));
            assertThat(e.value().deleting).isEmpty();
            assertThat(e.value().committed()).extracting(Manifest::checkpointId).containsExactly(2L);
        }
    }

    @Nested
    @DisplayName("id floor")
    class IdFloor {
        @Test
        @DisplayName("a begin that may not create the entry answers NEW and leaves none; one with a floor starts above it")
        void beginsAboveTheFloor() {
            Entry e = new Entry(null);
            assertThat(appliedTwice(e, new Catalog.Begin(WRITER, null, 5, -1)).id).isEqualTo(Catalog.NEW);
            assertThat(e.exists()).isFalse();
            assertThat(appliedTwice(e, new Catalog.Begin(WRITER, null, 5, 40)).id).isEqualTo(41);
            assertThat(e.apply(new Catalog.Begin(WRITER, null, 6, -1)).id).as("an entry that exists").isEqualTo(42);
        }

        @Test
        @DisplayName("the floor only rises, also when applied twice")
        void onlyRises() {
            Entry e = new Entry(null);
            appliedTwice(e, new Catalog.RaiseFloor(7));
            assertThat(e.value().lastId).isEqualTo(7);
            appliedTwice(e, new Catalog.RaiseFloor(3));
            assertThat(e.value().lastId).isEqualTo(7);
        }
    }

    @Nested
    @DisplayName("remove if empty")
    class RemoveIfEmpty {
        @Test
        @DisplayName("removes an entry that names no checkpoint and keeps its last id, also when applied twice")
        void removesEmpty() {
            AppCatalog empty = new AppCatalog();
            empty.lastId = 7;
            Entry e = new Entry(empty);
            appliedTwice(e, new Catalog.RemoveIfEmpty(7));
            assertThat(e.exists()).isFalse();
        }

        @Test
        @DisplayName("keeps an entry that names a checkpoint, or whose last id moved since it was seen empty")
        void keepsOthers() {
            Entry named = catalogWith(1);
            named.apply(new Catalog.RemoveIfEmpty(named.value().lastId));
            assertThat(named.exists()).isTrue();
            AppCatalog empty = new AppCatalog();
            empty.lastId = 8;
            Entry moved = new Entry(empty);
            moved.apply(new Catalog.RemoveIfEmpty(7));
            assertThat(moved.exists()).isTrue();
        }
    }

    @Nested
    @DisplayName("mark damaged")
    class MarkDamaged {
        @Test
        @DisplayName("marks the chunk on the committed checkpoint's manifest, once, also when applied twice")
        void marks() {
            Entry e = catalogWith(2);
            assertThat(appliedTwice(e, new Catalog.MarkDamaged(1, 0))).isTrue();
            assertThat(e.value().manifest(1).damagedChunks()).containsExactly(0);
            assertThat(e.value().manifest(1).info().damaged()).isTrue();
            assertThat(e.value().manifest(2).damagedChunks()).isEmpty();
        }

        @Test
        @DisplayName("a second chunk joins the first, in order")
        void secondChunk() {
            Entry e = new Entry(null);
            e.apply(new Catalog.Begin(WRITER, new int[] {1, 2, 3}, 1));
            e.apply(commit(manifest(1, 3), WRITER, 100));
            e.apply(new Catalog.MarkDamaged(1, 2));
            e.apply(new Catalog.MarkDamaged(1, 0));
            assertThat(e.value().manifest(1).damagedChunks()).containsExactly(0, 2);
        }

        @Test
        @DisplayName("a checkpoint that is not committed (deleted meanwhile) is left alone")
        void notCommitted() {
            Entry e = catalogWith(1);
            AppCatalog before = e.value();
            assertThat(appliedTwice(e, new Catalog.MarkDamaged(5, 0))).isFalse();
            assertThat(e.value()).isEqualTo(before);
            assertThat(new Entry(null).apply(new Catalog.MarkDamaged(1, 0))).isFalse();
        }
    }

    @Nested
    @DisplayName("shared chunks")
    class SharedChunks {
        private Entry committedOne() {
            Entry e = new Entry(null);
            e.apply(new Catalog.Begin(WRITER, new int[] {10, 11, 12}, 1));
            e.apply(commit(manifest(1, 3), WRITER, 1));
            return e;
        }

        @Test
        @DisplayName("a begin pins the stored chunks of the latest committed checkpoint and answers it as the base")
        void beginPinsTheLatest() {
            Entry e = catalogWith(2);
            Claim pending = e.value().pending(3);
            assertThat(pending.base).isEqualTo(2);
            assertThat(pending.pins.keys(APP)).extracting(ChunkKey::checkpointId).containsExactly(2L);
            Catalog.Begin.Result again = e.apply(new Catalog.Begin(WRITER, null, 1000));
            assertThat(again.id).isEqualTo(3);
            assertThat(again.base.checkpointId()).isEqualTo(2);
            assertThat(new Entry(null).apply(new Catalog.Begin(WRITER, null, 1)).base).isNull();
        }

        @Test
        @DisplayName("retention keeps a stored chunk while a newer checkpoint names it, and removes it once none does")
        void retentionKeepsNamedChunks() {
            Entry e = committedOne();
            Catalog.Begin.Result second = e.apply(new Catalog.Begin(WRITER, new int[] {20}, 2));
            List<Claim> made = appliedTwice(e, commit(manifest(2, 3, second.base, new int[] {0, 2}), WRITER, 1));
            assertThat(made).singleElement().satisfies(c -> {
                assertThat(c.checkpointId).isEqualTo(1);
                assertThat(removes(c)).containsExactly(11);
            });
            e.apply(new Catalog.Begin(WRITER, new int[] {30, 31, 32}, 3));
            made = appliedTwice(e, commit(manifest(3, 3), WRITER, 1));
            assertThat(made).singleElement().satisfies(c -> {
                assertThat(c.checkpointId).isEqualTo(2);
                assertThat(removes(c)).containsExactlyInAnyOrder(10, 12, 20);
            });
        }

        @Test
        @DisplayName("a commit naming another checkpoint's chunk that its claim does not pin is refused")
        void unpinnedReferenceRefused() {
            Entry e = new Entry(null);
            e.apply(new Catalog.Begin(WRITER, new int[] {10}, 1));
            e.apply(new Catalog.Begin(OTHER, new int[] {20}, 2));
            Manifest first = manifest(1, 2);
            e.apply(commit(first, WRITER, 5));
            AppCatalog before = e.value();
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> e.apply(commit(manifest(2, 2, first, new int[] {0}), OTHER, 5)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("does not pin");
            assertThat(e.value()).isEqualTo(before);
        }

        @Test
        @DisplayName("pinned chunks outlive their evicted checkpoint; those the pinning checkpoint does not name go "
            + "at its commit")
        void pinsOutliveEviction() {
            Entry e = committedOne();
            Catalog.Begin.Result second = e.apply(new Catalog.Begin(WRITER, new int[] {20}, 2));
            e.apply(new Catalog.Begin(OTHER, new int[] {30, 31, 32}, 3));
            List<Claim> made = e.apply(commit(manifest(3, 3), OTHER, 1));
            assertThat(made).singleElement().satisfies(c -> assertThat(removes(c)).as("all pinned").isEmpty());
            made = appliedTwice(e, commit(manifest(2, 3, second.base, new int[] {1}), WRITER, 2));
            assertThat(made).singleElement().satisfies(c -> {
                assertThat(c.checkpointId).isEqualTo(2);
                assertThat(c.evictedBy).isEqualTo(2);
                assertThat(removes(c)).containsExactlyInAnyOrder(10, 12);
            });
            assertThat(e.value().inUse()).contains(new ChunkRefs.Ref(1, 1));
            assertThat(e.value().committed()).extracting(Manifest::checkpointId).containsExactly(2L, 3L);
        }

        @Test
        @DisplayName("a checkpoint taken over (aborted, or its writer gone) removes the pinned chunks nothing else "
            + "names")
        void takeOverReleasesPins() {
            Entry e = committedOne();
            e.apply(new Catalog.Begin(WRITER, new int[] {20}, 2));
            e.apply(new Catalog.Begin(OTHER, new int[] {30, 31, 32}, 3));
            e.apply(commit(manifest(3, 3), OTHER, 1));
            Claim taken = appliedTwice(e, new Catalog.TakeOver(2, WRITER, -1, RECLAIMER, 9));
            assertThat(removes(taken)).containsExactlyInAnyOrder(20, 10, 11, 12);
            assertThat(taken.pins.isEmpty()).isTrue();
        }

        @Test
        @DisplayName("a delete removes only the stored chunks no other checkpoint names")
        void deleteKeepsShared() {
            Entry e = committedOne();
            Catalog.Begin.Result second = e.apply(new Catalog.Begin(WRITER, new int[] {20}, 2));
            e.apply(commit(manifest(2, 3, second.base, new int[] {0, 2}), WRITER, 10));
            assertThat(removes(appliedTwice(e, new Catalog.Delete(1, OTHER, 6)))).containsExactly(11);
            assertThat(removes(appliedTwice(e, new Catalog.Delete(2, OTHER, 7)))).containsExactlyInAnyOrder(10, 12, 20);
        }

        @Test
        @DisplayName("marking a stored chunk damaged marks every committed checkpoint that names it")
        void damageShared() {
            Entry e = committedOne();
            Catalog.Begin.Result second = e.apply(new Catalog.Begin(WRITER, new int[] {20}, 2));
            e.apply(commit(manifest(2, 3, second.base, new int[] {0, 2}), WRITER, 10));
            assertThat(appliedTwice(e, new Catalog.MarkDamaged(1, 2))).isTrue();
            assertThat(e.value().manifest(1).damagedChunks()).containsExactly(2);
            assertThat(e.value().manifest(2).damagedChunks()).containsExactly(2);
        }

        /**
         * Random begins, commits naming chunks of their base, aborts and deletes, with removals carried out as they
         * are made: no stored chunk is removed while a committed or pending checkpoint may read it, none twice, and
         * once everything is aborted and deleted every stored chunk has been removed.
         */
        @Test
        @DisplayName("in any order of begins, commits, aborts and deletes, each stored chunk is removed once, and "
            + "only when nothing names it")
        void removedOnceAndOnlyWhenUnnamed() {
            for (long seed = 1; seed <= 200; seed++) {
                java.util.Random random = new java.util.Random(seed);
                Entry e = new Entry(null);
                java.util.Map<Long, Manifest> open = new java.util.HashMap<>();
                java.util.Set<ChunkRefs.Ref> stored = new java.util.HashSet<>();
                java.util.Set<ChunkRefs.Ref> removed = new java.util.HashSet<>();
                long token = 1;
                for (int step = 0; step < 40; step++) {
                    int op = random.nextInt(4);
                    if ((op == 0 && open.size() < Catalog.MAX_PENDING) || open.isEmpty()) {
                        int next = e.exists() ? (int)e.value().lastId + 1 : 1;
                        Catalog.Begin.Result r = e.apply(new Catalog.Begin(WRITER,
                            new int[] {next * 10, next * 10 + 1, next * 10 + 2}, token++));
                        open.put(r.id, r.base);
                        continue;
                    }
                    long id = new ArrayList<>(open.keySet()).get(random.nextInt(open.size()));
                    Manifest base = open.remove(id);
                    if (op == 1) {
                        for (int k = 0; k < 3; k++)
                            stored.add(new ChunkRefs.Ref(id, k));
                        carryOut(e, List.of(appliedTwice(e, new Catalog.TakeOver(id, WRITER, -1, WRITER, token++))),
                            removed);
                        continue;
                    }
                    int[] named = base == null ? new int[0]
                        : java.util.stream.IntStream.range(0, Math.min(3, base.chunks()))
                            .filter(i -> random.nextBoolean()).toArray();
                    Manifest m = manifest(id, 3, base, named);
                    for (int i = 0; i < m.chunks(); i++) {
                        if (m.ownChunk(i))
                            stored.add(new ChunkRefs.Ref(id, m.table().storedIndex(i)));
                    }
                    carryOut(e, appliedTwice(e, commit(m, WRITER, 1 + random.nextInt(3))), removed);
                    if (op == 3 && !e.value().committed().isEmpty()) {
                        long victim = e.value().committed().get(random.nextInt(e.value().committed().size()))
                            .checkpointId();
                        carryOut(e, List.of(e.apply(new Catalog.Delete(victim, OTHER, token++))), removed);
                    }
                }
                for (long id : open.keySet()) {
                    for (int k = 0; k < 3; k++)
                        stored.add(new ChunkRefs.Ref(id, k));
                    carryOut(e, List.of(e.apply(new Catalog.TakeOver(id, WRITER, -1, WRITER, token++))), removed);
                }
                for (Manifest m : List.copyOf(e.value().committed()))
                    carryOut(e, List.of(e.apply(new Catalog.Delete(m.checkpointId(), OTHER, token++))), removed);
                assertThat(removed).as("seed " + seed).isEqualTo(stored);
                assertThat(e.value().isEmpty()).as("seed " + seed).isTrue();
            }
        }

        /** Removes what the claims hold, checking nothing they hold is in use or removed already, then forgets them. */
        private void carryOut(Entry e, List<Claim> claims, java.util.Set<ChunkRefs.Ref> removed) {
            for (Claim c : claims) {
                for (ChunkKey key : c.keys(APP)) {
                    ChunkRefs.Ref ref = new ChunkRefs.Ref(key.checkpointId(), key.index());
                    assertThat(e.value().inUse()).as("in use: " + ref).doesNotContain(ref);
                    assertThat(removed.add(ref)).as("removed once: " + ref).isTrue();
                }
                e.apply(new Catalog.Forget(c.checkpointId, c.token));
            }
        }
    }
}
