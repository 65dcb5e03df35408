package dev.spillway.internal.store;

import dev.spillway.Bytes;
import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.Housekeeping;
import dev.spillway.ScrubReport;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.capacity.CatalogBytes;
import dev.spillway.internal.capacity.Owners;
import dev.spillway.internal.capacity.Peers;
import dev.spillway.internal.capacity.QuorumValidator;
import dev.spillway.internal.capacity.Reservation;
import dev.spillway.internal.security.Grants;
import dev.spillway.internal.capacity.ServerQuorum;
import dev.spillway.internal.metrics.SpillwayMeters;
import dev.spillway.wire.ChunkAbsence;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkReader;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteLogger;
import org.apache.ignite.cluster.ClusterNode;

/**
 * The checkpoint engine of one node that runs the plugin: begins write sessions (reservation, placement and the
 * claim in the catalog), reads manifests, deletes, and removes chunks. The facade ({@link EmbeddedCheckpointStore})
 * and the thin clients' write sessions drive it.
 *
 * <p>Public for the node's assembly and the checkpoint service ({@code internal.service}). Not API: see {@code
 * dev.spillway.internal}.
 */
public final class CheckpointEngine {
    /** How a refusal names the servers the cluster lost. */
    private static final String LOST_SERVERS = "the cluster lost server(s) ";
    /** Bytes of chunks a reader fetches ahead. */
    private static final int READ_AHEAD_BYTES = 8 << 20;

    private final Ignite ignite;
    /** The admission cache, where each identity's {@link QuotaHoldings} are. */
    private final StartedCache<String, Object> quotaHoldings;
    private final SpillwayConfiguration config;
    private final boolean server;
    private final Peers peers;
    private final Owners owners;
    /** Split-brain protection: saves, commits and deletes only on a side holding a majority of the servers. */
    private final ServerQuorum quorum;
    private final Executor background;
    private final Catalog catalog;
    private final ChunkCache chunks;
    /** The lock writers plan under when chunks have backups; null without backups. */
    private final AdmissionLock admission;
    private final SpillwayMeters meters;
    /** Write sessions begun on this node and neither committed nor discarded yet. */
    /** Write sessions begun on this node and still open. */
    private final Set<WriteSession> openSessions = ConcurrentHashMap.newKeySet();
    /** This node's reclaiming passes, which remember the claims they saw (null on a client). */
    private final Reclaimer reclaimer;
    /** This node's sweeps of chunks nothing names (null on a client). */
    private final OrphanSweep sweep;
    /** This node's verification of the chunk copies it holds (null on a client). */
    private final Scrub scrub;

    /**
     * @param server whether this node holds a checkpoint region (else it is a thick client)
     * @param quorum whether this node's side of the cluster may change Spillway's caches
     * @param background runs work off the writer's path (the node's maintenance thread)
     */
    public CheckpointEngine(Ignite ignite, SpillwayConfiguration config, boolean server, Peers peers, Owners owners,
                            ServerQuorum quorum, Executor background, SpillwayMeters meters) {
        this.meters = meters;
        this.ignite = ignite;
        this.config = config;
        this.server = server;
        this.peers = peers;
        this.owners = owners;
        this.quorum = quorum;
        this.background = background;
        this.catalog = new Catalog(ignite, config.getOperationTimeout());
        this.chunks = new ChunkCache(ignite, config.getOperationTimeout());
        this.quotaHoldings = new StartedCache<>(ignite, Layout.ADMISSION_CACHE, config.getOperationTimeout());
        this.admission = config.getBackups() == 0 ? null
            : new AdmissionLock(ignite, config.getClock(), config.getLeaseTimeout().toMillis(),
                config.getOperationTimeout());
        this.reclaimer = server ? new Reclaimer(ignite, this) : null;
        this.sweep = server ? new OrphanSweep(ignite, this) : null;
        this.scrub = server ? new Scrub(ignite, this) : null;
    }

