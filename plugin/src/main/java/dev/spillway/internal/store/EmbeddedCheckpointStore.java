package dev.spillway.internal.store;

import dev.spillway.CheckpointAction;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.ClusterStatus;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.PlacementReport.NodePlacement;
import dev.spillway.WorstLoss;
import dev.spillway.internal.capacity.ClusterCapacity;
import dev.spillway.internal.security.Access;
import dev.spillway.internal.security.Grants;
import dev.spillway.wire.Arguments;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkReader;
import dev.spillway.wire.Manifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;

/**
 * The checkpoint facade on a node that runs the plugin, server or thick client: checks every argument, then drives
 * the {@link CheckpointEngine}. A server writes to its own partitions first; a thick client's home node is the
 * server with the most free space when it begins.
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}), which builds it. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class EmbeddedCheckpointStore implements CheckpointStore {
    private final CheckpointEngine engine;
    private final ClusterCapacity capacity;
    private final Supplier<Grants> caller;

    /**
     * @param caller the grants of the identity a call runs as, read at each call; null from it when the node runs
     *     without Spillway security
     */
    public EmbeddedCheckpointStore(CheckpointEngine engine, ClusterCapacity capacity, Supplier<Grants> caller) {
        this.engine = engine;
        this.capacity = capacity;
        this.caller = caller;
    }

    /** This facade for calls made for {@code grants}, whatever identity the thread runs as. */
    public EmbeddedCheckpointStore forCaller(Grants grants) {
        return new EmbeddedCheckpointStore(engine, capacity, () -> grants);
    }

    private String allowed(CheckpointAction action, String application) {
        return allowed(caller.get(), action, application);
    }

    private static String allowed(Grants grants, CheckpointAction action, String application) {
        Access.require(grants, action, Arguments.application(application));
        return application;
    }

    @Override
    public CheckpointWriter begin(String application) {
        Grants grants = caller.get();
        return ChunkWriter.begin(engine, allowed(grants, CheckpointAction.SAVE, application), 0, grants);
    }

    @Override
    public CheckpointWriter begin(String application, long expectedSize) {
        Grants grants = caller.get();
        allowed(grants, CheckpointAction.SAVE, application);
        return ChunkWriter.begin(engine, application, Arguments.expectedSize(expectedSize), grants);
    }

    @Override
    public CheckpointInfo save(String application, byte[] state) {
        Grants grants = caller.get();
        allowed(grants, CheckpointAction.SAVE, application);
        Arguments.state(state);
        try (CheckpointWriter writer = ChunkWriter.begin(engine, application, state.length, grants)) {
            writer.write(state, 0, state.length);
            return writer.commit();
        }
    }

    @Override
    public CheckpointReader openLatest(String application) {
        return engine.reader(engine.latestManifest(allowed(CheckpointAction.RESTORE, application)));
    }

    @Override
    public CheckpointReader open(String application, long checkpointId) {
        return engine.reader(engine.manifest(allowed(CheckpointAction.RESTORE, application),
            Arguments.checkpointId(checkpointId)));
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
        return engine.list(allowed(CheckpointAction.LIST, application));
    }

    @Override
    public void delete(String application, long checkpointId) {
        engine.delete(allowed(CheckpointAction.DELETE, application), Arguments.checkpointId(checkpointId));
    }

    @Override
    public List<NodeCapacity> capacity() {
        return capacity.capacity();
    }

    @Override
    public Optional<WorstLoss> worstLoss() {
        return capacity.worstLoss();
    }

    @Override
    public PlacementReport placement(String application, long checkpointId) {
        Manifest m = engine.manifest(allowed(CheckpointAction.LIST, application),
            Arguments.checkpointId(checkpointId));
        return new PlacementReport(application, checkpointId, m.originNode(),
            placementOf(m, engine.chunkCache().affinity()));
    }

    @Override
    public ClusterStatus status() {
        Instant takenAt = Instant.ofEpochMilli(engine.now());
        List<NodeCapacity> nodes = capacity.capacity();
        WorstLoss worst = capacity.worstLoss().orElse(null);
        return ClusterStatus.of(takenAt, nodes, worst, checkpoints(), engine.owners().moving());
    }

    /**
     * Every committed checkpoint in the cluster the caller may list, by application, oldest first, with where its
     * primaries are.
     */
    public List<ClusterStatus.Checkpoint> checkpoints() {
        Affinity<ChunkKey> affinity = engine.chunkCache().affinity();
        List<ClusterStatus.Checkpoint> checkpoints = new ArrayList<>();
        Grants grants = caller.get();
        for (Manifest m : engine.committedManifests()) {
            if (grants != null && !grants.allows(CheckpointAction.LIST, m.application()))
                continue;
            checkpoints.add(new ClusterStatus.Checkpoint(m.info(), placementOf(m, affinity)));
        }
        return checkpoints;
    }

    /** The nodes holding the primary copies of {@code m}'s chunks now, the origin first (listed even with none). */
    private static List<NodePlacement> placementOf(Manifest m, Affinity<ChunkKey> affinity) {
        Map<String, long[]> perNode = new LinkedHashMap<>();
        perNode.put(m.originNode(), new long[3]);
        Set<ChunkKey> stored = new HashSet<>();
        for (int i = 0; i < m.chunks(); i++) {
            ClusterNode node = affinity.mapPartitionToNode(m.partition(i));
            long[] acc = perNode.computeIfAbsent(node == null ? "(none)" : CheckpointEngine.nodeName(node),
                n -> new long[3]);
            acc[0]++;
            acc[1] += m.length(i);
            if (stored.add(m.key(i)))
                acc[2] += m.storedLength(i);
        }
        List<NodePlacement> nodes = new ArrayList<>();
        perNode.forEach((node, acc) -> {
            if (acc[0] > 0 || node.equals(m.originNode()))
                nodes.add(new NodePlacement(node, (int)acc[0], acc[1], node.equals(m.originNode()), acc[2]));
        });
        return nodes;
    }
}
