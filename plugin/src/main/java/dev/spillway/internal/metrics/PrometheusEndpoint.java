package dev.spillway.internal.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A server node's meters over HTTP, in Prometheus' text format: {@code GET /metrics} on the node's host and the
 * configured port, answered by one daemon thread. Started by the node when a metrics port is set, closed when it
 * stops.
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}). Not API: see {@code dev.spillway.internal}.
 */
public final class PrometheusEndpoint implements AutoCloseable {
    /** The content type of Prometheus' text exposition format, version 0.0.4. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final HttpServer server;
    private final ExecutorService thread;

    private PrometheusEndpoint(PrometheusMeterRegistry registry, HttpServer server, ExecutorService thread) {
        this.registry = registry;
        this.server = server;
        this.thread = thread;
    }

    /**
     * Binds {@code host:port} (every interface for a null host) and serves a new Prometheus registry there; the
     * caller adds {@link #registry()} to the registry its meters are in.
     *
     * @param node the node's name, for the thread's name and messages
     * @throws UncheckedIOException when the address cannot be bound, naming it
     */
    public static PrometheusEndpoint start(String node, String host, int port) {
        InetSocketAddress address = host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Node " + node + " cannot serve its metrics on " + address
                + " (spillway.metricsPort): " + e.getMessage(), e);
        }
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spillway-metrics-" + node);
            t.setDaemon(true);
            return t;
        });
        server.createContext("/metrics", exchange -> answer(exchange, registry));
        server.setExecutor(thread);
        server.start();
        return new PrometheusEndpoint(registry, server, thread);
    }

    private static void answer(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The registry this endpoint serves. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The address it is bound to. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
        registry.close();
    }
}