    /**
     * Every class the engine puts on the wire: chunk keys, the catalog's entries and entry processors, the
     * admission lock's holder, the peers' ledger and lease calls.
     */
    public static List<Class<?>> wireTypes() {
        List<Class<?>> types = new ArrayList<>(Catalog.wireTypes());
        types.addAll(List.of(QuotaHoldings.class, QuotaHoldings.Holding.class, QuotaUpdate.class));
        types.addAll(Peers.wireTypes());
        types.add(AdmissionLock.Holder.class);
        types.add(ChunkKey.class);
        types.add(ChunkCache.LocalCopies.class);
        types.add(ChunkCache.LocalCopies.Result.class);
        return types;
    }

    public SpillwayConfiguration config() {
        return config;
    }

    public UUID localId() {
        return ignite.cluster().localNode().id();
    }

    /** The node whose partitions a new checkpoint fills first: this node, or for a client the emptiest server. */
    public UUID home() {
        if (server)
            return localId();
        return peers.ledgers().stream().max(Comparator.comparingLong(v -> v.capacity().free()))
            .map(Peers.LedgerView::nodeId).orElse(null);
    }

    /**
     * Begins a checkpoint of {@code application} placed from {@code origin} first (null: no home node). With an
     * expected size, the whole state is planned first, and the id taken and the claim recorded with its partitions
     * in one catalog round trip: a refusal leaves no claim behind and takes no id. When the application has a
     * committed checkpoint (and deduplication is on), most chunks may turn out stored already: chunks are then
     * planned as they turn out new, so a save that changed little is not refused for room it does not need, and only
     * the part of the expected size past the latest checkpoint's size, which must be new, is checked at the begin
     * against the servers' free room (a state that grew past what the cluster can take fails fast).
     *
     * @param expectedSize bytes to reserve before the first is written, or 0 to reserve as they come
     * @throws dev.spillway.CapacityExhaustedException when the cluster cannot take the expected size
     */
    public WriteSession begin(String application, UUID origin, long expectedSize) {
        return begin(application, origin, expectedSize, (Grants)null);
    }

    /**
     * {@link #begin(String, UUID, long)} for {@code caller}, within its quotas.
     *
     * @param caller the grants of the identity the session is for; null without security
     * @throws dev.spillway.QuotaExceededException when the session would take the identity past a quota
     */
    public WriteSession begin(String application, UUID origin, long expectedSize, Grants caller) {
        refuseUnlessMajority("Saving " + application);
        SessionQuota quota = SessionQuota.of(this, caller);
        quota.take(application, expectedSize);
        try {
            return beginWithin(application, origin, expectedSize, quota);
        }
        catch (RuntimeException e) {
            quota.giveBack();
            throw e;
        }
    }

    private WriteSession beginWithin(String application, UUID origin, long expectedSize, SessionQuota quota) {
        UUID writer = localId();
        long startedAt = now();
        Set<UUID> servers = peers.serverIds();
        int chunkSize = config.getChunkSize();
        Reservation reservation = new Reservation(peers, owners, config.getBackups() > 0, writer, origin,
            copyBytes(chunkSize), application, meters);
        Catalog.Begin.Result started;
        int[] planned = new int[0];
        long baseSize = expectedSize > 0 ? baseSize(application) : -1;
        if (baseSize >= 0) {
            long needed = expectedSize / chunkSize + (expectedSize % chunkSize == 0 ? 0 : 1);
            long grown = Math.max(0, expectedSize - baseSize);
            try {
                refuseIfBeyondMetadata(application, needed);
                reservation.refuseIfBeyondCluster(needed, servers.size() * config.getRegionMaxSize());
                if (grown > 0)
                    reservation.refuseIfBeyondFree(grown / chunkSize + (grown % chunkSize == 0 ? 0 : 1));
            }
            catch (CapacityExhaustedException e) {
                reservation.release();
                throw withLostServers(e);
            }
            started = catalog.begin(application, writer);
        }
        else if (expectedSize > 0) {
            long needed = expectedSize / chunkSize + (expectedSize % chunkSize == 0 ? 0 : 1);
            int[][] plan = new int[1][];
            try {
                refuseIfBeyondMetadata(application, needed);
                reservation.refuseIfBeyondCluster(needed, servers.size() * config.getRegionMaxSize());
                started = admitted(() -> {
                    plan[0] = reservation.place((int)needed, true);
                    return catalog.begin(application, writer, plan[0]);
                });
            }
            catch (CapacityExhaustedException e) {
                reservation.release();
                throw withLostServers(e);
            }
            catch (RuntimeException e) {
                reservation.release();
                throw e;
            }
            planned = plan[0];
        }
        else
            started = catalog.begin(application, writer);
        long id = started.id;
        reservation.label(application + "/" + id);
        WriteSession session = new WriteSession(this, application, id, writer, origin, nodeName(origin), startedAt,
            reservation, planned, servers, quota, started.base);
        openSessions.add(session);
        return session;
    }

