package dev.spillway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Short runs of each bench scenario (seconds, tiny sizes) on real node processes: they complete, every read
 * matches, and the results file holds the figures, the baselines and the targets. Speed is not judged here.
 */
class BenchSmokeIT {
    private static final Path OUT = Path.of("target", "bench-smoke").toAbsolutePath();

    @Test
    @DisplayName("bench throughput, tiny: every figure and baseline measured, results.json written")
    void throughput() throws IOException {
        int code = Bench.run("throughput", "--state-mb", "8", "--chunk-kb", "256", "--reps", "1", "--region-mb",
            "128", "--backups", "0,1", "--node-heap", "512m", "--out", OUT.toString(), "--name", "throughput");
        assertThat(code).isZero();
        String json = Files.readString(OUT.resolve("throughput").resolve("results.json"), StandardCharsets.UTF_8);
        assertThat(json).contains("\"scenario\": \"throughput\"", "\"gitCommit\"", "\"cpus\"",
            "\"spillway.save.home.b0\"", "\"spillway.restore.spilled.b1\"", "\"spillway.save.thin.b1\"",
            "\"raw.localStreamer.write.b0\"", "\"raw.random.write.best.b1\"", "\"machine.memcpy.b0\"",
            "\"targets\"", "\"spilledFractions\"");
    }
}
