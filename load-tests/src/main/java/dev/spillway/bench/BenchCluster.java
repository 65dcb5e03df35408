package dev.spillway.bench;

import dev.spillway.client.SpillwayClient;
import dev.spillway.config.LoopbackPorts;
import dev.spillway.config.NodeConfigBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cluster.ClusterGroup;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.ClientConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;

/**
 * The benchmark's cluster: server node processes started as {@code ./spillway node} starts them (this JVM's java,
 * JDK flags and classpath, {@code dev.spillway.node.SpillwayNode}), on loopback ports of the bench's own, plus a
 * thick client node and a thin client in this JVM. {@link #close()} ends every process it started.
 */
final class BenchCluster implements AutoCloseable {
    /** The bench's loopback ports: node {@code i} binds discovery 52000+i, communication 52100+i, thin 52200+i. */
    static final LoopbackPorts PORTS = new LoopbackPorts(52000);
    static final int THIN = PORTS.thinClient();
    private static final long JOIN_TIMEOUT_NANOS = 120_000_000_000L;

    private final Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> nodeOptions;
    private Ignite thick;
    private SpillwayClient thin;
    private List<String> thinAddresses = List.of();
    /** Kills the node processes if the bench JVM ends without closing the cluster (Ctrl-C, a crash). */
    private final Thread orphanGuard = new Thread(() -> processes.forEach(Process::destroyForcibly),
        "bench-node-processes-guard");

    private BenchCluster(Path dir, List<String> nodeOptions) {
        this.dir = dir;
        this.nodeOptions = nodeOptions;
        Runtime.getRuntime().addShutdownHook(orphanGuard);
    }

    /**
     * Starts {@code nodes} server processes with the Spillway settings {@code nodeOptions} (options of
     * {@code ./spillway node}), and the clients; node 0 is the thin client's home server.
     */
    static BenchCluster start(Path dir, int nodes, String nodeHeap, List<String> jvmArgs, List<String> nodeOptions)
        throws IOException {
        Files.createDirectories(dir);
        BenchCluster c = new BenchCluster(dir, nodeOptions);
        try {
            for (int i = 0; i < nodes; i++)
                c.processes.add(c.command(i, nodeHeap, jvmArgs).start());
            long deadline = System.nanoTime() + JOIN_TIMEOUT_NANOS;
            for (int i = 0; i < nodes; i++) {
                while (!c.log(i).contains("JOINED ")) {
                    if (!c.processes.get(i).isAlive())
                        throw new IllegalStateException("Node " + name(i) + " exited before joining: " + c.log(i));
                    if (System.nanoTime() > deadline)
                        throw new IllegalStateException("Node " + name(i) + " did not join: " + c.log(i));
                    Thread.sleep(100);
                }
            }
            c.thick = Ignition.start(c.clientConfiguration());
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < nodes; i++)
                addresses.add(LoopbackPorts.HOST + ":" + (THIN + i));
            c.thinAddresses = List.copyOf(addresses);
            c.thin = SpillwayClient.connect(new ClientConfiguration().setAddresses(addresses.toArray(String[]::new)),
                name(0));
            return c;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.close();
            throw new IllegalStateException("Interrupted starting the cluster", e);
        }
        catch (RuntimeException | IOException e) {
            c.close();
            throw e;
        }
    }

    static String name(int i) {
        return "bench-" + i;
    }

    Ignite thick() {
        return thick;
    }

    SpillwayClient thin() {
        return thin;
    }

    /** Every node's thin-client address, node 0 first. */
    List<String> thinAddresses() {
        return thinAddresses;
    }

    /** Node {@code i} as a compute target. */
    ClusterGroup node(int i) {
        ClusterNode n = thick.cluster().forServers().nodes().stream()
            .filter(x -> name(i).equals(String.valueOf(x.consistentId()))).findFirst()
            .orElseThrow(() -> new IllegalStateException("Node " + name(i) + " is not in the cluster"));
        return thick.cluster().forNode(n);
    }

    /** Kills node process {@code i} with SIGKILL. */
    void kill(int i) throws InterruptedException {
        processes.get(i).destroyForcibly();
        processes.get(i).waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        try {
            if (thin != null)
                thin.close();
            if (thick != null)
                Ignition.stop(thick.name(), true);
        }
        finally {
            stopProcesses();
        }
    }

    private void stopProcesses() {
        try {
            Runtime.getRuntime().removeShutdownHook(orphanGuard);
        }
        catch (IllegalStateException e) {
            // Shutting down already: the guard runs.
        }
        // SIGTERM first: the nodes stop cleanly (and write any flight recording); SIGKILL what is left after 20 s.
        for (Process p : processes)
            p.destroy();
        for (Process p : processes) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS))
                    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                processes.forEach(Process::destroyForcibly);
                return;
            }
        }
    }

    private IgniteConfiguration clientConfiguration() {
        IgniteConfiguration cfg = NodeConfigBuilder.create().loopback(PORTS.base())
            .commandLine(options("bench-client", PORTS.communication() + 50)).build();
        cfg.setClientMode(true);
        cfg.setClientConnectorConfiguration(null);
        return cfg;
    }

    /** The options of node {@code name}: the bench's ports, this run's work directory, the Spillway settings. */
    private String[] options(String name, int communicationPort) {
        List<String> o = new ArrayList<>(List.of("--name", name,
            "--host", LoopbackPorts.HOST,
            "--discovery-addresses", PORTS.discoveryAddresses(),
            "--communication-port", Integer.toString(communicationPort),
            "--work-directory", dir.resolve("work").toString()));
        o.addAll(nodeOptions);
        return o.toArray(String[]::new);
    }

    /**
     * Node process {@code i}: {@code ./spillway node}'s main class with the bench's options, one port each
     * ({@code --port-range 0}) so node {@code i} is known by its ports.
     */
    private ProcessBuilder command(int i, String heap, List<String> jvmArgs) {
        List<String> jvm = new ArrayList<>(jvmArgs.stream().map(a -> a.replace("{node}", name(i))).toList());
        jvm.addAll(List.of("-XX:+UseG1GC", "-DIGNITE_UPDATE_NOTIFIER=false"));
        List<String> args = new ArrayList<>(List.of(options(name(i), PORTS.communication() + i)));
        args.addAll(List.of("--discovery-port", Integer.toString(PORTS.discovery() + i), "--thin-client-port",
            Integer.toString(THIN + i), "--port-range", "0"));
        return new ProcessBuilder(ChildJvm.command(heap, jvm, "dev.spillway.node.SpillwayNode", args))
            .redirectErrorStream(true).redirectOutput(logFile(i).toFile());
    }

    Path logFile(int i) {
        return dir.resolve(name(i) + ".log");
    }

    String log(int i) {
        try {
            return Files.exists(logFile(i)) ? Files.readString(logFile(i), StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            return "";
        }
    }
}