    /**
     * Bytes of the metadata region one chunk of a checkpoint takes: its manifest's entry (length, content hash,
     * partition, home, stored index, stored length, checksum, codec: 45 bytes), its claim's partition while it is
     * written, and the pin a later checkpoint's claim holds on it.
     */
    static final int METADATA_BYTES_PER_CHUNK = 64;

    /**
     * The size of the latest committed checkpoint of {@code application}, whose chunks a save may name; -1 when there
     * is none or deduplication is off.
     */
    private long baseSize(String application) {
        if (!config.isDeduplication())
            return -1;
        AppCatalog c = catalog.get(application);
        return c == null || c.committed().isEmpty() ? -1 : c.committed().get(c.committed().size() - 1).size();
    }

    /** The most chunks one checkpoint may have: a quarter of the metadata region (see METADATA_BYTES_PER_CHUNK). */
    long maxChunks() {
        return config.getMetadataRegionSize() / 4 / METADATA_BYTES_PER_CHUNK;
    }

    /** Refuses a checkpoint of {@code chunks} chunks, more than the metadata region holds for one. */
    void refuseIfBeyondMetadata(String application, long chunks) {
        if (chunks <= maxChunks())
            return;
        meters.refused(application, SpillwayMeters.Refusal.METADATA);
        long each = METADATA_BYTES_PER_CHUNK;
        throw new CapacityExhaustedException("Capacity exhausted: a checkpoint of " + application + " with "
            + chunks + " chunks would need " + Bytes.format(chunks * each) + " of the metadata region for its "
            + "manifest; one checkpoint may have " + maxChunks() + " chunks (a quarter of "
            + "spillway.metadataRegionSize=" + Bytes.format(config.getMetadataRegionSize()) + " at " + each
            + " bytes a chunk): use larger chunks or a larger metadata region", chunks * each, maxChunks() * each);
    }

    /** The manifest of the application's latest committed checkpoint. */
    public Manifest latestManifest(String application) {
        AppCatalog c = catalog.get(application);
        if (c == null || c.committed().isEmpty())
            throw new CheckpointNotFoundException("Application " + application + " has no committed checkpoint");
        return c.committed().get(c.committed().size() - 1);
    }

    /** The manifest of one committed checkpoint. */
    public Manifest manifest(String application, long checkpointId) {
        AppCatalog c = catalog.get(application);
        Manifest m = c == null ? null : c.manifest(checkpointId);
        if (m == null)
            throw notFound(application, checkpointId);
        return m;
    }

    /**
     * Why a read of a chunk of a checkpoint found nothing: it is no longer committed, or partitions are moving (the
     * read may have reached a node that does not hold the copy yet), or neither. On the minority side of a network
     * partition it says so instead: the chunk's copies may be on the other side.
     *
     * @throws dev.spillway.NoQuorumException on a minority side
     */
    public ChunkAbsence absence(String application, long checkpointId) {
        if (!committed(application, checkpointId))
            return ChunkAbsence.REMOVED;
        refuseUnlessMajority("Reading " + application + "/" + checkpointId + ", a chunk of which no server on this "
            + "side returned,");
        return owners.moving() ? ChunkAbsence.MOVING : ChunkAbsence.SETTLED;
    }

