package dev.spillway.example;

import dev.spillway.CheckpointInfo;
import dev.spillway.app.Checkpointable;
import dev.spillway.app.Checkpointer;
import dev.spillway.client.SpillwayClient;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * The example application: a counter that checkpoints itself over the thin client. It resumes from its last
 * checkpoint at start, counts (one step every 10 ms, with a history of recent steps as its state), and checkpoints
 * every second. Kill it at any moment ({@code kill -9}); started again, it goes on from the last checkpoint.
 *
 * <pre>
 * java ... dev.spillway.example.CounterApp [--app NAME] [--period-ms N] [--steps N] HOST:PORT [HOST:PORT ...]
 * </pre>
 * {@code --steps} stops after that many steps past the start (default: run until killed).
 */
public final class CounterApp implements Checkpointable {
    private static final int HISTORY = 1000;

    private long count;
    private final long[] history = new long[HISTORY];

    @Override
    public synchronized void writeState(OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(count);
        for (long h : history)
            data.writeLong(h);
        data.flush();
    }

    @Override
    public synchronized void readState(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        count = data.readLong();
        for (int i = 0; i < HISTORY; i++)
            history[i] = data.readLong();
    }

    private synchronized long step() {
        count++;
        history[(int)(count % HISTORY)] = System.currentTimeMillis();
        return count;
    }

    private synchronized long count() {
        return count;
    }

    public static void main(String[] args) throws InterruptedException {
        String app = "counter";
        long periodMs = 1000;
        long steps = Long.MAX_VALUE;
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--app" -> app = args[++i];
                case "--period-ms" -> periodMs = Long.parseLong(args[++i]);
                case "--steps" -> steps = Long.parseLong(args[++i]);
                default -> addresses.add(args[i]);
            }
        }
        if (addresses.isEmpty()) {
            System.err.println("usage: CounterApp [--app NAME] [--period-ms N] [--steps N] HOST:PORT [HOST:PORT ...]");
            System.exit(2);
        }
        CounterApp counter = new CounterApp();
        try (SpillwayClient client = SpillwayClient.connect(new ClientConfiguration()
                .setAddresses(addresses.toArray(String[]::new)));
             Checkpointer checkpointer = Checkpointer.builder(client, app, counter)
                 .period(Duration.ofMillis(periodMs)).start()) {
            System.out.println(checkpointer.restored()
                .map(info -> "RESUMED count=" + counter.count() + " from checkpoint " + info.checkpointId())
                .orElse("STARTED count=0 (no checkpoint yet)") + " home=" + client.homeServer());
            long last = checkpointer.last().map(CheckpointInfo::checkpointId).orElse(0L);
            for (long s = 0; s < steps; s++) {
                counter.step();
                Thread.sleep(10);
                CheckpointInfo info = checkpointer.last().orElse(null);
                if (info != null && info.checkpointId() != last) {
                    last = info.checkpointId();
                    System.out.println("CHECKPOINT id=" + info.checkpointId() + " size=" + info.size()
                        + " duration=" + info.duration().toMillis() + "ms count-now=" + counter.count());
                }
            }
            System.out.println("DONE count=" + counter.checkpointAndCount(checkpointer));
        }
    }

    private long checkpointAndCount(Checkpointer checkpointer) {
        checkpointer.checkpoint();
        return count();
    }
}
