package dev.spillway.demo;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.bench.ChildJvm;
import dev.spillway.config.LoopbackPorts;
import dev.spillway.example.CounterApp;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code ./spillway example}: the example application's life, start to end. Three server nodes start in this JVM;
 * {@link CounterApp} runs in a JVM of its own and checkpoints itself over the thin client every 500 ms; after three
 * checkpoints it is killed with SIGKILL; started again, it resumes from its last checkpoint. Exit code 0 when the
 * resumed count is the one the last checkpoint holds.
 */
public final class ExampleRun {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private ExampleRun() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("IGNITE_QUIET", "false");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        System.setProperty("IGNITE_NO_SHUTDOWN_HOOK", "true");
        Path workDir = Path.of(args.length > 1 && args[0].equals("--work-dir") ? args[1] : "target/example-work")
            .toAbsolutePath();
        Files.createDirectories(workDir);
        SpillwayConfiguration plugin = new SpillwayConfiguration().setRegionMaxSize(64L << 20)
            .setChunkSize(64 << 10).setBackups(1).setRetention(2);
        int code = 1;
        try {
            DemoCluster cluster = new DemoCluster(workDir, plugin, Map.of());
            System.out.println("> Starting three server nodes in this JVM (thin clients on "
                + LoopbackPorts.HOST + ":" + DemoCluster.PORTS.thinClient() + "-)");
            cluster.start(3);
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < 3; i++)
                addresses.add("127.0.0.1:" + cluster.node(i).cluster().localNode().attribute("clientListenerPort"));
            code = run(Spillway.store(cluster.node(0)), addresses);
        }
        catch (Exception e) {
            System.err.println("Example failed: " + e);
            e.printStackTrace();
        }
        // The nodes hold nothing that outlives the run: end the JVM at once rather than stop them one by one,
        // which makes each stopping node log the others' departure. A counter JVM still running (the run failed
        // midway) goes first: halt does not end child processes.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }

    private static int run(CheckpointStore store, List<String> addresses) throws Exception {
        System.out.println("> Starting the counter in its own JVM: " + CounterApp.class.getName() + " "
            + String.join(" ", addresses));
        Process first = start(addresses);
        BlockingQueue<String> lines = echo(first);
        for (int checkpoints = 0; checkpoints < 3; )
            checkpoints += next(lines).startsWith("CHECKPOINT") ? 1 : 0;
        first.destroyForcibly();
        first.waitFor(30, TimeUnit.SECONDS);
        CheckpointInfo latest = store.latest("counter").orElseThrow();
        long saved;
        try (DataInputStream in = new DataInputStream(store.openLatest("counter"))) {
            saved = in.readLong();
        }
        System.out.println("> Killed the counter with SIGKILL; its last checkpoint is " + latest.checkpointId()
            + " (count " + saved + ", " + latest.size() + " bytes)");

        System.out.println("> Starting the counter again");
        Process second = start(addresses);
        try {
            BlockingQueue<String> again = echo(second);
            String resumed;
            do {
                resumed = next(again);
            } while (!resumed.startsWith("RESUMED") && !resumed.startsWith("STARTED"));
            for (int checkpoints = 0; checkpoints < 2; )
                checkpoints += next(again).startsWith("CHECKPOINT") ? 1 : 0;
            boolean ok = resumed.startsWith("RESUMED count=" + saved + " from checkpoint " + latest.checkpointId());
            System.out.println(ok ? "> Example passed: the counter resumed from checkpoint " + latest.checkpointId()
                + " at count " + saved : "> Example FAILED: expected to resume at count " + saved + " from "
                + "checkpoint " + latest.checkpointId() + ", got: " + resumed);
            store.list("counter").forEach(i -> store.delete("counter", i.checkpointId()));
            return ok ? 0 : 1;
        }
        finally {
            second.destroyForcibly();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The counter's JVM: this JVM's java, module flags and classpath, a 128 MB heap. */
    private static Process start(List<String> addresses) throws IOException {
        List<String> args = new ArrayList<>(List.of("--period-ms", "500"));
        args.addAll(addresses);
        return new ProcessBuilder(ChildJvm.command("128m", List.of(), CounterApp.class.getName(), args))
            .redirectErrorStream(true).start();
    }

    /** Prints the process's lines as they come, indented, and queues them. */
    private static BlockingQueue<String> echo(Process p) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    System.out.println("  counter | " + line);
                    lines.add(line);
                }
            }
            catch (IOException e) {
                // The process ended.
            }
        }, "example-output");
        t.setDaemon(true);
        t.start();
        return lines;
    }

    private static String next(BlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (line == null)
            throw new IllegalStateException("The counter printed nothing for " + WAIT);
        return line;
    }
}