    /** Whether a checkpoint is committed (not yet deleted or evicted). */
    public boolean committed(String application, long checkpointId) {
        AppCatalog c = catalog.get(application);
        return c != null && c.manifest(checkpointId) != null;
    }

    /**
     * The node id of each chunk-cache partition's primary now, by partition (null for a partition that has none):
     * where a thin client sends its chunk reads.
     */
    public ArrayList<UUID> primaryIds() {
        UUID[][] now = owners.now().owners();
        ArrayList<UUID> ids = new ArrayList<>(now.length);
        for (UUID[] copies : now)
            ids.add(copies.length == 0 ? null : copies[0]);
        return ids;
    }

    /**
     * The consistent id of each chunk-cache partition's primary node now, by partition ({@code "(none)"} for a
     * partition that has none): what a thin client names when a chunk call it sent through another server times out.
     */
    public ArrayList<String> primaries() {
        ArrayList<String> names = new ArrayList<>();
        for (UUID id : primaryIds()) {
            ClusterNode n = id == null ? null : ignite.cluster().node(id);
            names.add(n == null ? "(none)" : String.valueOf(n.consistentId()));
        }
        return names;
    }

    /**
     * Verifies every chunk copy this server holds against its checkpoint's CRC32C and repairs damaged ones, at most
     * {@code bytesPerSecond} (0: at full speed); one pass at a time.
     */
    public ScrubReport scrub(long bytesPerSecond) throws InterruptedException {
        return scrub.pass(bytesPerSecond == 0 ? Scrub.Pace.FULL_SPEED : Scrub.Pace.at(bytesPerSecond));
    }

    /** What every scrub pass on this server found, summed. */
    public ScrubReport scrubTotals() {
        return scrub.totals();
    }

    /** What this server's last reclaiming pass and orphan sweep found, and whether partitions are moving. */
    public Housekeeping housekeeping() {
        Sightings.Found claims = reclaimer.claimsFound();
        Sightings.Found orphans = sweep.found();
        return new Housekeeping(claims.keys(), claims.longestMillis(), orphans.keys(), orphans.longestMillis(),
            owners.moving());
    }

    /** The application's committed checkpoints, oldest first. */
    public List<CheckpointInfo> list(String application) {
        AppCatalog c = catalog.get(application);
        return c == null ? List.of() : c.committed().stream().map(Manifest::info).toList();
    }

    /** Every committed checkpoint in the cluster, by application, oldest first. */
    public List<Manifest> committedManifests() {
        List<Manifest> all = new ArrayList<>();
        for (AppCatalog c : catalog.all().values())
            all.addAll(c.committed());
        return all;
    }

    /** Deletes a committed checkpoint and removes its chunks. */
    public void delete(String application, long checkpointId) {
        refuseUnlessMajority("Deleting " + application + "/" + checkpointId);
        Claim claim = catalog.delete(application, checkpointId, localId());
        if (claim == null)
            throw notFound(application, checkpointId);
        removeChunks(application, claim);
    }

