package dev.spillway.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.JavaProcess;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A thin client in a JVM with a 256 MB heap saves a 1 GB state and restores it byte-equal: states are streamed in
 * chunks, never held whole. The cluster (three nodes in this JVM, 480 MB regions, no backups) holds it in RAM.
 */
class LargeStateThinClientIT {
    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.LARGE_STATE_THIN_CLIENT_IT, new SpillwayConfiguration()
        .setRegionMaxSize(480L << 20)
        .setChunkSize(1 << 20)
        .setBackups(0)
        .setPartitions(128)
        .setMetadataRegionSize(16L << 20));

    @Test
    @DisplayName("a 1 GB state saved and restored byte-equal by a thin client running with -Xmx256m")
    void oneGigabyteAt256MegabytesOfHeap() throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("1024"));
        for (int i = 0; i < 3; i++)
            args.add(cluster.thinAddress(i));
        Path log = Path.of("target", "large-state-client.log");
        Process p = new ProcessBuilder(JavaProcess.command("256m", LargeStateClient.class, args))
            .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the client finished within 5 minutes").isTrue();
        }
        finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        String result = out.lines().filter(l -> l.startsWith("RESULT")).findFirst().orElse("");
        System.out.println("1 GB over a thin client at -Xmx256m: " + result);
        assertThat(p.exitValue()).as("exit code; log %s:%n%s", log, out).isZero();
        assertThat(result).contains("bytes=1073741824", "chunks=1024", "maxHeapMB=");
        assertThat(out).doesNotContain("OutOfMemoryError");
    }
}
