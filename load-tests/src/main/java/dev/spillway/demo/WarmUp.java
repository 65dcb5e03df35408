package dev.spillway.demo;

import dev.spillway.CheckpointStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import org.apache.ignite.Ignite;

/**
 * Sends the payload once through a plain cache and once through Spillway, reads it back and deletes it, before
 * anything is timed. That compiles the write and read paths (JIT) and touches the memory of the regions the timed
 * runs fill, so they measure the steady state of every checkpoint after a node's first, whose space is reused.
 *
 * <p>On this machine (2 vCPUs in a VM) a first fill ran at a tenth of the later speed (measured once, 200 MB in
 * 1 MB values, 3 nodes in one JVM): 150-280 MB/s against 1500-2100 MB/s for the same streamer writes once warm.
 * The first-fill rates are kept and reported beside the steady-state figures.
 */
final class WarmUp {
    private static final String CACHE = "demo-warmup";
    private static final String APP = "demo-warmup";
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    /** Rates of the first fill: cold JIT, region memory touched for the first time. */
    record Result(Rate rawWrite, Rate rawRead, Rate spillwaySave) {
    }

    private WarmUp() {
    }

    /**
     * @param region the region the raw baselines use, filled here with one backup as the larger baseline does
     */
    static Result run(Ignite node, CheckpointStore store, String region, Payload payload) throws IOException {
        RawBaseline.Result raw = RawBaseline.measure(node, CACHE, region, 1, payload, NOWHERE);
        SpillwayTimings.Saved saved = SpillwayTimings.save(store, APP, payload, NOWHERE);
        SpillwayTimings.restore(store, APP, payload, NOWHERE, "restore");
        store.delete(APP, saved.info().checkpointId());
        return new Result(raw.write(), raw.read().rate(), saved.rate());
    }
}
