package dev.spillway.internal.store;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.PlacementReport.NodePlacement;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.WorstLoss;
import dev.spillway.internal.SpillwayRuntime;
import dev.spillway.internal.capacity.FailoverModel;
import dev.spillway.internal.capacity.Peers;
import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.internal.ignite.Layout;
import dev.spillway.internal.placement.ChunkKey;
import dev.spillway.internal.placement.PlacementPlanner.Topology;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.cache.Cache;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCache;
import org.apache.ignite.IgniteDataStreamer;
import org.apache.ignite.IgniteLogger;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;

/**
 * The checkpoint facade on a node that runs the plugin, server or thick client: a server writes to its own
 * partitions first; a thick client's home node is the server with the most free space when it begins.
 */
public final class EmbeddedCheckpointStore implements CheckpointStore {
    /** Bytes of chunks a reader fetches ahead. */
    private static final int READ_AHEAD_BYTES = 8 << 20;
    /**
     * Bytes of chunks per streamer batch. Ignite's streamer keeps a buffer per node per stripe (partition modulo
     * the streamer pool size, 8 by default) and sends one only when it is full, so batches are kept to one chunk
     * once chunks are this large: a writer then holds at most the chunks in flight, never a stripe's worth.
     */
    private static final int STREAMER_BATCH_BYTES = 256 << 10;
    /** Batches in flight per node: bounds a writer's memory to a few chunks per node. */
    private static final int STREAMER_PARALLEL_OPS = 4;
    /** Keys per removeAll / containsKeys call. */
    private static final int KEY_BATCH = 512;

    private final Ignite ignite;
    private final SpillwayRuntime runtime;
    private final SpillwayConfiguration config;
    private final Peers peers;
    private volatile Catalog catalog;
    private volatile AdmissionLock admissionLock;
    private volatile CachedTopology topology = new CachedTopology(-1, null);

    private record CachedTopology(long version, Topology topology) {
    }

    public EmbeddedCheckpointStore(Ignite ignite, SpillwayRuntime runtime) {
        this.ignite = ignite;
        this.runtime = runtime;
        this.config = runtime.config();
        this.peers = new Peers(ignite, runtime);
    }

    @Override
    public CheckpointWriter begin(String application) {
        return ChunkWriter.begin(this, Arguments.application(application), 0);
    }

    @Override
    public CheckpointWriter begin(String application, long expectedSize) {
        Arguments.application(application);
        return ChunkWriter.begin(this, application, Arguments.expectedSize(expectedSize));
    }

    /**
     * Begins a checkpoint whose bytes another process sends (a thin client whose home server this node is): the
     * session places chunks on this node first and commits the manifest; {@code expectedSize} as in
     * {@link #begin(String, long)}, 0 when not known.
     */
    public WriteSession beginSession(String application, long expectedSize) {
        Arguments.application(application);
        if (expectedSize != 0)
            Arguments.expectedSize(expectedSize);
        if (!runtime.isServer())
            throw new IllegalStateException("Only a server node hosts write sessions for thin clients");
        return new WriteSession(this, application, localId(), expectedSize);
    }

    @Override
    public CheckpointInfo save(String application, byte[] state) {
        Arguments.application(application);
        Arguments.state(state);
        try (CheckpointWriter writer = ChunkWriter.begin(this, application, state.length)) {
            writer.write(state, 0, state.length);
            return writer.commit();
        }
    }

    @Override
    public CheckpointReader openLatest(String application) {
        return reader(latestManifest(Arguments.application(application)));
    }

    @Override
    public CheckpointReader open(String application, long checkpointId) {
        return reader(manifest(Arguments.application(application), Arguments.checkpointId(checkpointId)));
    }

    @Override
    public byte[] restoreLatest(String application) {
        return ChunkReader.readAll(openLatest(application));
    }

    @Override
    public byte[] restore(String application, long checkpointId) {
        return ChunkReader.readAll(open(application, checkpointId));
    }

    @Override
    public List<CheckpointInfo> list(String application) {
        AppCatalog c = catalog().get(Arguments.application(application));
        return c == null ? List.of() : c.committed().stream().map(Manifest::info).toList();
    }

    @Override
    public void delete(String application, long checkpointId) {
        Arguments.application(application);
        Arguments.checkpointId(checkpointId);
        Claim claim = catalog().delete(application, checkpointId, localId(),
            now() + config.getLeaseTimeout().toMillis());
        if (claim == null)
            throw notFound(application, checkpointId);
        removeChunks(application, claim);
    }

