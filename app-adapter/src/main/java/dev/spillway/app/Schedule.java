package dev.spillway.app;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * When periodic checkpoints fire: the time seam of a {@link Checkpointer}. The default runs a timer thread; a test
 * gives a schedule it fires by hand, so no test waits for time to pass.
 */
@FunctionalInterface
public interface Schedule {

    /** Runs {@code task} every {@code period} until the returned handle is closed. */
    AutoCloseable every(Duration period, Runnable task);

    /** A timer on one daemon thread named {@code name}, at a fixed delay between the end of one run and the next. */
    static Schedule timer(String name) {
        return (period, task) -> {
            ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
            long millis = period.toMillis();
            timer.scheduleWithFixedDelay(task, millis, millis, TimeUnit.MILLISECONDS);
            return timer::shutdownNow;
        };
    }
}
