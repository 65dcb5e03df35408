package dev.spillway.internal.store;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.SpillwayException;
import dev.spillway.internal.capacity.LedgerHost;
import dev.spillway.internal.ignite.IgniteWaits;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.cache.Cache;
import javax.cache.processor.MutableEntry;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.CacheEntryProcessor;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.query.QueryCursor;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * The catalog cache: one {@link AppCatalog} per application. Every change is an entry processor run on the
 * entry's primary node, so ids increase per application, a commit and its retention happen at once, and a claim
 * is taken over by exactly one node.
 *
 * <p>Every processor gives the same answer when run again on its own result: the cache is ATOMIC, and when an
 * entry's primary leaves during an update Ignite sends the update again, to a new primary that may already hold
 * the first run's result. A begin, a take-over and a delete carry a token of their own, which the claim they make
 * keeps; a commit finds its manifest committed, or evicted by retention since.
 */
final class Catalog {
    /** Entries per getAll call. */
    private static final int READ_BATCH = 512;
    /**
     * Checkpoints of one application being written at once, at most: each holds a claim in the application's
     * entry, and the entries live in the small metadata region, which must never fill (Ignite halts a node whose
     * in-memory region does).
     */
    static final int MAX_PENDING = 32;
    /** What {@link #begin} answers when the application has {@link #MAX_PENDING} checkpoints being written. */
    static final long REFUSED = -1;
    /** What {@link #begin} answers when the entry's node has its metadata region at its admission limit. */
    static final long METADATA_FULL = -2;
    /** What a {@link Begin} that may not create the entry answers when there is none. */
    static final long NEW = -3;
    /**
     * The key of the entry whose last id is the highest any forgotten application reached: an application's ids
     * start above it when its entry is made again, so no id is used twice (blank, never an application's name).
     */
    static final String FLOOR_KEY = "";

    private final Ignite ignite;
    private final StartedCache<String, AppCatalog> cache;
    private final Duration timeout;

    /** @param timeout the longest a read or an update waits on the entry's primary node */
    Catalog(Ignite ignite, Duration timeout) {
        this.ignite = ignite;
        this.cache = new StartedCache<>(ignite, Layout.CATALOG_CACHE, timeout);
        this.timeout = timeout;
    }

    /** Runs {@code processor} on {@code application}'s entry, waiting at most the timeout. */
    private <T> T invoke(String application, CacheEntryProcessor<String, AppCatalog, T> processor, String step) {
        return IgniteWaits.get(cache.get().invokeAsync(application, processor), timeout, step,
            () -> IgniteWaits.primaryOf(ignite, Layout.CATALOG_CACHE, application));
    }

    /** The classes of the catalog's entries and entry processors, which cross the wire. */
    static List<Class<?>> wireTypes() {
        return List.of(AppCatalog.class, Claim.class, ChunkRefs.class, Manifest.class, ChunkTable.class,
            Begin.class, Begin.Result.class, Intend.class, Commit.class, TakeOver.class, Delete.class, Forget.class,
            RemoveIfEmpty.class, RaiseFloor.class, MarkDamaged.class);
    }

    AppCatalog get(String application) {
        return IgniteWaits.get(cache.get().getAsync(application), timeout, "reading the catalog of " + application,
            () -> IgniteWaits.primaryOf(ignite, Layout.CATALOG_CACHE, application));
    }

    /** The catalogs of {@code applications} that exist, read in batches. */
    Map<String, AppCatalog> getAll(List<String> applications) {
        Map<String, AppCatalog> all = new HashMap<>();
        for (int from = 0; from < applications.size(); from += READ_BATCH)
            all.putAll(IgniteWaits.get(cache.get().getAllAsync(new HashSet<>(
                applications.subList(from, Math.min(applications.size(), from + READ_BATCH)))), timeout,
                "reading " + Math.min(READ_BATCH, applications.size() - from) + " catalogs", () -> "(several)"));
        return all;
    }

    /**
     * Every application's catalog, by application: a scan of the whole cache (each server sends the entries it is
     * primary for), for the operator's status and views, not for a checkpoint's path.
     */
    Map<String, AppCatalog> all() {
        Map<String, AppCatalog> all = new TreeMap<>();
        try (QueryCursor<Cache.Entry<String, AppCatalog>> entries = cache.get().query(new ScanQuery<>())) {
            for (Cache.Entry<String, AppCatalog> e : entries) {
                if (!e.getKey().equals(FLOOR_KEY))
                    all.put(e.getKey(), e.getValue());
            }
        }
        return all;
    }