    @Override
    public List<NodeCapacity> capacity() {
        List<Peers.LedgerView> views = peers.ledgers();
        FailoverModel model = survivable(views) ? failoverModel(views) : null;
        return views.stream()
            .map(v -> model == null ? v.capacity() : v.capacity().withSafeHeadroom(
                Math.max(0, Math.min(v.capacity().free(), model.safeHeadroom(v.nodeId())))))
            .sorted(Comparator.comparing(NodeCapacity::node)).toList();
    }

    @Override
    public Optional<WorstLoss> worstLoss() {
        List<Peers.LedgerView> views = peers.ledgers();
        if (!survivable(views))
            return Optional.empty();
        FailoverModel model = failoverModel(views);
        FailoverModel.Loss worst = model.worstLoss();
        Map<UUID, String> names = new HashMap<>();
        views.forEach(v -> names.put(v.nodeId(), v.capacity().node()));
        return Optional.of(new WorstLoss(names.get(worst.lost()), names.get(worst.survivor()),
            model.predicted(worst.lost(), worst.survivor()), model.limit(worst.survivor())));
    }

    /** Whether a single loss is something to survive: chunks have backups and there are two servers or more. */
    private boolean survivable(List<Peers.LedgerView> views) {
        return config.getBackups() > 0 && views.size() > 1;
    }

    @Override
    public PlacementReport placement(String application, long checkpointId) {
        Manifest m = manifest(Arguments.application(application), Arguments.checkpointId(checkpointId));
        Affinity<ChunkKey> affinity = ignite.affinity(Layout.CHUNK_CACHE);
        Map<String, long[]> perNode = new LinkedHashMap<>();
        perNode.put(m.originNode(), new long[2]);
        for (int i = 0; i < m.chunks(); i++) {
            ClusterNode node = affinity.mapPartitionToNode(m.partition(i));
            long[] acc = perNode.computeIfAbsent(node == null ? "(none)" : nodeName(node), n -> new long[2]);
            acc[0]++;
            acc[1] += m.length(i);
        }
        List<NodePlacement> nodes = new ArrayList<>();
        perNode.forEach((node, acc) -> {
            if (acc[0] > 0 || node.equals(m.originNode()))
                nodes.add(new NodePlacement(node, (int)acc[0], acc[1], node.equals(m.originNode())));
        });
        return new PlacementReport(application, checkpointId, m.originNode(), nodes);
    }

    // ---- shared with the writer, reader and reclaimer ----

    /** Region bytes one copy of a chunk of {@code chunkBytes} takes: the bytes, page overhead and the key. */
    static long copyBytes(int chunkBytes) {
        return chunkBytes + (chunkBytes >> 5) + 1024;
    }

    SpillwayConfiguration config() {
        return config;
    }

    Peers peers() {
        return peers;
    }

    IgniteLogger log() {
        return runtime.log();
    }

    long now() {
        return config.getClock().millis();
    }

    UUID localId() {
        return ignite.cluster().localNode().id();
    }

    Catalog catalog() {
        Catalog c = catalog;
        if (c == null)
            catalog = c = new Catalog(ignite);
        return c;
    }

    /** The node whose partitions a new checkpoint fills first: this node, or for a client the emptiest server. */
    UUID origin() {
        if (runtime.isServer())
            return localId();
        return peers.ledgers().stream().max(Comparator.comparingLong(v -> v.capacity().free()))
            .map(Peers.LedgerView::nodeId).orElse(null);
    }

    String nodeName(UUID id) {
        ClusterNode node = id == null ? null : ignite.cluster().node(id);
        return node == null ? String.valueOf(id) : nodeName(node);
    }

    static String nodeName(ClusterNode node) {
        return String.valueOf(node.consistentId());
    }

    /** Owners of every chunk-cache partition, recomputed when the topology changes. */
    Topology topology() {
        long version = ignite.cluster().topologyVersion();
        CachedTopology cached = topology;
        if (cached.version() == version)
            return cached.topology();
        Affinity<ChunkKey> affinity = ignite.affinity(Layout.CHUNK_CACHE);
        List<List<UUID>> owners = new ArrayList<>(affinity.partitions());
        for (int p = 0; p < affinity.partitions(); p++)
            owners.add(affinity.mapPartitionToPrimaryAndBackups(p).stream().map(ClusterNode::id).toList());
        Topology t = Topology.of(owners);
        topology = new CachedTopology(version, t);
        return t;
    }

