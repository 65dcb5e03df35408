package dev.spillway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.ignite.Ignite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server node's meters, scraped over real HTTP from its Prometheus endpoint: each value a save, a restore and a
 * refusal moved is there, under the names and tags the README lists (issue 15).
 */
class MetricsIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20);
    private static final int PORT = TestPorts.METRICS_IT.slot(0).metrics();

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(2, TestPorts.METRICS_IT, CONFIG);

    @Test
    @DisplayName("a node with a metrics port serves its meters to Prometheus: a save, a restore and a refusal each "
        + "move theirs")
    void scrapeAfterASave() throws Exception {
        // The third node serves its meters; at most one application is tagged by name.
        Ignite served = cluster.start(2, CONFIG.copy().setMetricsPort(PORT).setMetricsApplications(1), cfg -> { });
        cluster.awaitAffinitySettled();
        String name = cluster.name(2);
        CheckpointStore store = Spillway.store(served);
        byte[] state = TestData.random(3 << 20, 1);
        store.save("metrics-app", state);
        assertThat(store.restoreLatest("metrics-app")).isEqualTo(state);
        store.save("metrics-second", TestData.random(1 << 20, 2));
        // Beyond every region together (10 GB), then beyond what the metadata region holds for one checkpoint.
        assertThatThrownBy(() -> store.begin("metrics-app", 10L << 30)).isInstanceOf(CapacityExhaustedException.class);
        assertThatThrownBy(() -> store.begin("metrics-app", 1L << 40)).isInstanceOf(CapacityExhaustedException.class);

        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + PORT + "/metrics")).timeout(Duration.ofSeconds(10)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        String body = scrape.body();
        System.out.println(body);

        String app = "application=\"metrics-app\",node=\"" + name + "\"";
        assertThat(value(body, "spillway_checkpoint_save_seconds_count{" + app + "}")).isEqualTo(1);
        assertThat(value(body, "spillway_checkpoint_save_seconds_bucket{" + app + ",le=\"+Inf\"}")).isEqualTo(1);
        assertThat(value(body, "spillway_checkpoint_restore_seconds_count{" + app + "}")).isEqualTo(1);
        double local = value(body, "spillway_checkpoint_bytes_total{" + app + ",placement=\"local\"}");
        double spilled = value(body, "spillway_checkpoint_bytes_total{" + app + ",placement=\"spilled\"}");
        assertThat(local + spilled).isEqualTo(3 << 20);
        assertThat(local).as("a save with room at home stays local").isEqualTo(3 << 20);
        assertThat(value(body, "spillway_checkpoint_chunks_total{" + app + ",placement=\"local\"}")).isEqualTo(12);
        // The second application is past the cap of one: tagged "other".
        String other = "application=\"other\",node=\"" + name + "\"";
        assertThat(value(body, "spillway_checkpoint_save_seconds_count{" + other + "}")).isEqualTo(1);
        assertThat(value(body, "spillway_capacity_refusals_total{" + app + ",reason=\"budget\"}")).isEqualTo(1);
        assertThat(value(body, "spillway_capacity_refusals_total{" + app + ",reason=\"metadata\"}")).isEqualTo(1);
        String node = "node=\"" + name + "\"";
        assertThat(value(body, "spillway_reservation_leases_total{" + node + ",outcome=\"granted\"}"))
            .isGreaterThanOrEqualTo(1);
        assertThat(value(body, "spillway_reservation_bytes_total{" + node + "}")).isGreaterThanOrEqualTo(3 << 20);
        assertThat(value(body, "spillway_write_sessions{" + node + "}")).isZero();
        assertThat(value(body, "spillway_scrub_chunks_total{" + node + "}")).isGreaterThanOrEqualTo(0);
        assertThat(value(body, "spillway_scrub_damaged_total{" + node + ",outcome=\"unrepaired\"}")).isZero();
        assertThat(value(body, "spillway_region_budget_bytes{" + node + "}"))
            .isEqualTo(store.capacity().stream().filter(c -> c.node().equals(name)).findFirst()
                .orElseThrow().budget());
        assertThat(value(body, "spillway_region_used_bytes{" + node + "}")).isGreaterThan(3 << 20);
        assertThat(value(body, "spillway_region_reserved_bytes{" + node + "}")).isZero();
        // The saves' admission read the failover model: the assignments after each loss are cached once.
        assertThat(value(body, "cache_gets_total{cache=\"spillway.loss.assignments\"," + node + ",result=\"hit\"}"))
            .isPositive();
        assertThat(value(body, "spillway_region_free_bytes{" + node + "}")).isPositive();
        assertThat(value(body, "spillway_region_safe_headroom_bytes{" + node + "}")).isPositive();
        assertThat(value(body, "spillway_region_worst_loss_room_bytes{" + node + "}"))
            .isEqualTo(store.worstLoss().orElseThrow().headroom());

        // The nodes without a port serve nothing, and keep their meters all the same.
        assertThat(Spillway.store(cluster.node(0)).list("metrics-app")).hasSize(1);
        assertThat(cluster.node(0).<SpillwayPlugin>plugin(Spillway.PLUGIN_NAME).meterRegistry()
            .find("spillway.region.used").gauge()).isNotNull();
        cluster.stop(2);
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + PORT + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString()))
            .as("a stopped node's endpoint is closed").isInstanceOf(IOException.class);
    }

    /** The value of the sample named exactly {@code sample} (name and labels) in a Prometheus text scrape. */
    private static double value(String scrape, String sample) {
        Matcher m = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
        assertThat(m.find()).as("sample %s in the scrape", sample).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