    /**
     * Region bytes of one copy of each chunk-cache partition, counted over the catalogs this node is primary for
     * (chunks being written or removed, and the chunks no claim or manifest names that this node's last sweep
     * found and left, as full chunks), and which catalog partitions those were.
     */
    public CatalogBytes localCatalogBytes() {
        int[] before = catalog.primaryPartitions();
        long[] all = new long[config.getPartitions()];
        long[] pending = new long[config.getPartitions()];
        long[] logical = new long[config.getPartitions()];
        long fullChunk = copyBytes(config.getChunkSize());
        for (Cache.Entry<String, AppCatalog> e : catalog.localPrimary()) {
            // A stored chunk counts once, however many checkpoints name it.
            Set<ChunkRefs.Ref> counted = new HashSet<>();
            for (Manifest m : e.getValue().committed()) {
                ChunkTable t = m.table();
                for (int i = 0; i < m.chunks(); i++) {
                    logical[t.partition(i)] += t.length(i);
                    if (counted.add(new ChunkRefs.Ref(t.home(i), t.storedIndex(i))))
                        all[t.partition(i)] += copyBytes(t.storedLength(i));
                }
            }
            for (Claim c : e.getValue().claims()) {
                for (int p : c.partitions()) {
                    all[p] += fullChunk;
                    pending[p] += fullChunk;
                }
                for (ChunkRefs refs : List.of(c.pins, c.drops)) {
                    for (int i = 0; i < refs.size(); i++) {
                        if (counted.add(refs.ref(i))) {
                            all[refs.partition(i)] += fullChunk;
                            pending[refs.partition(i)] += fullChunk;
                        }
                    }
                }
            }
        }
        if (sweep != null) {
            long[] unnamed = sweep.unnamedBytes();
            for (int p = 0; p < all.length; p++)
                all[p] += unnamed[p];
        }
        // The primaries Ignite maps to changed while counting: which catalogs were counted is not known.
        BitSet counted = new BitSet();
        if (Arrays.equals(before, catalog.primaryPartitions())) {
            for (int p : before)
                counted.set(p);
        }
        return new CatalogBytes(all, pending, counted, logical);
    }

    /**
     * Takes over every claim, in the catalogs this node is primary for, whose owner left or which lapsed, and
     * removes its chunks; returns how many.
     */
    public int reclaim() {
        if (reclaimer == null)
            throw new IllegalStateException("Node " + ignite.name() + " is a client: it reclaims nothing");
        return reclaimer.runOnce();
    }

    /**
     * Removes chunks, in the partitions this node is primary for, that no claim or manifest has named for a lease
     * timeout; runs at most every quarter lease timeout. Returns how many.
     */
    public int sweepOrphans() {
        if (sweep == null)
            throw new IllegalStateException("Node " + ignite.name() + " is a client: it holds no chunks");
        return sweep.runIfDue(now());
    }

    // ---- for the sessions, writers, readers and the reclaimer of this package ----

    /** Region bytes one copy of a chunk of {@code chunkBytes} takes: the bytes, page overhead and the key. */
    static long copyBytes(int chunkBytes) {
        return chunkBytes + (chunkBytes >> 5) + 1024;
    }

    Catalog catalog() {
        return catalog;
    }

    /**
     * Refuses {@code action} on a side of the cluster without a majority of the servers expected (split-brain
     * protection).
     *
     * @throws dev.spillway.NoQuorumException naming the servers there are and those expected
     */
    void refuseUnlessMajority(String action) {
        quorum.refuseUnlessMajority(action, QuorumValidator.servers(ignite.cluster().nodes()));
    }

    ChunkCache chunkCache() {
        return chunks;
    }

    Peers peers() {
        return peers;
    }

    Owners owners() {
        return owners;
    }

    /** Write sessions begun on this node (by an embedded writer or a thin client's) and still open. */
    public int openSessions() {
        return openSessions.size();
    }

    /** The write sessions begun on this node and still open, in no order. */
    public List<WriteSession> sessions() {
        return List.copyOf(openSessions);
    }

    void sessionEnded(WriteSession session) {
        openSessions.remove(session);
    }

    /**
     * Counts a committed save of {@code manifest}, begun {@code nanos} ago, with the bytes of the chunks it stored
     * by where their primary copy is: on {@code origin} (local) or elsewhere (spilled; all of them without an
     * origin); and the chunks it named instead of storing them (shared).
     */
    void saved(Manifest manifest, UUID origin, long nanos) {
        UUID[][] now;
        try {
            now = owners.now().owners();
        }
        catch (RuntimeException e) {
            // The node is stopping: the save is committed all the same, and counted as spilled (no owners known).
            now = null;
        }
        long local = 0;
        long spilled = 0;
        long shared = 0;
        int localChunks = 0;
        int spilledChunks = 0;
        BitSet stored = new BitSet();
        for (int i = 0; i < manifest.chunks(); i++) {
            int index = manifest.table().storedIndex(i);
            if (!manifest.ownChunk(i) || stored.get(index)) {
                shared += manifest.length(i);
                continue;
            }
            stored.set(index);
            UUID[] holders = now == null ? new UUID[0] : now[manifest.partition(i)];
            if (origin != null && holders.length > 0 && origin.equals(holders[0])) {
                local += manifest.storedLength(i);
                localChunks++;
            }
            else {
                spilled += manifest.storedLength(i);
                spilledChunks++;
            }
        }
        meters.saved(manifest.application(), nanos, local, localChunks, spilled, spilledChunks, shared,
            manifest.chunks() - localChunks - spilledChunks);
    }

