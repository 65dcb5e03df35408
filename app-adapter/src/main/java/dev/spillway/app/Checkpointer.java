package dev.spillway.app;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointIntegrityException;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.SpillwayException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Checkpoints one application's {@link Checkpointable} state through any {@link CheckpointStore} (on a node, a
 * thick client or a thin client): restores the latest checkpoint at start-up, saves on demand and on a fixed
 * period, and never runs two saves of the application at once. A request that arrives during a save is coalesced
 * into the next one: however many arrive, one more save runs after the current one, and all of them get its
 * result.
 *
 * <pre>{@code
 * try (Checkpointer cp = Checkpointer.builder(store, "orders", state).period(Duration.ofSeconds(30)).start()) {
 *     cp.restored().ifPresent(info -> log.info("resumed from {}", info));
 *     ...
 *     cp.checkpoint();   // on demand, waits for the save
 * }
 * }</pre>
 */
public final class Checkpointer implements AutoCloseable {
    /** Checkpointers running in this process, by store and application: one each. */
    private static final Set<List<Object>> RUNNING = ConcurrentHashMap.newKeySet();
    /** Restores tried at start-up when the checkpoint being read is removed meanwhile. */
    private static final int RESTORE_ATTEMPTS = 3;

    private final CheckpointStore store;
    private final String application;
    private final Checkpointable state;
    private final ExecutorService saver;
    private final List<Object> key;
    private final Object lock = new Object();
    private CompletableFuture<CheckpointInfo> running;
    private CompletableFuture<CheckpointInfo> pending;
    private volatile CheckpointInfo last;
    private volatile Throwable lastFailure;
    private volatile CheckpointInfo restored;
    private AutoCloseable periodic;
    private boolean closed;

