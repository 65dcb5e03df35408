package dev.spillway.internal.store;

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
import dev.spillway.wire.Arguments;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.ChunkReader;
import dev.spillway.wire.Manifest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    public EmbeddedCheckpointStore(CheckpointEngine engine, ClusterCapacity capacity) {
        this.engine = engine;
        this.capacity = capacity;
    }

    @Override
    public CheckpointWriter begin(String application) {
        return ChunkWriter.begin(engine, Arguments.application(application), 0);
    }

    @Override
    public CheckpointWriter begin(String application, long expectedSize) {
        Arguments.application(application);
        return ChunkWriter.begin(engine, application, Arguments.expectedSize(expectedSize));
    }

    @Override
    public CheckpointInfo save(String application, byte[] state) {
        Arguments.application(application);
        Arguments.state(state);
        try (CheckpointWriter writer = ChunkWriter.begin(engine, application, state.length)) {
            writer.write(state, 0, state.length);
            return writer.commit();
        }
    }

    @Override
    public CheckpointReader openLatest(String application) {
        return engine.reader(engine.latestManifest(Arguments.application(application)));
    }

    @Override
    public CheckpointReader open(String application, long checkpointId) {
        return engine.reader(engine.manifest(Arguments.application(application),
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
        return engine.list(Arguments.application(application));
    }

    @Override
    public void delete(String application, long checkpointId) {
        engine.delete(Arguments.application(application), Arguments.checkpointId(checkpointId));
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
        Manifest m = engine.manifest(Arguments.application(application), Arguments.checkpointId(checkpointId));
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

    /** Every committed checkpoint in the cluster, by application, oldest first, with where its primaries are. */
    public List<ClusterStatus.Checkpoint> checkpoints() {
        Affinity<ChunkKey> affinity = engine.chunkCache().affinity();
        List<ClusterStatus.Checkpoint> checkpoints = new ArrayList<>();
        for (Manifest m : engine.committedManifests())
            checkpoints.add(new ClusterStatus.Checkpoint(m.info(), placementOf(m, affinity)));
        return checkpoints;
    }

    /** The nodes holding the primary copies of {@code m}'s chunks now, the origin first (listed even with none). */
    private static List<NodePlacement> placementOf(Manifest m, Affinity<ChunkKey> affinity) {
        Map<String, long[]> perNode = new LinkedHashMap<>();
        perNode.put(m.originNode(), new long[2]);
        for (int i = 0; i < m.chunks(); i++) {
            ClusterNode node = affinity.mapPartitionToNode(m.partition(i));
            long[] acc = perNode.computeIfAbsent(node == null ? "(none)" : CheckpointEngine.nodeName(node),
                n -> new long[2]);
            acc[0]++;
            acc[1] += m.length(i);
        }
        List<NodePlacement> nodes = new ArrayList<>();
        perNode.forEach((node, acc) -> {
            if (acc[0] > 0 || node.equals(m.originNode()))
                nodes.add(new NodePlacement(node, (int)acc[0], acc[1], node.equals(m.originNode())));
        });
        return nodes;
    }
}
