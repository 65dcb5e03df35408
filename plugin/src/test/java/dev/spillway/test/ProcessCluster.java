package dev.spillway.test;

import dev.spillway.SpillwayConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.StopNodeFailureHandler;

/**
 * N Ignite server nodes, each a real {@code java} process running {@link NodeMain}, on loopback ports of the test's
 * own, and optionally a thick client node in this JVM that joins them. Close it in {@code finally} (or
 * try-with-resources): it stops the client and destroys every process it started, and waits for them, also when
 * the test failed.
 *
 * <p>Each process writes stdout and stderr to {@code target/process-cluster/<test>/<name>.log}. Ports: a slot of
 * {@link TestPorts}, as in {@link SpillwayCluster}; the cluster fails at once if a node answers there before it
 * starts its own. Child JVMs get the flags of the system property {@code spillway.jvm.opens} (set by
 * Failsafe from the parent pom) and this JVM's classpath.
 */
public final class ProcessCluster implements AutoCloseable {
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    private final String test;
    private final TestPorts.Slot ports;
    private final int basePort;
    private final int regionMb;
    private final int chunkKb;
    private final int backups;
    private final int partitions;
    private final int retention;
    private final int plainRegionMb;
    private final long failureDetectionMs;
    private final long operationTimeoutMs;
    /** The network the nodes run on, each in its namespace; null for loopback. */
    private final Network network;
    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> clientFailures = new CopyOnWriteArrayList<>();
    private Ignite client;

    private ProcessCluster(Builder b) {
        this.test = b.test;
        this.ports = b.ports;
        this.basePort = b.ports.base();
        this.regionMb = b.regionMb;
        this.chunkKb = b.chunkKb;
        this.backups = b.backups;
        this.partitions = b.partitions;
        this.retention = b.retention;
        this.plainRegionMb = b.plainRegionMb;
        this.failureDetectionMs = b.failureDetectionMs;
        this.operationTimeoutMs = b.operationTimeoutMs;
        this.network = b.network;
        this.dir = Path.of("target", "process-cluster", test).toAbsolutePath();
    }

    /**
     * A network of Linux namespaces the node processes run on, one each, instead of loopback (load-tests'
     * {@code NamespaceNetwork} builds one and cuts it at will).
     *
     * @param namespaces node {@code i}'s namespace, by node
     * @param addresses node {@code i}'s address in it, by node
     * @param clientAddress this JVM's address on the network, for the thick client
     */
    public record Network(List<String> namespaces, List<String> addresses, String clientAddress) {
        String namespace(int i) {
            return namespaces.get(i);
        }

        String address(int i) {
            return addresses.get(i);
        }
    }

    /** A cluster for {@code test} (the name of its log folder) on the ports of a slot of the port table. */
    public static Builder builder(String test, TestPorts.Slot ports) {
        return new Builder(test, ports);
    }

    /** The plugin configuration every node of this cluster runs. */
    public SpillwayConfiguration config() {
        SpillwayConfiguration config = NodeMain.pluginConfiguration(regionMb, chunkKb, backups, partitions)
            .setRetention(retention);
        return operationTimeoutMs > 0 ? config.setOperationTimeout(Duration.ofMillis(operationTimeoutMs)) : config;
    }

    public String name(int i) {
        return "p" + basePort + "-" + i;
    }

    public int size() {
        return processes.size();
    }

    /** Index of the node whose consistent id is {@code name}. */
    public int indexOf(String name) {
        return IntStream.range(0, size()).filter(i -> name(i).equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("No node " + name + " in " + test));
    }