    IgniteLogger log() {
        return ignite.log().getLogger(CheckpointEngine.class);
    }

    long now() {
        return config.getClock().millis();
    }

    StartedCache<String, Object> admissionCache() {
        return quotaHoldings;
    }

    Ignite ignite() {
        return ignite;
    }

    String nodeName(UUID id) {
        ClusterNode node = id == null ? null : ignite.cluster().node(id);
        return node == null ? String.valueOf(id) : nodeName(node);
    }

    static String nodeName(ClusterNode node) {
        return String.valueOf(node.consistentId());
    }

    /**
     * Runs a plan and the catalog update that records it, under the cluster's admission lock when there are
     * backups: the failover headroom a plan uses is shared by every writer, and another writer's plan shows in
     * the catalogs only once its claim records it.
     */
    <T> T admitted(Supplier<T> planAndRecord) {
        try {
            if (admission == null)
                return planAndRecord.get();
            admission.lock();
            try {
                return planAndRecord.get();
            }
            finally {
                admission.unlock();
            }
        }
        catch (CapacityExhaustedException e) {
            throw e.getMessage().contains(LOST_SERVERS) ? e : withLostServers(e);
        }
    }

    /**
     * A refusal that also names the servers the cluster lost (expected, not there, not departed on purpose): room
     * they held is gone, and the cluster is not N-1 safe until they rejoin or room is made.
     */
    private CapacityExhaustedException withLostServers(CapacityExhaustedException e) {
        List<String> lost = quorum.missing();
        if (lost.isEmpty())
            return e;
        CapacityExhaustedException named = new CapacityExhaustedException(e.getMessage() + "; " + LOST_SERVERS
            + lost + ": it is short of their room, and not N-1 safe, until they rejoin or room is "
            + "made (delete checkpoints)", e.neededBytes(), e.availableBytes());
        named.initCause(e);
        return named;
    }

    ChunkReader reader(Manifest m) {
        int window = Math.max(2, READ_AHEAD_BYTES / config.getChunkSize());
        long opened = System.nanoTime();
        return new ChunkReader(chunks::fetch, m, () -> absence(m.application(), m.checkpointId()),
            config.getOperationTimeout(), window,
            failure -> meters.restored(m.application(), System.nanoTime() - opened, failure != null));
    }

    /**
     * Removes the chunks of checkpoints retention evicted, off the committing writer's path (on the maintenance
     * thread): the evicted checkpoints are invisible already, their removal claims keep their bytes counted until
     * the chunks are gone, and the reclaimer finishes a removal that fails.
     */
    void removeInBackground(String application, List<Claim> evicted) {
        if (evicted.isEmpty())
            return;
        String what = "Removing " + evicted.size() + " checkpoint(s) of " + application + " evicted by retention";
        background.execute(() -> {
            try {
                evicted.forEach(claim -> removeChunks(application, claim));
            }
            catch (RuntimeException e) {
                log().warning(what + " failed (the reclaimer finishes it once its claim lapses): " + e);
            }
        });
    }

    /** Removes the chunks a claim covers, then drops the claim. */
    void removeChunks(String application, Claim claim) {
        chunks.remove(claim.keys(application));
        catalog.forget(application, claim);
    }

    private static CheckpointNotFoundException notFound(String application, long checkpointId) {
        return new CheckpointNotFoundException("Checkpoint " + application + "/" + checkpointId
            + " does not exist (never committed, deleted, or removed by retention)");
    }
}