    /**
     * Every class Spillway puts on the wire: chunk keys, the catalog's entries and entry processors, the admission
     * lock's holder, the peers' ledger and lease calls.
     */
    public static List<Class<?>> wireTypes() {
        List<Class<?>> types = new ArrayList<>(Catalog.wireTypes());
        types.addAll(Peers.wireTypes());
        types.add(AdmissionLock.Holder.class);
        types.add(ChunkKey.class);
        return types;
    }

    IgniteDataStreamer<ChunkKey, byte[]> openStreamer() {
        IgniteDataStreamer<ChunkKey, byte[]> s = ignite.dataStreamer(Layout.CHUNK_CACHE);
        int perNode = Math.max(1, STREAMER_BATCH_BYTES / config.getChunkSize());
        s.allowOverwrite(false);
        s.perNodeBufferSize(perNode);
        s.perThreadBufferSize(perNode);
        s.perNodeParallelOperations(STREAMER_PARALLEL_OPS);
        s.autoFlushFrequency(0);
        return s;
    }

    /**
     * Region bytes of one copy of each chunk-cache partition, counted over the catalogs this node is primary for:
     * [0] every chunk (committed chunks by their length, chunks being written or removed as full chunks), [1] the
     * chunks being written or removed.
     */
    public long[][] localPartitionBytes() {
        long[] all = new long[config.getPartitions()];
        long[] pending = new long[config.getPartitions()];
        IgniteCache<String, AppCatalog> cache = ignite.cache(Layout.CATALOG_CACHE);
        long fullChunk = copyBytes(config.getChunkSize());
        for (Cache.Entry<String, AppCatalog> e : cache.localEntries(CachePeekMode.PRIMARY)) {
            for (Manifest m : e.getValue().committed()) {
                for (int i = 0; i < m.chunks(); i++)
                    all[m.partition(i)] += copyBytes(m.length(i));
            }
            for (Claim c : e.getValue().claims()) {
                for (int p : c.partitions()) {
                    all[p] += fullChunk;
                    pending[p] += fullChunk;
                }
            }
        }
        return new long[][] {all, pending};
    }

    /** The failover model of the cluster now. */
    public FailoverModel failoverModel() {
        return failoverModel(peers.ledgers());
    }

    /**
     * The failover model of the cluster as the ledgers read: the measured usage of every server's region, the bytes
     * of every partition, the owners now and the owners after the loss of each server.
     */
    FailoverModel failoverModel(List<Peers.LedgerView> views) {
        // Called by writers with the ledgers they read for their plan.
        long[] partitionBytes = new long[config.getPartitions()];
        long[] pendingBytes = new long[config.getPartitions()];
        Map<UUID, Long> used = new HashMap<>();
        Map<UUID, Long> limit = new HashMap<>();
        for (Peers.LedgerView v : views) {
            for (int p = 0; p < partitionBytes.length; p++) {
                partitionBytes[p] += v.partitionBytes()[p];
                pendingBytes[p] += v.pendingBytes()[p];
            }
            used.put(v.nodeId(), v.capacity().used());
            limit.put(v.nodeId(), (long)(v.capacity().regionMaxSize() * config.getFailoverLimit()));
        }
        List<ClusterNode> servers = new ArrayList<>(peers.servers().nodes());
        Map<UUID, UUID[][]> without = new HashMap<>();
        for (ClusterNode lost : servers) {
            List<ClusterNode> survivors = new ArrayList<>(servers);
            survivors.remove(lost);
            without.put(lost.id(), ids(IgniteAdapter.assignment(survivors, config.getPartitions(),
                config.getBackups())));
        }
        return new FailoverModel(topology().owners(), without, partitionBytes, pendingBytes, used, limit);
    }

    private static UUID[][] ids(List<List<ClusterNode>> assignment) {
        UUID[][] ids = new UUID[assignment.size()][];
        for (int p = 0; p < ids.length; p++)
            ids[p] = assignment.get(p).stream().map(ClusterNode::id).toArray(UUID[]::new);
        return ids;
    }

    /**
     * The cluster-wide lock writers plan under when chunks have backups (taken over when its holder's node
     * leaves or its lease runs out), or null without backups.
     */
    AdmissionLock admissionLock() {
        if (config.getBackups() == 0)
            return null;
        AdmissionLock l = admissionLock;
        if (l == null)
            admissionLock = l = new AdmissionLock(ignite, config.getClock(), config.getLeaseTimeout().toMillis());
        return l;
    }

