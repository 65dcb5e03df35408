package dev.spillway.bench;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointStore;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Samples every server's checkpoint-region usage once a second while a run goes on (on a daemon thread), for the
 * report's usage charts. Each sample splits a node's used bytes into the primary copies of checkpoints written on
 * that node ({@code local}), the primary copies it holds for checkpoints written elsewhere ({@code spilled}), and
 * the rest (backup copies, chunks of saves not yet committed, page overhead), from the capacity ledger and the
 * placement of the committed checkpoints of the run's applications.
 */
final class UsageSampler implements AutoCloseable {
    private final CheckpointStore store;
    private final long started;
    private final Supplier<List<String>> applications;
    private final List<Map<String, Object>> samples;
    private final Thread thread;
    private volatile boolean stopped;
    /** Placements already asked for, by application/id (sampler thread only), valid for the nodes {@code placedOn}. */
    private final Map<String, PlacementReport> placements = new HashMap<>();
    private List<String> placedOn = List.of();

    /**
     * Starts sampling {@code store}; times are seconds since {@code started} (System.nanoTime()); the split into
     * local and spilled covers the checkpoints of {@code applications} (asked at every sample).
     */
    UsageSampler(CheckpointStore store, long started, String phase, Supplier<List<String>> applications,
                 List<Map<String, Object>> samples) {
        this.store = store;
        this.started = started;
        this.applications = applications;
        this.samples = samples;
        this.thread = new Thread(() -> loop(phase), "bench-usage-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Applications named {@code prefix0, prefix1, ...} as far as they have checkpoints (for runs whose saves happen
     * inside a node, where the bench does not know how many there are yet).
     */
    static Supplier<List<String>> numbered(CheckpointStore store, String prefix) {
        int[] known = {0};
        return () -> {
            while (!store.list(prefix + known[0]).isEmpty())
                known[0]++;
            List<String> names = new ArrayList<>();
            for (int i = 0; i <= known[0]; i++)
                names.add(prefix + i);
            return names;
        };
    }

    private void loop(String phase) {
        while (!stopped) {
            try {
                Map<String, Object> s = sample(phase);
                synchronized (samples) {
                    samples.add(s);
                }
            }
            catch (RuntimeException e) {
                // A node stopping or starting, a checkpoint deleted between list and placement: skip this sample.
            }
            try {
                Thread.sleep(1000);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    private Map<String, Object> sample(String phase) {
        double t = (System.nanoTime() - started) / 1e9;
        List<NodeCapacity> capacity = store.capacity();
        // A committed checkpoint's chunks stay where they are until the set of nodes changes.
        List<String> present = capacity.stream().map(NodeCapacity::node).sorted().toList();
        if (!present.equals(placedOn)) {
            placements.clear();
            placedOn = present;
        }
        Map<String, long[]> split = new HashMap<>();
        for (String app : applications.get()) {
            for (CheckpointInfo info : store.list(app)) {
                PlacementReport placement = placements.computeIfAbsent(app + "/" + info.checkpointId(),
                    k -> store.placement(app, info.checkpointId()));
                for (PlacementReport.NodePlacement n : placement.nodes())
                    split.computeIfAbsent(n.node(), k -> new long[2])[n.origin() ? 0 : 1] += n.bytes();
            }
        }
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (NodeCapacity c : capacity) {
            long[] ls = split.getOrDefault(c.node(), new long[2]);
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("used", c.used());
            n.put("local", ls[0]);
            n.put("spilled", ls[1]);
            n.put("regionMaxSize", c.regionMaxSize());
            nodes.put(c.node(), n);
        }
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("t", t);
        s.put("phase", phase);
        s.put("nodes", nodes);
        return s;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5000);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
