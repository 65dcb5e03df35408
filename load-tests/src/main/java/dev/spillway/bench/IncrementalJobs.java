package dev.spillway.bench;

import dev.spillway.Spillway;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * {@code bench incremental}'s work on node 0, where the embedded writer's state lives between the calls (one state
 * per application, made at the first call). Plain classes: Ignite's binary marshaller cannot write records.
 */
final class IncrementalJobs {
    private static final Map<String, IncrementalState> STATES = new ConcurrentHashMap<>();

    private IncrementalJobs() {
    }

    /** Makes (again) the application's state; returns its chunk count. */
    static final class Make implements IgniteCallable<Integer> {
        private static final long serialVersionUID = 1L;
        private final String app;
        private final long size;
        private final int chunkSize;
        private final IncrementalState.Content content;
        private final long seed;

        Make(String app, long size, int chunkSize, IncrementalState.Content content, long seed) {
            this.app = app;
            this.size = size;
            this.chunkSize = chunkSize;
            this.content = content;
            this.seed = seed;
        }

        @Override
        public Integer call() {
            IncrementalState s = new IncrementalState(size, chunkSize, content, seed);
            STATES.put(app, s);
            return s.chunks();
        }
    }

    /** Changes {@code percent} of the state's chunks (0: none), then saves it: {start, end, bytes stored, id}. */
    static final class ChangeAndSave implements IgniteCallable<double[]> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final String app;
        private final double percent;
        private final boolean hint;

        ChangeAndSave(String app, double percent, boolean hint) {
            this.app = app;
            this.percent = percent;
            this.hint = hint;
        }

        @Override
        public double[] call() {
            IncrementalState s = STATES.get(app);
            if (percent > 0)
                s.change(percent);
            return s.save(Spillway.store(ignite), app, hint);
        }
    }

    /** Restores the application's latest checkpoint on this node: {start, end, 1 when equal to the state}. */
    static final class Restore implements IgniteCallable<double[]> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final String app;

        Restore(String app) {
            this.app = app;
        }

        @Override
        public double[] call() {
            return STATES.get(app).restore(Spillway.store(ignite), app);
        }
    }

    /** Forgets the application's state. */
    static final class Drop implements IgniteCallable<Boolean> {
        private static final long serialVersionUID = 1L;
        private final String app;

        Drop(String app) {
            this.app = app;
        }

        @Override
        public Boolean call() {
            return STATES.remove(app) != null;
        }
    }
}
