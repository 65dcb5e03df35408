package dev.spillway.ops;

import dev.spillway.Bytes;
import dev.spillway.ClusterStatus;
import dev.spillway.ClusterStatus.Checkpoint;
import dev.spillway.ClusterStatus.NodeStatus;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport.NodePlacement;
import dev.spillway.WorstLoss;
import dev.spillway.console.TextTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A {@link ClusterStatus} as {@code ./spillway status} shows it: text tables for people, a map for JSON. */
final class StatusView {
    private StatusView() {
    }

    /**
     * The per-node table, the worst single loss, and each application's latest {@code latest} checkpoints (ages
     * counted to {@code now}).
     */
    static String text(ClusterStatus status, int latest, Instant now) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        out.printf(Locale.ROOT, "Spillway cluster status at %s: %d server node(s), %d application(s), %d "
            + "checkpoint(s)%n%n", status.takenAt(), status.nodes().size(), status.applications().size(),
            status.checkpoints().size());
        TextTable nodes = new TextTable("lrrrrrrrrrrr", "node", "region", "budget", "used", "live", "reserved",
            "free", "N-1 headroom", "apps", "checkpoints", "local", "spilled in");
        for (NodeStatus n : status.nodes()) {
            NodeCapacity c = n.capacity();
            nodes.row(n.node(), Bytes.format(c.regionMaxSize()), Bytes.format(c.budget()),
                Bytes.format(c.used()) + percent(c.used(), c.regionMaxSize()), Bytes.format(c.liveBytes()),
                Bytes.format(c.reserved()),
                Bytes.format(c.free()), Bytes.format(c.safeHeadroom()), String.valueOf(n.applications()),
                String.valueOf(n.checkpoints()), Bytes.format(n.localBytes()), Bytes.format(n.spilledBytes()));
        }
        nodes.print(out);
        out.println("  used: pages the region has allocated; live: the chunk copies held now (the rest, "
            + Bytes.format(status.nodes().stream().mapToLong(n -> n.capacity().reusableBytes()).sum())
            + " in all, is reused by new chunks)");
        out.println();
        out.println(worstLoss(status.worstLoss()));
        out.println(status.n1Safe() ? "N-1 safe: any one server may be stopped (a rolling restart's next step)"
            : "Not N-1 safe: " + status.notSafeBecause());
        for (String app : status.applications()) {
            out.printf("%nApplication %s: latest %d of %d checkpoint(s)%n", app, Math.min(latest,
                status.latest(app, Integer.MAX_VALUE).size()), status.latest(app, Integer.MAX_VALUE).size());
            TextTable checkpoints = new TextTable("rrrll", "id", "size", "age", "written on", "primary copies");
            for (Checkpoint c : status.latest(app, latest)) {
                checkpoints.row(String.valueOf(c.info().checkpointId()), Bytes.format(c.info().size()),
                    age(Duration.between(c.info().committedAt(), now)), c.info().originNode(), where(c)
                        + (c.info().damaged() ? "  DAMAGED chunks " + c.info().damagedChunks() : ""));
            }
            checkpoints.print(out);
        }
        return buffer.toString(StandardCharsets.UTF_8);
    }

    private static String worstLoss(WorstLoss w) {
        if (w == null)
            return "Worst single loss: none to survive (no backups, or a single server)";
        return String.format(Locale.ROOT, "Worst single loss: %s; its fullest survivor %s would use %s of its %s "
            + "limit (%s %s)", w.lostNode(), w.survivor(), Bytes.format(w.predictedUsed()), Bytes.format(w.limit()),
            Bytes.format(Math.abs(w.headroom())), w.headroom() >= 0 ? "to spare" : "OVER: not N-1 safe");
    }

    private static String where(Checkpoint c) {
        return c.placement().stream().filter(p -> p.chunks() > 0)
            .map(p -> p.node() + " " + Bytes.format(p.bytes()) + (p.origin() ? " (local)" : ""))
            .collect(Collectors.joining(", "));
    }

    private static String percent(long part, long whole) {
        return whole <= 0 ? "" : String.format(Locale.ROOT, " (%.0f%%)", 100.0 * part / whole);
    }

    /** An age as people read it: seconds, minutes, hours or days. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 120)
            return s + " s";
        if (s < 2 * 3600)
            return s / 60 + " min";
        if (s < 2 * 86400)
            return s / 3600 + " h";
        return s / 86400 + " d";
    }

    /** The whole status as maps and lists for {@code Json.write}, bytes as numbers, times as ISO-8601. */
    static Map<String, Object> json(ClusterStatus status, int latest) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("takenAt", status.takenAt().toString());
        List<Object> nodes = new ArrayList<>();
        for (NodeStatus n : status.nodes()) {
            NodeCapacity c = n.capacity();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("node", n.node());
            m.put("regionMaxSize", c.regionMaxSize());
            m.put("budget", c.budget());
            m.put("used", c.used());
            m.put("liveBytes", c.liveBytes());
            m.put("reusableBytes", c.reusableBytes());
            m.put("reserved", c.reserved());
            m.put("free", c.free());
            m.put("leases", c.leases());
            m.put("safeHeadroom", c.safeHeadroom());
            m.put("applications", n.applications());
            m.put("checkpoints", n.checkpoints());
            m.put("localBytes", n.localBytes());
            m.put("spilledBytes", n.spilledBytes());
            nodes.add(m);
        }
        root.put("nodes", nodes);
        root.put("rebalancing", status.rebalancing());
        root.put("n1Safe", status.n1Safe());
        root.put("notSafeBecause", status.notSafeBecause());
        WorstLoss w = status.worstLoss();
        if (w == null)
            root.put("worstLoss", null);
        else {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("lostNode", w.lostNode());
            m.put("survivor", w.survivor());
            m.put("predictedUsed", w.predictedUsed());
            m.put("limit", w.limit());
            m.put("headroom", w.headroom());
            root.put("worstLoss", m);
        }
        Map<String, Object> apps = new LinkedHashMap<>();
        for (String app : status.applications()) {
            List<Object> checkpoints = new ArrayList<>();
            for (Checkpoint c : status.latest(app, latest)) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("checkpointId", c.info().checkpointId());
                m.put("size", c.info().size());
                m.put("chunks", c.info().chunks());
                m.put("originNode", c.info().originNode());
                m.put("committedAt", c.info().committedAt().toString());
                m.put("damagedChunks", c.info().damagedChunks());
                List<Object> placement = new ArrayList<>();
                for (NodePlacement p : c.placement()) {
                    Map<String, Object> pm = new LinkedHashMap<>();
                    pm.put("node", p.node());
                    pm.put("chunks", p.chunks());
                    pm.put("bytes", p.bytes());
                    pm.put("origin", p.origin());
                    placement.add(pm);
                }
                m.put("placement", placement);
                checkpoints.add(m);
            }
            apps.put(app, checkpoints);
        }
        root.put("applications", apps);
        return root;
    }
}
