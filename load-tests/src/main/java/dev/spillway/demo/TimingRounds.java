package dev.spillway.demo;

import dev.spillway.CheckpointStore;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import org.apache.ignite.Ignite;

/**
 * The timed comparison, one round of it: on the same payload and from the same node, the raw streamer write and
 * get with 0 backups, then with 1 backup, then a Spillway save as {@value #APP} and a streaming restore of it, on
 * the node and then over a thin client whose home server is that node.
 * The checkpoint is deleted at the end of the round, so the cluster holds one Spillway copy of the state (and its
 * backup) at most, and none between rounds.
 */
final class TimingRounds {
    static final String APP = "demo-timing";
    static final String RAW0_CACHE = "demo-baseline";
    static final String RAW1_CACHE = "demo-baseline-b1";

    /** One round's figures, in the order taken. */
    record Round(RawBaseline.Result raw0, RawBaseline.Result raw1, Rate save, Readback restore, Rate thinSave,
                 Readback thinRestore) {
    }

    /** Every round's figures, and each rate over the rounds. */
    record Result(List<Round> rounds) {
        Result {
            rounds = List.copyOf(rounds);
        }

        Samples raw0Write() {
            return Samples.of(rounds, r -> r.raw0().write());
        }

        Samples raw0Get() {
            return Samples.of(rounds, r -> r.raw0().read().rate());
        }

        Samples raw1Write() {
            return Samples.of(rounds, r -> r.raw1().write());
        }

        Samples raw1Get() {
            return Samples.of(rounds, r -> r.raw1().read().rate());
        }

        Samples save() {
            return Samples.of(rounds, Round::save);
        }

        Samples restore() {
            return Samples.of(rounds, r -> r.restore().rate());
        }

        Samples thinSave() {
            return Samples.of(rounds, Round::thinSave);
        }

        Samples thinRestore() {
            return Samples.of(rounds, r -> r.thinRestore().rate());
        }

        /** Whether every raw get returned the payload. */
        boolean rawMatched() {
            return rounds.stream().allMatch(r -> r.raw0().read().matches() && r.raw1().read().matches());
        }

        /** Whether every Spillway restore returned the saved bytes. */
        boolean restoresMatched() {
            return rounds.stream().allMatch(r -> r.restore().matches() && r.thinRestore().matches());
        }
    }

    private TimingRounds() {
    }

    /**
     * @param region the raw caches' data region
     * @param progress where the progress bars go
     */
    static Round round(Ignite node, CheckpointStore store, CheckpointStore thin, String region, Payload payload,
                       PrintStream progress) throws IOException {
        RawBaseline.Result raw0 = RawBaseline.measure(node, RAW0_CACHE, region, 0, payload, progress);
        RawBaseline.Result raw1 = RawBaseline.measure(node, RAW1_CACHE, region, 1, payload, progress);
        SpillwayTimings.Saved saved = SpillwayTimings.save(store, APP, payload, progress);
        Readback restore = SpillwayTimings.restore(store, APP, payload, progress, "restore");
        store.delete(APP, saved.info().checkpointId());
        SpillwayTimings.Saved thinSaved = SpillwayTimings.save(thin, APP, payload, progress);
        Readback thinRestore = SpillwayTimings.restore(thin, APP, payload, progress, "thin restore");
        thin.delete(APP, thinSaved.info().checkpointId());
        return new Round(raw0, raw1, saved.rate(), restore, thinSaved.rate(), thinRestore);
    }
}