    /** The catalog-cache partitions this node is primary for, as Ignite maps them now. */
    int[] primaryPartitions() {
        return ignite.affinity(Layout.CATALOG_CACHE).primaryPartitions(ignite.cluster().localNode());
    }

    /** The catalogs this node is primary for. */
    Iterable<Cache.Entry<String, AppCatalog>> localPrimary() {
        return cache.get().localEntries(CachePeekMode.PRIMARY);
    }

    /**
     * Hands out the next id and records a pending claim for it, which pins the chunks of the latest committed
     * checkpoint (the base the new one may name chunks of).
     *
     * @throws SpillwayException when the application has {@link #MAX_PENDING} checkpoints being written
     */
    Begin.Result begin(String application, UUID writer) {
        return begin(application, writer, null);
    }

    /**
     * Hands out the next id and records a pending claim for it that already names the partitions of its first
     * chunks: {@link #begin} and {@link #intend} in one round trip.
     */
    Begin.Result begin(String application, UUID writer, int[] partitions) {
        long token = requestToken();
        String step = "beginning a checkpoint of " + application;
        Begin.Result started = invoke(application, new Begin(writer, partitions, token, -1), step);
        long id = started.id;
        if (id == NEW) {
            // No entry: a new application, or one forgotten, whose ids go on above every forgotten one's.
            AppCatalog floor = IgniteWaits.get(cache.get().getAsync(FLOOR_KEY), timeout, "reading the id floor",
                () -> IgniteWaits.primaryOf(ignite, Layout.CATALOG_CACHE, FLOOR_KEY));
            started = invoke(application, new Begin(writer, partitions, token, floor == null ? 0 : floor.lastId),
                step);
            id = started.id;
        }
        if (id == REFUSED)
            throw new SpillwayException("Application " + application + " has " + MAX_PENDING + " checkpoints "
                + "being written, the most one application may have: commit or abort one first (the claim of a "
                + "writer that died lapses after the lease timeout)");
        if (id == METADATA_FULL)
            throw new CapacityExhaustedException("A server's metadata region is at its admission limit (node "
                + IgniteWaits.primaryOf(ignite, Layout.CATALOG_CACHE, application) + ", which holds the catalog of "
                + application + ", or another: an entry's backups fill too): no checkpoint begins until entries go "
                + "(an application with no checkpoint left is forgotten two lease timeouts later); a larger "
                + "spillway.metadataRegionSize holds more applications", 0, 0);
        return started;
    }

    /** A token no other request has: random, never 0 (a claim that no begin made carries 0). */
    private static long requestToken() {
        long t;
        do {
            t = ThreadLocalRandom.current().nextLong();
        } while (t == 0);
        return t;
    }

    /**
     * Records the partitions of the next chunks (none, to renew the claim alone) and renews the claim: its renewal
     * count becomes {@code renewal} (the writer's count of its calls, so a re-run changes nothing). False when the
     * claim is gone (lapsed and reclaimed).
     */
    boolean intend(String application, long id, UUID writer, int from, int[] partitions, long renewal) {
        return invoke(application, new Intend(id, writer, from, partitions, renewal), "renewing the claim on "
            + application + "/" + id);
    }

    /**
     * Commits the manifest; returns the removal claims the commit made (the checkpoints retention evicted, and the
     * pinned chunks nothing names any more), or null when the claim is gone.
     */
    List<Claim> commit(Manifest manifest, UUID writer, int retention) {
        return invoke(manifest.application(), new Commit(manifest, writer, retention, requestToken()), "committing "
            + manifest.application() + "/" + manifest.checkpointId());
    }

    /**
     * Moves a pending claim, or a removal claim, to a new owner as a removal claim, if it still has the expected
     * owner and renewal count ({@code -1}: any). Returns it, or null when it changed or is gone.
     */
    Claim takeOver(String application, long id, UUID expectedOwner, long expectedRenewals, UUID owner) {
        return invoke(application, new TakeOver(id, expectedOwner, expectedRenewals, owner, requestToken()),
            "taking over the claim on " + application + "/" + id);
    }

    /** Moves a committed checkpoint to a removal claim; returns it, or null when there is no such checkpoint. */
    Claim delete(String application, long id, UUID owner) {
        return invoke(application, new Delete(id, owner, requestToken()), "deleting " + application + "/" + id);
    }