    /** Starts the processes in parallel and waits until each has joined. */
    private void start(int servers) {
        ports.assertNoNodeAnswers();
        try {
            deleteRecursively(dir);
            Files.createDirectories(dir);
            for (int i = 0; i < servers; i++)
                processes.add(command(i).start());
        }
        catch (IOException e) {
            close();
            throw new UncheckedIOException("Cannot start node processes for " + test, e);
        }
        try {
            long started = System.nanoTime();
            long deadline = started + JOIN_TIMEOUT.toNanos();
            for (int i = 0; i < servers; i++) {
                while (!log(i).contains("JOINED " + name(i) + " ")) {
                    if (!processes.get(i).isAlive())
                        throw new AssertionError("Node process " + name(i) + " exited with "
                            + processes.get(i).exitValue() + " before joining; log " + logFile(i) + ":\n" + tail(i));
                    if (System.nanoTime() > deadline)
                        throw new AssertionError("Node process " + name(i) + " did not join within " + JOIN_TIMEOUT
                            + "; log " + logFile(i) + ":\n" + tail(i));
                    Thread.sleep(100);
                }
            }
            System.out.printf("%s: %d node processes joined in %.1f s (logs in %s)%n", test, servers,
                (System.nanoTime() - started) / 1e9, dir);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new AssertionError("Interrupted starting " + test);
        }
        catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private ProcessBuilder command(int i) {
        List<String> cmd = JavaProcess.command("256m", NodeMain.class, new ArrayList<>(List.of(
            "--name", name(i),
            "--base-port", Integer.toString(basePort),
            "--region-mb", Integer.toString(regionMb),
            "--backups", Integer.toString(backups),
            "--partitions", Integer.toString(partitions),
            "--retention", Integer.toString(retention),
            "--chunk-kb", Integer.toString(chunkKb),
            "--work-dir", dir.resolve("work").resolve(name(i)).toString())));
        if (plainRegionMb > 0)
            cmd.addAll(List.of("--plain-region-mb", Integer.toString(plainRegionMb)));
        if (failureDetectionMs > 0)
            cmd.addAll(List.of("--failure-detection-ms", Long.toString(failureDetectionMs)));
        if (operationTimeoutMs > 0)
            cmd.addAll(List.of("--operation-timeout-ms", Long.toString(operationTimeoutMs)));
        if (network != null) {
            cmd.addAll(List.of("--host", network.address(i), "--hosts", String.join(",", network.addresses())));
            cmd.addAll(0, List.of("ip", "netns", "exec", network.namespace(i)));
        }
        return new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(logFile(i).toFile());
    }

    /**
     * Starts a thick client node in this JVM that joins the cluster, with the Spillway plugin and the cluster's
     * plugin configuration. A critical failure in it stops it (never halts this JVM) and is recorded in
     * {@link #clientFailures()}. {@link #close()} stops it.
     */
    public Ignite startClient() {
        return startClient(config());
    }

    /**
     * {@link #startClient()} with a plugin configuration of its own: one that differs from the cluster's only in
     * local properties (the operation timeout, the maintenance interval, the clock), else the cluster refuses it.
     */
    public Ignite startClient(SpillwayConfiguration plugin) {
        return startClient(plugin, IntStream.range(0, size()).toArray());
    }

    /**
     * {@link #startClient()} on a namespace network, with the client's discovery given only the addresses of
     * nodes {@code via}: it joins, and stays connected, through one of them (a thick client's discovery goes
     * through one server, and a client whose server is cut off is cut off too).
     */
    public Ignite startClientVia(int... via) {
        if (network == null)
            throw new IllegalStateException("Nodes on loopback share one address: use startClient()");
        return startClient(config(), via);
    }

    private Ignite startClient(SpillwayConfiguration plugin, int[] via) {
        if (client != null)
            throw new IllegalStateException("The client of " + test + " is running already");
        String host = network == null ? "127.0.0.1" : network.clientAddress();
        List<String> hosts = network == null ? List.of(host)
            : IntStream.of(via).mapToObj(network::address).toList();
        IgniteConfiguration cfg = NodeMain.configuration("client-" + basePort, basePort, true, plugin, host, hosts)
            .setWorkDirectory(dir.resolve("work").resolve("client").toString())
            .setClientConnectorConfiguration(null)
            .setFailureHandler(new StopNodeFailureHandler() {
                @Override
                public boolean handle(Ignite ignite, FailureContext ctx) {
                    clientFailures.add(ignite.name() + ": " + ctx);
                    return super.handle(ignite, ctx);
                }
            });
        client = Ignition.start(cfg);
        return client;
    }

    /** Stops the client, if one runs. */
    public void stopClient() {
        if (client != null) {
            try {
                Ignition.stop(client.name(), true);
            }
            catch (RuntimeException e) {
                System.err.println("Stopping the client of " + test + " failed: " + e);
            }
            client = null;
        }
    }

    public Ignite client() {
        if (client == null)
            throw new IllegalStateException("No client started for " + test);
        return client;
    }

    public List<String> clientFailures() {
        return clientFailures;
    }

    /** Kills node process {@code i} with SIGKILL and waits until it is gone. */
    public void kill(int i) {
        Process p = processes.get(i);
        p.destroyForcibly();
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS))
                throw new AssertionError("Node process " + name(i) + " still alive 30 s after SIGKILL");
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted killing " + name(i));
        }
    }

    /**
     * Starts node process {@code i} again (after it was killed, or stopped by itself) under its name and waits until
     * it has joined; its log starts afresh.
     */
    public void restart(int i) {
        if (processes.get(i).isAlive())
            throw new IllegalStateException("Node process " + name(i) + " is still running");
        try {
            processes.set(i, command(i).start());
            long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
            while (!log(i).contains("JOINED " + name(i) + " ")) {
                if (!processes.get(i).isAlive() || System.nanoTime() > deadline)
                    throw new AssertionError("Node process " + name(i) + " did not join again; log " + logFile(i)
                        + ":\n" + tail(i));
                Thread.sleep(100);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot start node process " + name(i) + " again", e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted restarting " + name(i));
        }
    }

    /**
     * Freezes node process {@code i} with SIGSTOP: its sockets stay open and it answers nothing, as in a long GC
     * pause, until {@link #thaw} (or Ignite's failure detection takes it out of the topology meanwhile).
     */
    public void freeze(int i) {
        signal(i, "STOP");
    }

    /** Lets a frozen node process run again (SIGCONT). */
    public void thaw(int i) {
        signal(i, "CONT");
    }

    private void signal(int i, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(processes.get(i).pid()))
                .redirectErrorStream(true).start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0)
                throw new AssertionError("kill -" + signal + " of node process " + name(i) + " failed: "
                    + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted signalling " + name(i));
        }
    }

    /** The thin-client addresses of the node processes (each takes one port of the slot's thin range). */
    public String[] thinAddresses() {
        if (network != null)
            return network.addresses().stream().map(a -> a + ":" + (basePort + 200)).toArray(String[]::new);
        return IntStream.range(0, 10).mapToObj(i -> "127.0.0.1:" + (basePort + 200 + i)).toArray(String[]::new);
    }

    /** Node i's threads, as {@code jcmd Thread.print} lists them, or why they could not be read. */
    public String threadDump(int i) {
        try {
            Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(processes.get(i).pid()), "Thread.print").redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor(30, TimeUnit.SECONDS);
            return out;
        }
        catch (IOException e) {
            return "no thread dump of node " + i + ": " + e;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "no thread dump of node " + i + ": interrupted";
        }
    }

    public boolean isAlive(int i) {
        return processes.get(i).isAlive();
    }

    /** The exit code of node process {@code i}, which must have ended. */
    public int exitValue(int i) {
        return processes.get(i).exitValue();
    }

    /** Indexes of the node processes still alive. */
    public List<Integer> alive() {
        return IntStream.range(0, size()).filter(this::isAlive).boxed().toList();
    }

    public Path logFile(int i) {
        return dir.resolve(name(i) + ".log");
    }

    /** The text node process {@code i} wrote so far (its stdout and stderr). */
    public String log(int i) {
        try {
            return Files.exists(logFile(i)) ? Files.readString(logFile(i), StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last 40 lines of node process {@code i}'s log. */
    public String tail(int i) {
        List<String> lines = log(i).lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Stops the client, then destroys every node process and waits for each. Safe to call more than once. */
    @Override
    public void close() {
        stopClient();
        for (Process p : processes)
            p.destroyForcibly();
        for (Process p : processes) {
            try {
                if (!p.waitFor(30, TimeUnit.SECONDS))
                    System.err.println("Node process " + p.pid() + " of " + test + " still alive 30 s after SIGKILL");
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path))
            return;
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList())
                Files.delete(p);
        }
    }

    /** Settings of a process cluster; the defaults fill a region in seconds. */
    public static final class Builder {
        private final String test;
        private final TestPorts.Slot ports;
        private int servers = 4;
        private int regionMb = 64;
        private int chunkKb = 256;
        private int backups = 1;
        private int partitions = 128;
        private int retention = 1;
        private int plainRegionMb;
        private long failureDetectionMs;
        private long operationTimeoutMs;
        private Network network;

        private Builder(String test, TestPorts.Slot ports) {
            this.test = test;
            this.ports = ports;
        }

        /** Server node processes. Default 4. */
        public Builder servers(int servers) {
            this.servers = servers;
            return this;
        }

        /** The Spillway checkpoint region of each node, in MB. Default 64. */
        public Builder regionMb(int regionMb) {
            this.regionMb = regionMb;
            return this;
        }

        /** Spillway chunk size in KB. Default 256. */
        public Builder chunkKb(int chunkKb) {
            this.chunkKb = chunkKb;
            return this;
        }

        /** Backups of Spillway's caches. Default 1. */
        public Builder backups(int backups) {
            this.backups = backups;
            return this;
        }

        /** Partitions of Spillway's chunk cache. Default 128. */
        public Builder partitions(int partitions) {
            this.partitions = partitions;
            return this;
        }

        /** Checkpoints kept per application. Default 1. */
        public Builder retention(int retention) {
            this.retention = retention;
            return this;
        }

        /** Adds a plain data region {@value NodeMain#PLAIN_REGION} of this size to every node. Default none. */
        public Builder plainRegionMb(int plainRegionMb) {
            this.plainRegionMb = plainRegionMb;
            return this;
        }

        /** Ignite's failure detection timeout on every node, in ms. Default Ignite's (10 s). */
        public Builder failureDetectionMs(long failureDetectionMs) {
            this.failureDetectionMs = failureDetectionMs;
            return this;
        }

        /** Spillway's operation timeout on every node (and the test's thick client), in ms. Default Spillway's. */
        public Builder operationTimeoutMs(long operationTimeoutMs) {
            this.operationTimeoutMs = operationTimeoutMs;
            return this;
        }

        /**
         * Runs each node process in its namespace of {@code network}, on its address there, rather than on
         * loopback; the test's client joins from this JVM's address on it. Default loopback.
         */
        public Builder network(Network network) {
            this.network = network;
            return this;
        }

        /** Starts the node processes and waits until every one has joined. */
        public ProcessCluster start() {
            ProcessCluster cluster = new ProcessCluster(this);
            cluster.start(servers);
            return cluster;
        }
    }
}
