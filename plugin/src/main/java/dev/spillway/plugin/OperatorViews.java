package dev.spillway.plugin;

import dev.spillway.Bytes;
import dev.spillway.ClusterStatus.Checkpoint;
import dev.spillway.ClusterStatus.NodeStatus;
import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.internal.ignite.IgniteAdapter.ViewColumn;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.internal.store.EmbeddedCheckpointStore;
import dev.spillway.internal.store.WriteSession;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.ignite.Ignite;

/**
 * Spillway's SQL system views, registered on every server node: {@code SYS.SPILLWAY_CHECKPOINTS} (every committed
 * checkpoint in the cluster and where its primaries are), {@code SYS.SPILLWAY_NODES} (every server's region and
 * what it holds) and {@code SYS.SPILLWAY_WRITE_SESSIONS} (the checkpoints being written through the node queried).
 * The first two read the cluster as {@link dev.spillway.CheckpointStore#status()} does, so any node answers them
 * alike; the third is the queried node's own.
 */
final class OperatorViews {
    static final String CHECKPOINTS = "spillway.checkpoints";
    static final String NODES = "spillway.nodes";
    static final String WRITE_SESSIONS = "spillway.writeSessions";

    private OperatorViews() {
    }

    static void register(Ignite ignite, Supplier<EmbeddedCheckpointStore> store, Supplier<CheckpointEngine> engine) {
        IgniteAdapter.registerView(ignite, CHECKPOINTS, "Spillway's committed checkpoints, cluster-wide",
            List.<ViewColumn<Checkpoint>>of(
                new ViewColumn<>("application", String.class, c -> c.info().application()),
                new ViewColumn<>("checkpointId", long.class, c -> c.info().checkpointId()),
                new ViewColumn<>("size", long.class, c -> c.info().size()),
                new ViewColumn<>("chunks", int.class, c -> c.info().chunks()),
                new ViewColumn<>("originNode", String.class, c -> c.info().originNode()),
                new ViewColumn<>("committedAt", Date.class, c -> Date.from(c.info().committedAt())),
                new ViewColumn<>("durationMillis", long.class, c -> c.info().duration().toMillis()),
                new ViewColumn<>("localBytes", long.class, Checkpoint::localBytes),
                new ViewColumn<>("spilledBytes", long.class, Checkpoint::spilledBytes),
                new ViewColumn<>("primaryNodes", String.class, OperatorViews::primaryNodes),
                new ViewColumn<>("damagedChunks", int.class, c -> c.info().damagedChunks().size())),
            () -> store.get().checkpoints());
        IgniteAdapter.registerView(ignite, NODES, "Spillway's server nodes: each checkpoint region and what it holds",
            List.<ViewColumn<NodeStatus>>of(
                new ViewColumn<>("node", String.class, NodeStatus::node),
                new ViewColumn<>("regionMaxSize", long.class, n -> n.capacity().regionMaxSize()),
                new ViewColumn<>("budget", long.class, n -> n.capacity().budget()),
                new ViewColumn<>("used", long.class, n -> n.capacity().used()),
                new ViewColumn<>("liveBytes", long.class, n -> n.capacity().liveBytes()),
                new ViewColumn<>("reusableBytes", long.class, n -> n.capacity().reusableBytes()),
                new ViewColumn<>("reserved", long.class, n -> n.capacity().reserved()),
                new ViewColumn<>("free", long.class, n -> n.capacity().free()),
                new ViewColumn<>("leases", int.class, n -> n.capacity().leases()),
                new ViewColumn<>("safeHeadroom", long.class, n -> n.capacity().safeHeadroom()),
                new ViewColumn<>("applications", int.class, NodeStatus::applications),
                new ViewColumn<>("checkpoints", int.class, NodeStatus::checkpoints),
                new ViewColumn<>("localBytes", long.class, NodeStatus::localBytes),
                new ViewColumn<>("spilledBytes", long.class, NodeStatus::spilledBytes)),
            () -> store.get().status().nodes());
        String node = String.valueOf(ignite.cluster().localNode().consistentId());
        IgniteAdapter.registerView(ignite, WRITE_SESSIONS, "Spillway checkpoints being written through this node",
            List.<ViewColumn<WriteSession>>of(
                new ViewColumn<>("node", String.class, s -> node),
                new ViewColumn<>("application", String.class, WriteSession::application),
                new ViewColumn<>("checkpointId", long.class, WriteSession::checkpointId),
                new ViewColumn<>("originNode", String.class, WriteSession::originNode),
                new ViewColumn<>("startedAt", Date.class, s -> new Date(s.startedAt())),
                new ViewColumn<>("lastUsed", Date.class, s -> new Date(s.lastUsed())),
                new ViewColumn<>("plannedChunks", int.class, WriteSession::plannedChunks),
                new ViewColumn<>("chunkSize", int.class, WriteSession::chunkSize)),
            () -> engine.get().sessions());
    }

    /** Where a checkpoint's primaries are, as {@code node=bytes} pairs, the origin first. */
    private static String primaryNodes(Checkpoint c) {
        return c.placement().stream().filter(p -> p.chunks() > 0)
            .map(p -> p.node() + "=" + Bytes.format(p.bytes())).collect(Collectors.joining(", "));
    }
}