    /**
     * Removes the entry of an application that names no checkpoint (none committed, written or being removed) and
     * whose last id is still {@code lastId}, raising the id floor to it first: made again, the application's ids
     * start above every forgotten one's.
     */
    void removeIfEmpty(String application, long lastId) {
        invoke(FLOOR_KEY, new RaiseFloor(lastId), "raising the id floor");
        invoke(application, new RemoveIfEmpty(lastId), "forgetting the application " + application);
    }

    /**
     * Marks every chunk of a committed checkpoint whose bytes are stored chunk {@code index} of checkpoint {@code
     * home} as having no healthy copy left; false when no committed checkpoint names that stored chunk.
     */
    boolean markDamaged(String application, long home, int index) {
        return invoke(application, new MarkDamaged(home, index), "marking stored chunk " + index + " of "
            + application + "/" + home + " damaged");
    }

    /** Drops a removal claim once its chunks are removed. */
    void forget(String application, Claim claim) {
        invoke(application, new Forget(claim.checkpointId, claim.token), "dropping the removal claim on "
            + application + "/" + claim.checkpointId);
    }

    static final class Begin implements CacheEntryProcessor<String, AppCatalog, Begin.Result> {
        private static final long serialVersionUID = 1L;

        /**
         * The id handed out (or {@link #REFUSED}, {@link #METADATA_FULL}, {@link #NEW}) and the checkpoint whose
         * chunks the claim pins, null when none is committed. A plain class: the binary marshaller writes it.
         */
        static final class Result {
            final long id;
            final Manifest base;

            Result(long id, Manifest base) {
                this.id = id;
                this.base = base;
            }

            @Override
            public boolean equals(Object o) {
                return o instanceof Result r && id == r.id && java.util.Objects.equals(base, r.base);
            }

            @Override
            public int hashCode() {
                return Long.hashCode(id);
            }

            @Override
            public String toString() {
                return "Begin.Result[id=" + id + " base=" + (base == null ? "none" : base.checkpointId()) + "]";
            }
        }

        private final UUID writer;
        /** The first chunks' partitions, or null. */
        private final int[] partitions;
        /** This request, told apart from every other begin. */
        private final long token;
        /**
         * Where the ids of an application with no entry start (after it); negative: do not create the entry,
         * answer {@link #NEW}.
         */
        private final long floor;
        /** The node the processor runs on (null in a unit test's in-memory entry). */
        @IgniteInstanceResource
        private transient Ignite local;

        /** A begin that creates a missing entry with ids from 1. */
        Begin(UUID writer, int[] partitions, long token) {
            this(writer, partitions, token, 0);
        }

        Begin(UUID writer, int[] partitions, long token, long floor) {
            this.writer = writer;
            this.partitions = partitions;
            this.token = token;
            this.floor = floor;
        }

        @Override
        public Result process(MutableEntry<String, AppCatalog> entry, Object... args) {
            if (!entry.exists() && floor < 0)
                return new Result(NEW, null);
            AppCatalog c = entry.exists() ? entry.getValue() : new AppCatalog();
            if (!entry.exists())
                c.lastId = floor;
            for (Claim pending : c.pending) {
                // Run again on a new primary that holds this request's result: the same id and base, nothing new
                // (no base if it went meanwhile: its chunks stay pinned, unused, until the claim ends).
                if (pending.token == token)
                    return new Result(pending.checkpointId, c.manifest(pending.base));
            }
            if (c.pending.size() >= MAX_PENDING)
                return new Result(REFUSED, null);
            if (local != null && !LedgerHost.of(local).metadataHasRoom())
                return new Result(METADATA_FULL, null);
            long id = ++c.lastId;
            Claim claim = new Claim(id, writer);
            claim.token = token;
            if (partitions != null)
                claim.intend(0, partitions);
            Manifest base = c.committed.isEmpty() ? null : c.committed.get(c.committed.size() - 1);
            if (base != null) {
                claim.base = base.checkpointId();
                claim.pins = ChunkRefs.of(base.table());
            }
            c.pending.add(claim);
            entry.setValue(c);
            return new Result(id, base);
        }
    }

    static final class Intend implements CacheEntryProcessor<String, AppCatalog, Boolean> {
        private static final long serialVersionUID = 1L;
        private final long id;
        private final UUID writer;
        private final int from;
        private final int[] partitions;
        private final long renewal;

        Intend(long id, UUID writer, int from, int[] partitions, long renewal) {
            this.id = id;
            this.writer = writer;
            this.from = from;
            this.partitions = partitions;
            this.renewal = renewal;
        }

