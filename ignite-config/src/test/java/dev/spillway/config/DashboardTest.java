package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spillway.ScrubReport;
import dev.spillway.internal.metrics.SpillwayMeters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard shipped in the distribution's config/: Grafana's export form (a Prometheus data source
 * chosen at import), its queries naming only metrics a node serves, its panels on Grafana's 24-column grid.
 */
class DashboardTest {
    private static final Path FILE = Path.of("src", "main", "dist", "config", "spillway-dashboard.json");
    private static final Pattern METRIC = Pattern.compile("\\bspillway_[a-z_]+");
    private static final JsonNode DASHBOARD = read();

    @Test
    @DisplayName("in Grafana's export form: a Prometheus data source input, the variables node and application")
    void importable() {
        assertThat(DASHBOARD.path("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(DASHBOARD.path("uid").asText()).isEqualTo("spillway");
        JsonNode input = DASHBOARD.path("__inputs").path(0);
        assertThat(input.path("name").asText()).isEqualTo("DS_PROMETHEUS");
        assertThat(input.path("pluginId").asText()).isEqualTo("prometheus");
        List<String> variables = new ArrayList<>();
        DASHBOARD.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        assertThat(variables).containsExactly("datasource", "node", "application");
        assertThat(DASHBOARD.path("templating").path("list").path(0).path("current").path("value").asText())
            .isEqualTo("${DS_PROMETHEUS}");
    }

    @Test
    @DisplayName("every query names only metrics a node's Prometheus endpoint serves, through the data source "
        + "variable; every metric Spillway meters is on a panel")
    void queriesNameServedMetrics() {
        Set<String> served = servedMetrics();
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : panels()) {
            JsonNode targets = panel.path("targets");
            assertThat(targets.size()).as("queries of '%s'", title(panel)).isPositive();
            for (JsonNode target : targets) {
                assertThat(target.path("datasource").path("uid").asText()).as(title(panel))
                    .isEqualTo("${datasource}");
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find())
                    queried.add(m.group());
            }
        }
        assertThat(served).as("what a scrape serves").isNotEmpty();
        assertThat(queried).as("metrics the panels query").isSubsetOf(served);
        Set<String> families = families(served);
        Set<String> shown = families(queried);
        // Counted elsewhere on the dashboard: chunks beside bytes, leased bytes beside leases, scrub chunks beside
        // scrub bytes; _max is the timers' recent maximum.
        families.removeAll(Set.of("spillway_checkpoint_chunks", "spillway_reservation_bytes",
            "spillway_scrub_chunks"));
        assertThat(shown).as("metrics on a panel").containsAll(families);
    }

    @Test
    @DisplayName("panels lie on the 24-column grid, none over another, each with a title, a unit and a description")
    void panelsTileTheGrid() {
        List<JsonNode> all = new ArrayList<>();
        DASHBOARD.path("panels").forEach(all::add);
        for (int i = 0; i < all.size(); i++) {
            JsonNode a = all.get(i).path("gridPos");
            assertThat(a.path("x").asInt() + a.path("w").asInt()).as(title(all.get(i))).isLessThanOrEqualTo(24);
            assertThat(a.path("w").asInt()).as(title(all.get(i))).isPositive();
            assertThat(a.path("h").asInt()).as(title(all.get(i))).isPositive();
            for (int j = i + 1; j < all.size(); j++) {
                JsonNode b = all.get(j).path("gridPos");
                boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                    || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
                    || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
                    || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
                assertThat(apart).as("'%s' and '%s' apart", title(all.get(i)), title(all.get(j))).isTrue();
            }
        }
        for (JsonNode panel : panels()) {
            assertThat(title(panel)).isNotBlank();
            assertThat(panel.path("description").asText()).as(title(panel)).isNotBlank();
            assertThat(panel.path("fieldConfig").path("defaults").path("unit").asText()).as(title(panel))
                .isNotBlank();
        }
    }

    /** The panels that query (rows aside). */
    private static List<JsonNode> panels() {
        List<JsonNode> panels = new ArrayList<>();
        DASHBOARD.path("panels").forEach(p -> {
            if (!"row".equals(p.path("type").asText()))
                panels.add(p);
        });
        return panels;
    }

    private static String title(JsonNode panel) {
        return panel.path("title").asText();
    }

    /** The metrics the series {@code names} belong to: each name less a timer's or counter's suffix. */
    private static Set<String> families(Set<String> names) {
        return names.stream().map(n -> n.replaceFirst("_seconds_(bucket|count|sum|max)$", "_seconds")
            .replaceFirst("_total$", "")).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The metric names in a Prometheus scrape of a node's meters, each moved once: a save (local and spilled
     * bytes), a restore that failed verification, a refusal for each reason, leases of each outcome, the region
     * gauges, the scrub counters.
     */
    private static Set<String> servedMetrics() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SpillwayMeters meters = new SpillwayMeters("n1", 50);
        meters.bindTo(registry);
        meters.bindNode(registry, new SpillwayMeters.Region() {
            @Override
            public long budget() {
                return 100;
            }

            @Override
            public long used() {
                return 10;
            }

            @Override
            public long live() {
                return 8;
            }

            @Override
            public long reserved() {
                return 5;
            }

            @Override
            public long free() {
                return 85;
            }

            @Override
            public long safeHeadroom() {
                return 40;
            }

            @Override
            public long worstLossRoom() {
                return 30;
            }
        }, () -> 1);
        meters.bindScrub(registry, () -> new ScrubReport(2, 2048, 1, 1, 0));
        meters.saved("app", 1_000_000, 1024, 1, 1024, 1, 1024, 1);
        meters.restored("app", 1_000_000, true);
        for (SpillwayMeters.Refusal r : SpillwayMeters.Refusal.values())
            meters.refused("app", r);
        meters.leased(1024);
        meters.leased(0);
        meters.lapsed(1);
        return registry.scrape().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
            .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(FILE.toFile());
        }
        catch (IOException e) {
            throw new IllegalStateException("Cannot read " + FILE, e);
        }
    }
}
