package dev.spillway.test;

import dev.spillway.internal.ignite.IgniteAdapter;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.ignite.cluster.ClusterNode;

/**
 * The stock rendezvous assignment over nodes that exist only as identities: who owns each partition now, and after
 * the loss of each node ({@link IgniteAdapter#assignment}), without starting Ignite.
 */
public final class Rendezvous {
    private Rendezvous() {
    }

    /** Nodes named {@code consistentIds}, joined in that order. */
    public static List<ClusterNode> nodes(String... consistentIds) {
        List<ClusterNode> nodes = new ArrayList<>();
        for (int i = 0; i < consistentIds.length; i++)
            nodes.add(node(consistentIds[i], i + 1));
        return nodes;
    }

    /** The id of the node named {@code consistentId}. */
    public static UUID id(String consistentId) {
        return UUID.nameUUIDFromBytes(consistentId.getBytes());
    }

    /** The owners of each partition over {@code nodes}, primary first. */
    public static List<List<UUID>> owners(List<ClusterNode> nodes, int partitions, int backups) {
        return IgniteAdapter.assignment(nodes, partitions, backups).stream()
            .map(o -> o.stream().map(ClusterNode::id).toList()).toList();
    }

    /** For each node, the owners of each partition over the others: what the loss of that node leads to. */
    public static Map<UUID, UUID[][]> ownersWithoutEach(List<ClusterNode> nodes, int partitions, int backups) {
        Map<UUID, UUID[][]> without = new HashMap<>();
        for (ClusterNode lost : nodes) {
            List<ClusterNode> survivors = new ArrayList<>(nodes);
            survivors.remove(lost);
            without.put(lost.id(), owners(survivors, partitions, backups).stream()
                .map(o -> o.toArray(UUID[]::new)).toArray(UUID[][]::new));
        }
        return without;
    }

    /** A node identity for the affinity function, which reads only the consistent id and the join order. */
    private static ClusterNode node(String consistentId, long order) {
        UUID id = id(consistentId);
        return (ClusterNode)Proxy.newProxyInstance(Rendezvous.class.getClassLoader(),
            new Class<?>[] {ClusterNode.class}, (self, method, args) -> switch (method.getName()) {
                case "consistentId" -> consistentId;
                case "id" -> id;
                case "order" -> order;
                case "hashCode" -> id.hashCode();
                case "equals" -> self == args[0];
                case "toString" -> consistentId;
                default -> throw new UnsupportedOperationException(method.getName());
            });
    }
}