        @Override
        public Boolean process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.getValue();
            Claim claim = c == null ? null : c.pending(id);
            if (claim == null || !claim.owner.equals(writer))
                return false;
            claim.intend(from, partitions);
            claim.renewals = Math.max(claim.renewals, renewal);
            entry.setValue(c);
            return true;
        }
    }

    /**
     * Commits a manifest and applies retention. Each checkpoint retention evicts gets a removal claim for its stored
     * chunks that nothing else names; the claim's pinned chunks that nothing names any more (their checkpoint went
     * while this one was written, and this one does not name them) get one too.
     */
    static final class Commit implements CacheEntryProcessor<String, AppCatalog, List<Claim>> {
        private static final long serialVersionUID = 1L;
        private final Manifest manifest;
        private final UUID writer;
        private final int retention;
        /** This request: the removal claims it makes carry this token and the next ones. */
        private final long token;

        Commit(Manifest manifest, UUID writer, int retention, long token) {
            this.manifest = manifest;
            this.writer = writer;
            this.retention = retention;
            this.token = token;
        }

        @Override
        public List<Claim> process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.getValue();
            long id = manifest.checkpointId();
            Claim claim = c == null ? null : c.pending(id);
            if (claim == null && c != null && c.holdsCommitOf(manifest))
                return c.evictedBy(id);
            if (claim == null || !claim.owner.equals(writer))
                return null;
            refuseUnpinned(claim);
            c.pending.remove(claim);
            c.committed.add(manifest);
            c.committed.sort(Comparator.comparingLong(Manifest::checkpointId));
            List<Manifest> gone = new ArrayList<>();
            while (c.committed.size() > retention)
                gone.add(c.committed.remove(0));
            Set<ChunkRefs.Ref> inUse = c.inUse();
            Set<ChunkRefs.Ref> taken = new HashSet<>();
            ArrayList<Claim> made = new ArrayList<>();
            long next = token;
            for (Manifest m : gone)
                made.add(Claim.removal(m.checkpointId(), writer, ChunkRefs.of(m.table()).unnamed(inUse, taken),
                    next++));
            ChunkRefs unpinned = claim.pins.unnamed(inUse, taken);
            if (!unpinned.isEmpty())
                made.add(Claim.removal(id, writer, unpinned, next));
            for (Claim removal : made) {
                removal.evictedBy = id;
                c.deleting.add(removal);
            }
            entry.setValue(c);
            return made;
        }

        /** Refuses a manifest that names another checkpoint's chunk its claim does not pin (nothing kept it). */
        private void refuseUnpinned(Claim claim) {
            Set<ChunkRefs.Ref> pinned = claim.pins.refs();
            ChunkTable t = manifest.table();
            for (int i = 0; i < t.size(); i++) {
                if (t.home(i) != manifest.checkpointId()
                    && !pinned.contains(new ChunkRefs.Ref(t.home(i), t.storedIndex(i))))
                    throw new IllegalStateException("Checkpoint " + manifest.application() + "/"
                        + manifest.checkpointId() + ": chunk " + i + " names stored chunk " + t.storedIndex(i)
                        + " of checkpoint " + t.home(i) + ", which its claim does not pin (it pins those of "
                        + claim.base + ")");
            }
        }
    }

    static final class TakeOver implements CacheEntryProcessor<String, AppCatalog, Claim> {
        private static final long serialVersionUID = 1L;
        private final long id;
        private final UUID expectedOwner;
        private final long expectedRenewals;
        private final UUID owner;
        /** This request, told apart from every other. */
        private final long token;

        TakeOver(long id, UUID expectedOwner, long expectedRenewals, UUID owner, long token) {
            this.id = id;
            this.expectedOwner = expectedOwner;
            this.expectedRenewals = expectedRenewals;
            this.owner = owner;
            this.token = token;
        }

        @Override
        public Claim process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.getValue();
            if (c == null)
                return null;
            for (Claim claim : c.deleting) {
                // Run again on a new primary that holds this request's result: the claim is the new owner's.
                if (claim.checkpointId == id && claim.token == token)
                    return claim;
            }
            for (List<Claim> list : List.of(c.pending, c.deleting)) {
                for (Claim claim : list) {
                    if (claim.checkpointId == id && claim.owner.equals(expectedOwner)
                        && (expectedRenewals < 0 || claim.renewals == expectedRenewals)) {
                        list.remove(claim);
                        if (!claim.pins.isEmpty()) {
                            // A checkpoint that will not be committed: the chunks it pinned that nothing else
                            // names (their checkpoint went meanwhile) are its to remove.
                            ChunkRefs unpinned = claim.pins.unnamed(c.inUse(), new HashSet<>());
                            for (int i = 0; i < unpinned.size(); i++)
                                claim.drops.add(unpinned.home(i), unpinned.index(i), unpinned.partition(i));
                            claim.pins = new ChunkRefs();
                        }
                        claim.owner = owner;
                        claim.renewals = 0;
                        claim.token = token;
                        c.deleting.add(claim);
                        entry.setValue(c);
                        return claim;
                    }
                }
            }
            return null;
        }
    }

    static final class Delete implements CacheEntryProcessor<String, AppCatalog, Claim> {
        private static final long serialVersionUID = 1L;
        private final long id;
        private final UUID owner;
        /** This request, told apart from every other. */
        private final long token;

        Delete(long id, UUID owner, long token) {
            this.id = id;
            this.owner = owner;
            this.token = token;
        }

        @Override
        public Claim process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.getValue();
            if (c == null)
                return null;
            for (Claim claim : c.deleting) {
                // Run again on a new primary that holds this request's result: the same removal claim.
                if (claim.checkpointId == id && claim.token == token)
                    return claim;
            }
            Manifest m = c.manifest(id);
            if (m == null)
                return null;
            c.committed.remove(m);
            Claim removal = Claim.removal(id, owner, ChunkRefs.of(m.table()).unnamed(c.inUse(), new HashSet<>()),
                token);
            c.deleting.add(removal);
            entry.setValue(c);
            return removal;
        }
    }

    /** Removes the entry of an application that names no checkpoint, if its last id is still {@code lastId}. */
    static final class RemoveIfEmpty implements CacheEntryProcessor<String, AppCatalog, Void> {
        private static final long serialVersionUID = 1L;
        private final long lastId;

        RemoveIfEmpty(long lastId) {
            this.lastId = lastId;
        }

        @Override
        public Void process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.getValue();
            if (c != null && c.isEmpty() && c.lastId == lastId)
                entry.remove();
            return null;
        }
    }

    /** Raises the id floor ({@link #FLOOR_KEY}'s last id) to at least {@code atLeast}; never lowers it. */
    static final class RaiseFloor implements CacheEntryProcessor<String, AppCatalog, Void> {
        private static final long serialVersionUID = 1L;
        private final long atLeast;

        RaiseFloor(long atLeast) {
            this.atLeast = atLeast;
        }

        @Override
        public Void process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.exists() ? entry.getValue() : new AppCatalog();
            if (!entry.exists() || c.lastId < atLeast) {
                c.lastId = Math.max(c.lastId, atLeast);
                entry.setValue(c);
            }
            return null;
        }
    }

    /**
     * Marks every chunk of a committed checkpoint whose bytes are stored chunk {@code index} of checkpoint {@code
     * home} as having no healthy copy left; answers whether any committed checkpoint names it (one deleted
     * meanwhile is left alone). Marking twice changes nothing.
     */
    static final class MarkDamaged implements CacheEntryProcessor<String, AppCatalog, Boolean> {
        private static final long serialVersionUID = 1L;
        private final long home;
        private final int index;

        MarkDamaged(long home, int index) {
            this.home = home;
            this.index = index;
        }

        @Override
        public Boolean process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.getValue();
            if (c == null)
                return false;
            boolean named = false;
            boolean changed = false;
            for (int k = 0; k < c.committed.size(); k++) {
                Manifest m = c.committed.get(k);
                Manifest marked = m;
                for (int i = 0; i < m.chunks(); i++) {
                    if (m.table().home(i) == home && m.table().storedIndex(i) == index) {
                        named = true;
                        marked = marked.withDamaged(i);
                    }
                }
                if (marked != m) {
                    c.committed.set(k, marked);
                    changed = true;
                }
            }
            if (changed)
                entry.setValue(c);
            return named;
        }
    }

    /** Drops the removal claim on checkpoint {@code id} made by request {@code token} (one checkpoint may have two). */
    static final class Forget implements CacheEntryProcessor<String, AppCatalog, Void> {
        private static final long serialVersionUID = 1L;
        private final long id;
        private final long token;

        Forget(long id, long token) {
            this.id = id;
            this.token = token;
        }

        @Override
        public Void process(MutableEntry<String, AppCatalog> entry, Object... args) {
            AppCatalog c = entry.getValue();
            if (c != null && c.deleting.removeIf(claim -> claim.checkpointId == id && claim.token == token))
                entry.setValue(c);
            return null;
        }
    }
}
