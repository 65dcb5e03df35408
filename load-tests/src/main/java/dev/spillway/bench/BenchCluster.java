package dev.spillway.bench;

import dev.spillway.client.SpillwayClient;
import dev.spillway.config.LoopbackPorts;
import dev.spillway.config.NodeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * thick client node and a thin client in this JVM; or each node in a network namespace of a {@link NamespaceNetwork},
 * which the bench cuts and heals. A node slot can be killed (SIGKILL), stopped (SIGTERM), frozen (SIGSTOP, SIGCONT)
 * and started again; a slot not started yet joins as a new node. {@link #close()} ends every process it started.
 */
final class BenchCluster implements AutoCloseable {
    /** The bench's loopback ports: node {@code i} binds discovery 52000+i, communication 52100+i, thin 52200+i. */
    static final LoopbackPorts PORTS = new LoopbackPorts(52000);
    static final int THIN = PORTS.thinClient();
    /** Node slots 0 to 9: the discovery ports nodes look for each other on. */
    static final int MAX_SLOTS = LoopbackPorts.DISCOVERY_PORTS;
    private static final long JOIN_TIMEOUT_NANOS = 120_000_000_000L;
    /** A node process's exit status after SIGTERM: the JVM's for a stop by that signal. */
    /**
     * Whether this JVM runs with SIGINT ignored, as everything started from a background job of a script does
     * (Maven run with {@code &}): its node processes would inherit that, and a JVM that starts with SIGINT ignored
     * keeps it so, Ctrl-C's stop included. The bench then starts them with SIGINT's default action, as a terminal
     * does.
     */
    private static final boolean INTERRUPT_IGNORED = interruptIgnored();
    /** A node's exit status once a stop asked for by SIGTERM or SIGINT has ended ({@code SpillwayNode}). */
    private static final int STOPPED_EXIT = 0;

    private final Path dir;
    /** The network the nodes run on, each in its namespace; null for loopback. */
    private final NamespaceNetwork network;
    private final List<String> nodeOptions;
    private final NodeProcesses processes;
    /** Every node process started, in order: each start of a slot is an incarnation of its own. */
    private final List<Incarnation> incarnations = new CopyOnWriteArrayList<>();
    /** The current incarnation of each slot started so far, by slot. */
    private final List<Incarnation> slots = new CopyOnWriteArrayList<>();
    private Ignite thick;
    private SpillwayClient thin;
    private List<String> thinAddresses = List.of();
    /** Kills the node processes if the bench JVM ends without closing the cluster (Ctrl-C, a crash). */
    private final Thread orphanGuard = new Thread(() -> incarnations.forEach(n -> n.process.destroyForcibly()),
        "bench-node-processes-guard");

    /**
     * One start of a node slot: its process, its log, and how this bench ended it (SIGKILL, SIGTERM), so that an
     * exit it did not cause is told from one it did.
     */
    private static final class Incarnation {
        final int slot;
        final Process process;
        final Path log;
        volatile String endedBy;

        private Incarnation(int slot, Process process, Path log) {
            this.slot = slot;
            this.process = process;
            this.log = log;
        }

        String name() {
            return BenchCluster.name(slot);
        }
    }

    private BenchCluster(Path dir, NamespaceNetwork network, List<String> nodeOptions, NodeProcesses processes) {
        this.dir = dir;
        this.network = network;
        this.nodeOptions = nodeOptions;
        this.processes = processes;
        Runtime.getRuntime().addShutdownHook(orphanGuard);
    }

    /**
     * Starts {@code nodes} server processes as {@code processes} says, with the Spillway settings
     * {@code nodeOptions} (options of {@code ./spillway node}), and the clients; node 0 is the thin client's home
     * server.
     */
    static BenchCluster start(Path dir, int nodes, NodeProcesses processes, List<String> nodeOptions)
        throws IOException {
        return start(dir, null, nodes, processes, nodeOptions, nodes, BenchCluster.name(0), null);
    }

    /**
     * As {@link #start(Path, int, NodeProcesses, List)}, with {@code security}'s file on every node and its
     * identity on the thin client (null: an open cluster).
     */
    static BenchCluster start(Path dir, int nodes, NodeProcesses processes, List<String> nodeOptions,
                              BenchSecurity security) throws IOException {
        List<String> options = new ArrayList<>(nodeOptions);
        if (security != null)
            options.addAll(security.nodeOptions());
        return start(dir, null, nodes, processes, options, nodes, BenchCluster.name(0), security);
    }

    /**
     * Starts {@code nodes} server processes and the clients, the thin client knowing the thin-client addresses of
     * the first {@code thinSlots} slots (slots started later included), its home server {@code home} (null: the
     * client picks one). On {@code network} (null: loopback) node slot {@code i} runs in the network's namespace
     * {@code i}, on its address there, and the clients join from this JVM's address on it.
     */
    static BenchCluster start(Path dir, NamespaceNetwork network, int nodes, NodeProcesses processes,
                              List<String> nodeOptions, int thinSlots, String home) throws IOException {
        return start(dir, network, nodes, processes, nodeOptions, thinSlots, home, null);
    }

    private static BenchCluster start(Path dir, NamespaceNetwork network, int nodes, NodeProcesses processes,
                                      List<String> nodeOptions, int thinSlots, String home, BenchSecurity security)
        throws IOException {
        Files.createDirectories(dir);
        BenchCluster c = new BenchCluster(dir, network, nodeOptions, processes);
        try {
            for (int i = 0; i < nodes; i++)
                c.launch(i);
            for (int i = 0; i < nodes; i++)
                c.awaitJoined(i);
            c.thick = Ignition.start(c.clientConfiguration());
            List<String> addresses = new ArrayList<>();
            for (int i = 0; i < thinSlots; i++)
                addresses.add(c.thinAddress(i));
            c.thinAddresses = List.copyOf(addresses);
            ClientConfiguration thinConfig = new ClientConfiguration().setAddresses(addresses.toArray(String[]::new));
            if (security != null)
                security.credentials(thinConfig);
            c.thin = home == null ? SpillwayClient.connect(thinConfig) : SpillwayClient.connect(thinConfig, home);
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

    /** The slot of the node named {@code name} ({@link #name}'s inverse). */
    static int slot(String name) {
        return Integer.parseInt(name.substring("bench-".length()));
    }

    Ignite thick() {
        return thick;
    }

    SpillwayClient thin() {
        return thin;
    }

    /** Node slot {@code i}'s thin-client address. */
    String thinAddress(int i) {
        return host(i) + ":" + (THIN + i);
    }

    /** The address node slot {@code i} binds. */
    private String host(int i) {
        return network == null ? LoopbackPorts.HOST : network.address(i);
    }

    /** The thin client's addresses, node 0 first. */
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
        Incarnation n = slots.get(i);
        n.endedBy = "SIGKILL";
        n.process.destroyForcibly();
        n.process.waitFor(30, TimeUnit.SECONDS);
    }

    /**
     * Stops node process {@code i} cleanly with SIGTERM, as a service manager does, and waits for it to exit;
     * returns its exit status (0 once the node has stopped cleanly).
     */
    int stop(int i) throws InterruptedException {
        Incarnation n = slots.get(i);
        n.endedBy = "SIGTERM";
        n.process.destroy();
        if (!n.process.waitFor(60, TimeUnit.SECONDS)) {
            n.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("Node " + name(i) + " did not stop within 60 s of SIGTERM");
        }
        return n.process.exitValue();
    }

    /** Sends node process {@code i} SIGTERM, as a service manager stopping it does, without waiting for it. */
    void terminate(int i) {
        Incarnation n = slots.get(i);
        n.endedBy = "SIGTERM";
        n.process.destroy();
    }

    /** Sends node process {@code i} SIGINT, as Ctrl-C in its terminal does, without waiting for it. */
    void interrupt(int i) {
        Incarnation n = slots.get(i);
        n.endedBy = "SIGINT";
        signal(n.process, "INT");
    }

    /**
     * Waits for node process {@code i} to exit, at most {@code timeout}; returns its exit status, or -1 after
     * killing it with SIGKILL when it had not exited by then.
     */
    int awaitExit(int i, Duration timeout) throws InterruptedException {
        Process p = slots.get(i).process;
        if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
            return p.exitValue();
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        return -1;
    }

    /** Freezes node process {@code i} with SIGSTOP, as a long GC pause or a suspended VM would. */
    void pause(int i) {
        signal(slots.get(i).process, "STOP");
    }

    /** Lets node process {@code i} run again with SIGCONT. */
    void resume(int i) {
        signal(slots.get(i).process, "CONT");
    }

    /**
     * Starts node slot {@code i} and waits until it has joined: again after it was killed or stopped, or for the
     * first time (a new node joining; slots go in order, up to {@link #MAX_SLOTS} - 1).
     */
    void start(int i) throws IOException, InterruptedException {
        if (alive(i))
            throw new IllegalStateException("Node " + name(i) + " is running");
        launch(i);
        awaitJoined(i);
    }

    /** Whether the thick client sees node slot {@code i} in the cluster now. */
    boolean member(int i) {
        return thick.cluster().forServers().nodes().stream()
            .anyMatch(x -> name(i).equals(String.valueOf(x.consistentId())));
    }

    /** How many times node slot {@code i}'s current process has joined (it joins again after a segmentation). */
    int joins(int i) {
        String log = log(i);
        int n = 0;
        for (int at = log.indexOf("JOINED "); at >= 0; at = log.indexOf("JOINED ", at + 1))
            n++;
        return n;
    }

    /** Waits until node slot {@code i}'s process has joined more than {@code before} times; false if it ended. */
    boolean awaitJoins(int i, int before) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT_NANOS;
        while (joins(i) <= before) {
            if (!slots.get(i).process.isAlive() || System.nanoTime() > deadline)
                return false;
            Thread.sleep(100);
        }
        return true;
    }

    /** Whether node slot {@code i} has a process running (a frozen one counts). */
    boolean alive(int i) {
        return i < slots.size() && slots.get(i).process.isAlive();
    }

    /** How many node slots were ever started. */
    int slotCount() {
        return slots.size();
    }

    /**
     * The node processes that halted or failed on their own: one that exited while this bench had not ended it
     * (130 is Ignite's halt after a critical failure), one that did not stop cleanly on SIGTERM or SIGINT (exit 0
     * once it printed {@code STOPPED}), or one whose log reports a critical failure.
     */
    List<String> halts() {
        List<String> halts = new ArrayList<>();
        for (Incarnation n : incarnations) {
            String log = read(n.log);
            boolean critical = log.contains("Critical system error detected") || log.contains("JVM will be halted");
            boolean running = n.process.isAlive();
            boolean exitedAlone = !running && n.endedBy == null;
            boolean stopFailed = !running && ("SIGTERM".equals(n.endedBy) || "SIGINT".equals(n.endedBy))
                && !(n.process.exitValue() == STOPPED_EXIT && log.contains("STOPPED "));
            if (critical || exitedAlone || stopFailed)
                halts.add(n.name() + " (" + n.log.getFileName() + (running ? ", running" : ", exit "
                    + n.process.exitValue()) + (critical ? ", critical failure logged" : "") + ")");
        }
        return halts;
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
        // A frozen process acts on no SIGTERM: SIGCONT first, harmless to a running one.
        List<Process> running = incarnations.stream().map(n -> n.process).filter(Process::isAlive).toList();
        for (Process p : running) {
            try {
                signal(p, "CONT");
            }
            catch (RuntimeException e) {
                // It ended meanwhile, or SIGKILL ends it after the wait.
            }
            p.destroy();
        }
        for (Process p : running) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS))
                    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.forEach(Process::destroyForcibly);
                return;
            }
        }
    }

    private static void signal(Process target, String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(target.pid()))
                .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0)
                throw new IllegalStateException("kill -" + signal + " " + target.pid() + " failed: " + out);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted sending SIG" + signal + " to " + target.pid(), e);
        }
    }

    /** Starts a process for slot {@code i}; its log is numbered by the incarnation after the first. */
    private void launch(int i) throws IOException {
        if (i > slots.size() || i >= MAX_SLOTS)
            throw new IllegalArgumentException("Node slot " + i + ": slots start in order, up to " + (MAX_SLOTS - 1));
        long before = incarnations.stream().filter(n -> n.slot == i).count();
        Path log = dir.resolve(before == 0 ? name(i) + ".log" : name(i) + "." + (before + 1) + ".log");
        Incarnation n = new Incarnation(i, command(i, log).start(), log);
        incarnations.add(n);
        if (i == slots.size())
            slots.add(n);
        else
            slots.set(i, n);
    }

    private void awaitJoined(int i) throws InterruptedException {
        long deadline = System.nanoTime() + JOIN_TIMEOUT_NANOS;
        Incarnation n = slots.get(i);
        while (!read(n.log).contains("JOINED ")) {
            if (!n.process.isAlive())
                throw new IllegalStateException("Node " + name(i) + " exited before joining: " + read(n.log));
            if (System.nanoTime() > deadline)
                throw new IllegalStateException("Node " + name(i) + " did not join: " + read(n.log));
            Thread.sleep(100);
        }
    }

    private IgniteConfiguration clientConfiguration() {
        IgniteConfiguration cfg = NodeConfigBuilder.create().loopback(PORTS.base())
            .commandLine(options("bench-client", network == null ? LoopbackPorts.HOST : network.clientAddress(),
                PORTS.communication() + 50)).build();
        cfg.setClientMode(true);
        cfg.setClientConnectorConfiguration(null);
        return cfg;
    }

    /**
     * The options of node {@code name} on {@code host}: the bench's ports, this run's work directory, the Spillway
     * settings.
     */
    private String[] options(String name, String host, int communicationPort) {
        List<String> o = new ArrayList<>(List.of("--name", name,
            "--host", host,
            "--discovery-addresses", discoveryAddresses(),
            "--communication-port", Integer.toString(communicationPort),
            "--work-directory", dir.resolve("work").toString()));
        o.addAll(nodeOptions);
        return o.toArray(String[]::new);
    }

    /** Where nodes look for each other: the discovery ports on loopback, or each slot's port on its address. */
    private String discoveryAddresses() {
        if (network == null)
            return PORTS.discoveryAddresses();
        List<String> all = new ArrayList<>();
        for (int i = 0; i < network.addresses().size(); i++)
            all.add(network.address(i) + ":" + (PORTS.discovery() + i));
        return String.join(",", all);
    }

    /**
     * Node process {@code i}: {@code ./spillway node}'s main class with the bench's options, one port each
     * ({@code --port-range 0}) so node {@code i} is known by its ports, and its metrics port if the endpoints are
     * on; on a network, run in its namespace.
     */
    private ProcessBuilder command(int i, Path log) {
        List<String> jvm = new ArrayList<>(processes.jvmArgs().stream().map(a -> a.replace("{node}", name(i)))
            .toList());
        jvm.addAll(List.of("-XX:+UseG1GC", "-DIGNITE_UPDATE_NOTIFIER=false"));
        List<String> args = new ArrayList<>(List.of(options(name(i), host(i), PORTS.communication() + i)));
        args.addAll(List.of("--discovery-port", Integer.toString(PORTS.discovery() + i), "--thin-client-port",
            Integer.toString(THIN + i), "--port-range", "0"));
        args.addAll(processes.nodeOptions(i));
        List<String> cmd = new ArrayList<>(ChildJvm.command(processes.heap(), jvm, "dev.spillway.node.SpillwayNode",
            args));
        if (INTERRUPT_IGNORED)
            cmd.addAll(0, List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die $!", "--"));
        if (network != null)
            cmd.addAll(0, List.of("ip", "netns", "exec", network.namespace(i)));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    }

    /** Whether SIGINT is ignored in this process ({@code SigIgn} in {@code /proc/self/status}, Linux). */
    private static boolean interruptIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:"))
                    return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        catch (IOException | RuntimeException e) {
            // Not Linux: the nodes keep what they inherit.
        }
        return false;
    }

    /** The log of node slot {@code i}'s current incarnation. */
    String log(int i) {
        return read(slots.get(i).log);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        }
        catch (IOException e) {
            return "";
        }
    }
}
