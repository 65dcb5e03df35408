package dev.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard preview renderer (src/main/dashboard-preview/preview.py, run with python3) against a stand-in for
 * Prometheus' HTTP API on loopback: one query per panel target with every variable substituted, a page with every
 * panel and its series; a query Prometheus refuses fails the run naming the panel.
 */
class DashboardPreviewTest {
    private static final Path SCRIPT = Path.of("src", "main", "dashboard-preview", "preview.py");
    private static final Path DASHBOARD = Path.of("..", "ignite-config", "src", "main", "dist", "config",
        "spillway-dashboard.json");
    private static final long FROM = 1_796_161_000L;
    private static final long TO = FROM + 300;

    private final List<Map<String, String>> queries = new CopyOnWriteArrayList<>();
    private HttpServer prometheus;
    private volatile String refuse = "\u0000";

    @AfterEach
    void stop() {
        if (prometheus != null)
            prometheus.stop(0);
    }

    @Test
    @DisplayName("one range query per panel target, variables substituted, and a page with every panel and series")
    void rendersEveryPanel(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("preview.html");
        Run run = preview("--out", page.toString());

        assertThat(run.exit).as(run.output).isZero();
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        List<String> titles = new ArrayList<>();
        int targets = 0;
        for (JsonNode p : dashboard.path("panels")) {
            titles.add(p.path("title").asText());
            targets += p.path("targets").size();
        }
        assertThat(queries).hasSize(targets);
        for (Map<String, String> q : queries) {
            assertThat(q.get("query")).doesNotContain("$").contains("spillway_");
            assertThat(q).containsEntry("start", FROM + ".0").containsEntry("end", TO + ".0")
                .containsEntry("step", "5");
            if (q.get("query").contains("rate("))
                assertThat(q.get("query")).as("4 scrape intervals of 5 s").contains("[20s]");
        }
        assertThat(queries).anySatisfy(q -> assertThat(q.get("query")).contains("node=~\".*\""));
        String html = Files.readString(page, StandardCharsets.UTF_8);
        for (String title : titles)
            assertThat(html).contains("\"title\": \"" + title + "\"");
        assertThat(html).contains("\"name\": \"bench-0\"", "echarts", "Preview, not Grafana");
    }

    @Test
    @DisplayName("a variable given on the command line goes into every query that names it")
    void variableGiven(@TempDir Path dir) throws Exception {
        Run run = preview("--out", dir.resolve("p.html").toString(), "--var", "node=bench-1");
        assertThat(run.exit).as(run.output).isZero();
        assertThat(queries).allSatisfy(q -> assertThat(q.get("query")).doesNotContain("node=~\".*\""));
        assertThat(queries).anySatisfy(q -> assertThat(q.get("query")).contains("node=~\"bench-1\""));
    }

    @Test
    @DisplayName("a query Prometheus refuses fails the run, naming the panel and Prometheus' error")
    void refusedQueryFails(@TempDir Path dir) throws Exception {
        refuse = "histogram_quantile";
        Run run = preview("--out", dir.resolve("p.html").toString());
        assertThat(run.exit).isNotZero();
        assertThat(run.output).contains("panel 'Save latency'", "bad_data: parse error");
    }

    private record Run(int exit, String output) {
    }

    /** Runs the renderer against the stand-in, over the test's window, scraped every 5 s. */
    private Run preview(String... args) throws IOException, InterruptedException {
        prometheus = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        prometheus.createContext("/api/v1/query_range", this::answer);
        prometheus.start();
        List<String> cmd = new ArrayList<>(List.of("python3", SCRIPT.toString(), "--dashboard",
            DASHBOARD.toString(), "--prometheus", "http://127.0.0.1:" + prometheus.getAddress().getPort(),
            "--from", Long.toString(FROM), "--to", Long.toString(TO), "--scrape-interval", "5s", "--echarts",
            echartsJar()));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out);
    }

    /** A matrix of two series, bench-0 and bench-1, for any query; an error for the one to refuse. */
    private void answer(HttpExchange exchange) throws IOException {
        Map<String, String> q = new HashMap<>();
        for (String pair : exchange.getRequestURI().getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            q.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        queries.add(q);
        String body;
        int status = 200;
        if (q.get("query").contains(refuse)) {
            status = 400;
            body = "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}";
        }
        else {
            StringBuilder values = new StringBuilder();
            for (long t = FROM; t <= TO; t += 5)
                values.append(values.length() == 0 ? "" : ",").append("[").append(t).append(",\"").append(t % 7)
                    .append("\"]");
            body = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"node\":\"bench-0\",\"placement\":\"local\"},\"values\":[" + values + "]},"
                + "{\"metric\":{\"node\":\"bench-1\",\"placement\":\"spilled\"},\"values\":[" + values + "]}]}}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The ECharts webjar on the test classpath, as the renderer reads it from load-tests/target/lib. */
    private static String echartsJar() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .filter(e -> e.matches(".*echarts-[\\d.]+\\.jar")).findFirst()
            .orElseThrow(() -> new IllegalStateException("no ECharts webjar on the classpath"));
    }
}
