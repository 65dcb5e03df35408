package dev.spillway.bench;

import dev.spillway.NodeCapacity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The chaos run's timeline for its report: saves committed, refused and failed per second, the faults and steps
 * at the second they happened, and each node's checkpoint-region fill (used over the region's size) sampled every
 * second.
 */
final class ChaosTimeline {
    static final int COMMITTED = 0;
    static final int REFUSED = 1;
    static final int FAILED = 2;

    private final long startedNanos = System.nanoTime();
    private final ConcurrentSkipListMap<Integer, AtomicLongArray> saves = new ConcurrentSkipListMap<>();
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final List<Map<String, Object>> fill = new ArrayList<>();

    /** Seconds since the run started. */
    double seconds() {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    void save(int outcome) {
        saves.computeIfAbsent((int)seconds(), s -> new AtomicLongArray(3)).incrementAndGet(outcome);
    }

    /** A fault or a step of a round, at this second. */
    synchronized void event(int round, String kind, String detail) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("second", Math.round(seconds() * 10) / 10.0);
        e.put("round", round);
        e.put("kind", kind);
        e.put("detail", detail);
        events.add(e);
    }

    /** Each node's fill now, from a capacity report: the region's used bytes over its size, in percent. */
    synchronized void sample(List<NodeCapacity> capacity) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("second", Math.round(seconds() * 10) / 10.0);
        Map<String, Object> nodes = new LinkedHashMap<>();
        for (NodeCapacity c : capacity)
            nodes.put(c.node(), Math.round(1000.0 * c.used() / c.regionMaxSize()) / 10.0);
        s.put("percent", nodes);
        fill.add(s);
    }

    synchronized List<Map<String, Object>> events() {
        return new ArrayList<>(events);
    }

    /** {second, committed, refused, failed} per second with any save. */
    List<Map<String, Object>> saves() {
        List<Map<String, Object>> rows = new ArrayList<>();
        saves.forEach((second, counts) -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("second", second);
            r.put("committed", counts.get(COMMITTED));
            r.put("refused", counts.get(REFUSED));
            r.put("failed", counts.get(FAILED));
            rows.add(r);
        });
        return rows;
    }

    synchronized List<Map<String, Object>> fill() {
        return new ArrayList<>(fill);
    }
}
