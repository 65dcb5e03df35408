package dev.spillway.demo;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import java.io.IOException;
import java.io.PrintStream;

/** Spillway's side of the comparison: a save and a restore of the payload through the public API, timed. */
final class SpillwayTimings {
    /** A committed checkpoint and how long it took from {@code begin} to {@code commit}. */
    record Saved(CheckpointInfo info, Rate rate) {
    }

    private SpillwayTimings() {
    }

    /**
     * Streams the payload into one checkpoint and commits it, its chunk arrays handed over (never changed, so
     * stored without a copy, as the raw baseline's streamer takes them).
     */
    static Saved save(CheckpointStore store, String application, Payload payload, PrintStream progress) {
        ProgressBar bar = new ProgressBar(progress, "save", payload.size());
        long start = System.nanoTime();
        CheckpointInfo info;
        try (CheckpointWriter writer = store.begin(application, payload.size())) {
            for (int i = 0; i < payload.chunkCount(); i++) {
                writer.handOver(payload.chunk(i));
                bar.update(writer.size());
            }
            info = writer.commit();
        }
        Rate rate = new Rate(payload.size(), System.nanoTime() - start);
        bar.finish(info.size());
        return new Saved(info, rate);
    }

    /**
     * Streams the latest checkpoint back in 1 MB reads, comparing each with the payload at the same position.
     *
     * @param label the progress bar's label
     */
    static Readback restore(CheckpointStore store, String application, Payload payload, PrintStream progress,
                            String label) throws IOException {
        ProgressBar bar = new ProgressBar(progress, label, payload.size());
        Payload.Check check = payload.check();
        byte[] buf = new byte[1 << 20];
        long start = System.nanoTime();
        try (CheckpointReader reader = store.openLatest(application)) {
            for (int n; (n = reader.read(buf, 0, buf.length)) > 0; ) {
                check.accept(buf, 0, n);
                bar.update(check.position());
            }
        }
        Readback readback = new Readback(new Rate(check.position(), System.nanoTime() - start), check);
        bar.finish(check.position());
        return readback;
    }
}
