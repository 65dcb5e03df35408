package dev.spillway;

import dev.spillway.PlacementReport.NodePlacement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an operator looks at, read at one moment ({@link CheckpointStore#status()}): every server's checkpoint region
 * and what it holds, the worst single loss, and every committed checkpoint with the nodes its primary copies are on.
 * Bytes of checkpoints are state bytes, one copy each (backups and page overhead are in each node's {@code used}).
 *
 * @param takenAt when the status was read
 * @param nodes one entry per server node, in the order {@link CheckpointStore#capacity()} gives
 * @param worstLoss the single node loss that would leave its fullest survivor the least room, or null without
 *     backups or with one server
 * @param checkpoints every committed checkpoint, by application, oldest first
 * @param rebalancing whether some partition still lacks a copy on a server that is to hold one: a rebalance is
 *     under way, or held back because a server could not hold what it would bring ({@code RebalanceGate})
 */
public record ClusterStatus(Instant takenAt, List<NodeStatus> nodes, WorstLoss worstLoss,
                            List<Checkpoint> checkpoints, boolean rebalancing) implements java.io.Serializable {

    public ClusterStatus {
        nodes = List.copyOf(nodes);
        checkpoints = List.copyOf(checkpoints);
    }

    /**
     * One server node.
     *
     * @param capacity its checkpoint region as its capacity ledger sees it
     * @param applications applications with a primary chunk copy on this node
     * @param checkpoints checkpoints with a primary chunk copy on this node
     * @param localBytes state bytes whose primary copy is here and whose checkpoint this node wrote
     * @param spilledBytes state bytes whose primary copy is here and whose checkpoint another node wrote (spilled
     *     here)
     */
    public record NodeStatus(NodeCapacity capacity, int applications, int checkpoints, long localBytes,
                             long spilledBytes) implements java.io.Serializable {
        /** The node's consistent id. */
        public String node() {
            return capacity.node();
        }
    }

    /**
     * A committed checkpoint and where the primary copies of its chunks are now.
     *
     * @param info what {@link CheckpointStore#list(String)} gives for it
     * @param placement one entry per node holding primary copies, the origin first (as {@link PlacementReport})
     */
    public record Checkpoint(CheckpointInfo info, List<NodePlacement> placement) implements java.io.Serializable {
        public Checkpoint {
            placement = List.copyOf(placement);
        }

        /** State bytes whose primary copy is on the node that wrote the checkpoint. */
        public long localBytes() {
            return placement.stream().filter(NodePlacement::origin).mapToLong(NodePlacement::bytes).sum();
        }

        /** State bytes whose primary copy is on another node. */
        public long spilledBytes() {
            return placement.stream().filter(n -> !n.origin()).mapToLong(NodePlacement::bytes).sum();
        }
    }

    /**
     * The status of {@code capacities}' nodes holding {@code checkpoints}: each node's applications, checkpoints,
     * local and spilled bytes are counted from where the checkpoints' primary copies are.
     */
    public static ClusterStatus of(Instant takenAt, List<NodeCapacity> capacities, WorstLoss worstLoss,
                                   List<Checkpoint> checkpoints, boolean rebalancing) {
        final class Tally {
            final Set<String> applications = new HashSet<>();
            int checkpoints;
            long local;
            long spilled;
        }
        Map<String, Tally> byNode = new HashMap<>();
        for (Checkpoint c : checkpoints) {
            for (NodePlacement p : c.placement()) {
                if (p.chunks() == 0)
                    continue;
                Tally t = byNode.computeIfAbsent(p.node(), n -> new Tally());
                t.applications.add(c.info().application());
                t.checkpoints++;
                if (p.origin())
                    t.local += p.bytes();
                else
                    t.spilled += p.bytes();
            }
        }
        List<NodeStatus> nodes = new ArrayList<>();
        for (NodeCapacity n : capacities) {
            Tally t = byNode.getOrDefault(n.node(), new Tally());
            nodes.add(new NodeStatus(n, t.applications.size(), t.checkpoints, t.local, t.spilled));
        }
        return new ClusterStatus(takenAt, nodes, worstLoss, checkpoints, rebalancing);
    }

    /**
     * Whether the cluster is N-1 safe now, so that one server may be stopped (a rolling restart's next step): every
     * partition has all its copies, and the worst single loss leaves its fullest survivor room. Never without
     * backups: stopping any server then loses the checkpoints it holds.
     */
    public boolean n1Safe() {
        return !rebalancing && worstLoss != null && worstLoss.headroom() >= 0;
    }

    /** Why the cluster is not N-1 safe now, in an operator's words; empty when it is. */
    public String notSafeBecause() {
        if (worstLoss == null)
            return nodes.size() < 2 ? "fewer than two servers: a stop loses what the other holds"
                : "the checkpoints have no backups: stopping any server loses the checkpoints it holds";
        if (rebalancing)
            return "partitions are still receiving their copies (a rebalance is under way, or held until room is "
                + "made)";
        if (worstLoss.headroom() < 0)
            return "losing " + worstLoss.lostNode() + " would overfill " + worstLoss.survivor() + " by "
                + Bytes.format(-worstLoss.headroom()) + ": delete checkpoints or add a server first";
        return "";
    }

    /** The worst single loss, if one is to be survived. */
    public Optional<WorstLoss> worstLossIfAny() {
        return Optional.ofNullable(worstLoss);
    }

    /** The applications that have committed checkpoints, by name. */
    public List<String> applications() {
        return checkpoints.stream().map(c -> c.info().application()).distinct().sorted().toList();
    }

    /** The latest {@code count} committed checkpoints of {@code application}, newest first. */
    public List<Checkpoint> latest(String application, int count) {
        return checkpoints.stream().filter(c -> c.info().application().equals(application))
            .sorted(Comparator.comparingLong((Checkpoint c) -> c.info().checkpointId()).reversed())
            .limit(count).toList();
    }
}
