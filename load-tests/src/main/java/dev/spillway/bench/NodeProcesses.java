package dev.spillway.bench;

import java.util.List;

/**
 * How the bench starts each server node process: its heap, extra JVM options ({@code {node}} replaced by the node's
 * name), and the first port of the nodes' Prometheus endpoints ({@code metricsPort}; node slot {@code i} serves
 * {@code http://HOST:metricsPort+i/metrics}; 0: none).
 */
record NodeProcesses(String heap, List<String> jvmArgs, int metricsPort) {
    /** The highest first metrics port: node slot {@link BenchCluster#MAX_SLOTS} - 1 still gets a port. */
    static final int MAX_METRICS_PORT = 65_535 - (BenchCluster.MAX_SLOTS - 1);

    NodeProcesses {
        jvmArgs = List.copyOf(jvmArgs);
        if (metricsPort < 0 || metricsPort > MAX_METRICS_PORT)
            throw new IllegalArgumentException("--metrics-port " + metricsPort + ": allowed: 0 (no endpoint) or a "
                + "port from 1 to " + MAX_METRICS_PORT + " (node slots 0 to " + (BenchCluster.MAX_SLOTS - 1)
                + " take the ports from it on)");
    }

    /** Node processes with {@code heap} and no extra JVM options or endpoint. */
    static NodeProcesses of(String heap) {
        return new NodeProcesses(heap, List.of(), 0);
    }

    /** The node options of slot {@code slot} these settings add: its metrics port, if any. */
    List<String> nodeOptions(int slot) {
        return metricsPort == 0 ? List.of() : List.of("--metrics-port", Integer.toString(metricsPort + slot));
    }
}
