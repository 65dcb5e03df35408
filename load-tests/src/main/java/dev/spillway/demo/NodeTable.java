package dev.spillway.demo;

import dev.spillway.console.TextTable;
import dev.spillway.Bytes;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.PlacementReport.NodePlacement;
import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The per-node view: each node's checkpoint region and the primary chunk copies of one checkpoint on it. */
final class NodeTable {
    private NodeTable() {
    }

    static void print(PrintStream out, List<NodeCapacity> capacity, PlacementReport placement,
                      Collection<String> stopped) {
        Map<String, NodePlacement> byNode = placement.nodes().stream()
            .collect(Collectors.toMap(NodePlacement::node, Function.identity()));
        TextTable table = new TextTable("lrrrrrrl", "node", "region", "budget", "used", "used/region", "free",
            "primary chunks", "");
        for (NodeCapacity c : capacity) {
            NodePlacement p = byNode.get(c.node());
            int chunks = p == null ? 0 : p.chunks();
            table.row(c.node(), Bytes.format(c.regionMaxSize()), Bytes.format(c.budget()), Bytes.format(c.used()),
                String.format(Locale.ROOT, "%.0f%%", 100.0 * c.used() / c.regionMaxSize()), Bytes.format(c.free()),
                Integer.toString(chunks), role(c.node(), placement.originNode(), chunks));
        }
        for (String node : stopped)
            table.row(node, "-", "-", "-", "-", "-", "-", "stopped");
        table.print(out);
    }

    private static String role(String node, String origin, int chunks) {
        if (node.equals(origin))
            return "origin: local chunks";
        return chunks > 0 ? "spilled chunks" : "";
    }
}
