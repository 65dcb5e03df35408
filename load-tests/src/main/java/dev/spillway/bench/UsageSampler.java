package dev.spillway.bench;

import dev.spillway.CheckpointStore;
import dev.spillway.NodeCapacity;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Samples every server's checkpoint-region usage once a second while a run goes on (one ledger read per node per
 * sample, on a daemon thread), for the report's usage chart.
 */
final class UsageSampler implements AutoCloseable {
    private final CheckpointStore store;
    private final long started;
    private final List<Map<String, Object>> samples;
    private final Thread thread;
    private volatile boolean stopped;

    /** Starts sampling {@code store}; times are seconds since {@code started} (System.nanoTime()). */
    UsageSampler(CheckpointStore store, long started, String phase, List<Map<String, Object>> samples) {
        this.store = store;
        this.started = started;
        this.samples = samples;
        this.thread = new Thread(() -> loop(phase), "bench-usage-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop(String phase) {
        while (!stopped) {
            try {
                List<NodeCapacity> capacity = store.capacity();
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("t", (System.nanoTime() - started) / 1e9);
                s.put("phase", phase);
                Map<String, Object> used = new LinkedHashMap<>();
                for (NodeCapacity c : capacity)
                    used.put(c.node(), List.of(c.used(), c.regionMaxSize()));
                s.put("used", used);
                synchronized (samples) {
                    samples.add(s);
                }
                Thread.sleep(1000);
            }
            catch (InterruptedException e) {
                return;
            }
            catch (RuntimeException e) {
                // A node stopping or starting: skip this sample.
            }
        }
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
