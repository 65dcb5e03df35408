package dev.spillway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointInfo;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.SecurityFiles;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code ./spillway status} against a cluster with a security file: an operator's identity, its password from the
 * environment, sees the applications it may list and no other; without an identity it is refused.
 */
class SecuredStatusIT {
    private static final SecurityFiles FILES = new SecurityFiles(Path.of("target", "security", "SecuredStatusIT")
        .toAbsolutePath())
        .identity("node", "node-secret", "role", "server")
        .identity("ops", "ops-secret", "list", "orders*");
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(32)
        .setMetadataRegionSize(16L << 20)
        .setSecurityFile(FILES.server("node", "node-secret"));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(2, TestPorts.SECURED_STATUS_IT, CONFIG);

    @Test
    @DisplayName("status as an identity: the applications it may list; without one: refused at the handshake")
    void statusAsAnIdentity() {
        CheckpointInfo orders = Spillway.store(cluster.node(0)).save("orders", TestData.random(1 << 20, 1));
        Spillway.store(cluster.node(0)).save("billing", TestData.random(1 << 20, 2));
        String address = cluster.thinAddress(0);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Status.run(new PrintStream(out, true, StandardCharsets.UTF_8),
            Map.of("SPILLWAY_PASSWORD", "ops-secret"), "--addresses", address, "--user", "ops");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(text).isZero();
        assertThat(text).contains("Application orders: latest 1 of 1 checkpoint(s)")
            .doesNotContain("Application billing");

        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new Status(new PrintStream(refused, true, StandardCharsets.UTF_8),
            Map.of()));
        cmd.setErr(new PrintWriter(err, true));
        assertThat(cmd.execute("--addresses", address)).isEqualTo(1);
        assertThat(err.toString()).contains("gave no user name");
        Spillway.store(cluster.node(0)).delete("orders", orders.checkpointId());
    }
}