    /** The Spillway server nodes now. */
    Set<UUID> serverIds() {
        Set<UUID> ids = new HashSet<>();
        for (ClusterNode n : peers.servers().nodes())
            ids.add(n.id());
        return ids;
    }

    /** Whether any of {@code nodes} has left the cluster. */
    boolean anyLeft(Set<UUID> nodes) {
        for (UUID id : nodes) {
            if (ignite.cluster().node(id) == null)
                return true;
        }
        return false;
    }

    /** Whether chunks 0 .. partitions.length - 1 of a checkpoint are all in the chunk cache. */
    boolean allStored(String application, long checkpointId, int[] partitions) {
        IgniteCache<ChunkKey, byte[]> chunks = ignite.cache(Layout.CHUNK_CACHE);
        return keyBatches(application, checkpointId, partitions).stream().allMatch(chunks::containsKeys);
    }

    /**
     * Removes the chunks of checkpoints retention evicted, off the committing writer's path (on the maintenance
     * thread): the evicted checkpoints are invisible already, their removal claims keep their bytes counted until
     * the chunks are gone, and the reclaimer finishes a removal that fails.
     */
    void removeInBackground(String application, List<Claim> evicted) {
        if (!evicted.isEmpty())
            runtime.background("Removing " + evicted.size() + " checkpoint(s) of " + application + " evicted by "
                + "retention", "the reclaimer finishes it once its claim lapses",
                () -> evicted.forEach(claim -> removeChunks(application, claim)));
    }

    /** Removes the chunks a claim covers, then drops the claim. */
    void removeChunks(String application, Claim claim) {
        removeChunks(application, claim.checkpointId(), claim.partitions());
        catalog().forget(application, claim.checkpointId());
    }

    /** Removes chunks 0 .. partitions.length - 1 of a checkpoint, chunk i being in partition partitions[i]. */
    void removeChunks(String application, long checkpointId, int[] partitions) {
        IgniteCache<ChunkKey, byte[]> chunks = ignite.cache(Layout.CHUNK_CACHE);
        keyBatches(application, checkpointId, partitions).forEach(chunks::removeAll);
    }

    /** The keys of chunks 0 .. partitions.length - 1, chunk i in partition partitions[i], in batches. */
    private static List<Set<ChunkKey>> keyBatches(String application, long checkpointId, int[] partitions) {
        List<Set<ChunkKey>> batches = new ArrayList<>();
        for (int from = 0; from < partitions.length; from += KEY_BATCH) {
            Set<ChunkKey> batch = new HashSet<>();
            for (int i = from; i < Math.min(partitions.length, from + KEY_BATCH); i++)
                batch.add(new ChunkKey(partitions[i], application, checkpointId, i));
            batches.add(batch);
        }
        return batches;
    }

    private ChunkReader reader(Manifest m) {
        int window = Math.max(2, READ_AHEAD_BYTES / config.getChunkSize());
        IgniteCache<ChunkKey, byte[]> chunks = ignite.cache(Layout.CHUNK_CACHE);
        return new ChunkReader(key -> chunks.getAsync(key)::get, m, () -> committed(m), window);
    }

    /** Whether the checkpoint of manifest {@code m} is still committed. */
    public boolean committed(Manifest m) {
        AppCatalog c = catalog().get(m.application);
        return c != null && c.manifest(m.checkpointId) != null;
    }

    /** The manifest of the application's latest committed checkpoint. */
    public Manifest latestManifest(String application) {
        AppCatalog c = catalog().get(application);
        if (c == null || c.committed().isEmpty())
            throw new CheckpointNotFoundException("Application " + application + " has no committed checkpoint");
        return c.committed().get(c.committed().size() - 1);
    }

    /** The manifest of one committed checkpoint. */
    public Manifest manifest(String application, long checkpointId) {
        AppCatalog c = catalog().get(application);
        Manifest m = c == null ? null : c.manifest(checkpointId);
        if (m == null)
            throw notFound(application, checkpointId);
        return m;
    }

    private static CheckpointNotFoundException notFound(String application, long checkpointId) {
        return new CheckpointNotFoundException("Checkpoint " + application + "/" + checkpointId
            + " does not exist (never committed, deleted, or removed by retention)");
    }
}