    private Checkpointer(Builder b) {
        this.store = b.store;
        this.application = b.application;
        this.state = b.state;
        this.key = List.of(store, application);
        this.saver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "spillway-checkpointer-" + application);
            t.setDaemon(true);
            return t;
        });
    }

    /** A checkpointer of {@code application}'s {@code state} on {@code store}; configure it, then {@link Builder#start}. */
    public static Builder builder(CheckpointStore store, String application, Checkpointable state) {
        return new Builder(store, application, state);
    }

    /** The checkpoint the state was restored from at start-up, if there was one. */
    public Optional<CheckpointInfo> restored() {
        return Optional.ofNullable(restored);
    }

    /** The last checkpoint this checkpointer committed: its id, size, commit time and duration. */
    public Optional<CheckpointInfo> last() {
        return Optional.ofNullable(last);
    }

    /** Why the last save that failed failed, if any did (a periodic save's failure is only reported here). */
    public Optional<Throwable> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /**
     * Asks for a checkpoint: starts a save now, or, when one is running, joins the one that will run after it.
     * The future completes with the committed checkpoint, or with the save's failure.
     *
     * @throws IllegalStateException when the checkpointer is closed
     */
    public CompletableFuture<CheckpointInfo> request() {
        synchronized (lock) {
            if (closed)
                throw new IllegalStateException("Checkpointer of " + application + " is closed");
            if (running == null) {
                running = new CompletableFuture<>();
                CompletableFuture<CheckpointInfo> now = running;
                saver.execute(() -> runSave(now));
                return now;
            }
            if (pending == null)
                pending = new CompletableFuture<>();
            return pending;
        }
    }

    /**
     * Takes a checkpoint and waits for it (coalesced with a running save as {@link #request} is).
     *
     * @throws SpillwayException or another runtime exception the save failed with
     */
    public CheckpointInfo checkpoint() {
        try {
            return request().join();
        }
        catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r)
                throw r;
            throw new SpillwayException("Checkpoint of " + application + " failed: " + cause, cause);
        }
    }

    /**
     * Stops periodic checkpoints and waits for a running save to end; a save requested but not started does not
     * run (its future is cancelled).
     */
    @Override
    public void close() {
        CompletableFuture<CheckpointInfo> dropped;
        synchronized (lock) {
            if (closed)
                return;
            closed = true;
            dropped = pending;
            pending = null;
        }
        if (dropped != null)
            dropped.cancel(false);
        try {
            if (periodic != null)
                periodic.close();
        }
        catch (Exception e) {
            // A timer that cannot stop is daemon: it dies with the process.
        }
        saver.shutdown();
        try {
            saver.awaitTermination(1, TimeUnit.MINUTES);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        RUNNING.remove(key);
    }

    private void runSave(CompletableFuture<CheckpointInfo> result) {
        try {
            CheckpointInfo info = save();
            last = info;
            result.complete(info);
        }
        catch (Throwable t) {
            lastFailure = t;
            result.completeExceptionally(t);
        }
        synchronized (lock) {
            running = pending;
            pending = null;
            if (running != null) {
                CompletableFuture<CheckpointInfo> next = running;
                saver.execute(() -> runSave(next));
            }
        }
    }

    private CheckpointInfo save() throws IOException {
        try (CheckpointWriter writer = store.begin(application)) {
            state.writeState(new FilterOutputStream(writer) {
                @Override
                public void write(byte[] b, int off, int len) {
                    writer.write(b, off, len);
                }

                @Override
                public void close() {
                    // The checkpointer commits or aborts the writer.
                }
            });
            return writer.commit();
        }
    }

    /**
     * Restores the latest checkpoint, or with fall-back the newest one that verifies; empty when there is none. A
     * checkpoint removed while it is read (newer commits evicted it, or it was deleted) is passed over: the newest
     * is read again, up to {@value #RESTORE_ATTEMPTS} times.
     */
    private void restore(boolean fallBack) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                restoreNewest(fallBack);
                return;
            }
            catch (CheckpointNotFoundException removed) {
                if (attempt == RESTORE_ATTEMPTS)
                    throw removed;
            }
        }
    }

    private void restoreNewest(boolean fallBack) throws IOException {
        List<CheckpointInfo> all = new ArrayList<>(store.list(application));
        Collections.reverse(all);
        CheckpointIntegrityException firstFailure = null;
        for (CheckpointInfo info : all) {
            try (CheckpointReader reader = store.open(application, info.checkpointId())) {
                state.readState(reader);
                restored = info;
                return;
            }
            catch (CheckpointIntegrityException e) {
                if (!fallBack)
                    throw e;
                if (firstFailure == null)
                    firstFailure = e;
            }
        }
        if (firstFailure != null)
            throw firstFailure;
    }

    /** Settings of a checkpointer. */
    public static final class Builder {
        private final CheckpointStore store;
        private final String application;
        private final Checkpointable state;
        private Duration period;
        private Schedule schedule;
        private boolean fallBack;

        private Builder(CheckpointStore store, String application, Checkpointable state) {
            this.store = Objects.requireNonNull(store, "store");
            this.application = application;
            this.state = Objects.requireNonNull(state, "state");
        }

        /** Saves every {@code period} too (not only on demand). Default: on demand only. */
        public Builder period(Duration period) {
            if (period == null || period.isNegative() || period.isZero())
                throw new IllegalArgumentException("period=" + period + "; allowed: a positive duration");
            this.period = period;
            return this;
        }

        /** What fires periodic saves. Default: a timer thread named {@code spillway-checkpoint-timer-<app>}. */
        public Builder schedule(Schedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
            return this;
        }

        /**
         * At start-up, when the latest checkpoint fails verification, restore the newest older one that verifies
         * instead of failing. Default: false (fail with {@link CheckpointIntegrityException}).
         */
        public Builder fallBackToOlder(boolean fallBack) {
            this.fallBack = fallBack;
            return this;
        }

        /**
         * Restores the latest checkpoint into the state, if there is one, then starts periodic saves.
         *
         * @throws IllegalStateException when a checkpointer of this application on this store is running already
         */
        public Checkpointer start() {
            store.list(application); // checks the application id: every bad id gets the facade's own error
            Checkpointer cp = new Checkpointer(this);
            if (!RUNNING.add(cp.key)) {
                cp.saver.shutdown();
                throw new IllegalStateException("A checkpointer of " + application + " on this store is running "
                    + "already; one application has one checkpointer");
            }
            try {
                cp.restore(fallBack);
                if (period != null) {
                    Schedule s = schedule != null ? schedule : Schedule.timer("spillway-checkpoint-timer-"
                        + application);
                    cp.periodic = s.every(period, () -> {
                        try {
                            cp.request();
                        }
                        catch (IllegalStateException closed) {
                            // Closed between two ticks.
                        }
                    });
                }
                return cp;
            }
            catch (IOException e) {
                cp.close();
                throw new SpillwayException("Restoring " + application + " failed while reading its state: " + e,
                    e);
            }
            catch (RuntimeException e) {
                cp.close();
                throw e;
            }
        }
    }
}
