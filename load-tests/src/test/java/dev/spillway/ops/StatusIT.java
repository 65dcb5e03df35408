package dev.spillway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code ./spillway status} against a real cluster: three servers, two applications, one checkpoint spilled. */
class StatusIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.STATUS_IT, CONFIG);

    @Test
    @DisplayName("status prints every node, the worst loss and each application's latest checkpoints; --json too")
    void status() {
        CheckpointStore store = Spillway.store(cluster.node(0));
        CheckpointInfo first = store.save("orders", TestData.random(2 << 20, 1));
        CheckpointInfo second = store.save("orders", TestData.random(3 << 20, 2));
        CheckpointInfo other = Spillway.store(cluster.node(1)).save("billing", TestData.random(1 << 20, 3));
        String addresses = cluster.thinAddress(0) + "," + cluster.thinAddress(1);

        String text = run("--addresses", addresses, "--latest", "1");
        System.out.println(text);
        for (int i = 0; i < 3; i++)
            assertThat(text).contains(cluster.name(i));
        assertThat(text).contains("3 server node(s), 2 application(s), 3 checkpoint(s)")
            .contains("Worst single loss: ")
            .contains("Application orders: latest 1 of 2 checkpoint(s)")
            .contains("Application billing: latest 1 of 1 checkpoint(s)")
            .containsPattern("(?m)^\\s+" + second.checkpointId() + "\\s+3 MB\\s+\\d+ s\\s+"
                + second.originNode() + "\\s+" + second.originNode() + " 3 MB \\(local\\)")
            .containsPattern("(?m)^\\s+" + other.checkpointId() + "\\s+1 MB");
        assertThat(text).doesNotContainPattern("(?m)^\\s+" + first.checkpointId() + "\\s+2 MB");

        String json = run("--addresses", addresses, "--json");
        assertThat(json).contains("\"checkpointId\": " + first.checkpointId())
            .contains("\"checkpointId\": " + second.checkpointId())
            .contains("\"size\": " + (3 << 20))
            .contains("\"billing\": [")
            .contains("\"worstLoss\": {")
            .contains("\"node\": \"" + cluster.name(2) + "\"");
    }

    @Test
    @DisplayName("no server answers: exit code 1 and an error naming the addresses")
    void noServer() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream saved = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Status.run(System.out, "--addresses", "127.0.0.1:1", "--timeout", "2");
        }
        finally {
            System.setErr(saved);
        }
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("could not read the status from 127.0.0.1:1");
    }

    private static String run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Status.run(new PrintStream(out, true, StandardCharsets.UTF_8), args);
        assertThat(code).as("exit code").isZero();
        return out.toString(StandardCharsets.UTF_8);
    }
}
