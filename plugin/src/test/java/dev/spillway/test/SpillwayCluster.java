package dev.spillway.test;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.CachePeekMode;
import org.apache.ignite.cache.affinity.Affinity;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.StopNodeFailureHandler;
import org.apache.ignite.plugin.segmentation.SegmentationPolicy;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The multi-node fixture: N Ignite server nodes with the Spillway plugin in this JVM, on loopback, on a port
 * range of the test class's own. Register it as a static {@code @RegisterExtension} field: it starts the nodes
 * before the class's tests and always stops every node after them. A critical failure in any node (an Ignite
 * out-of-memory among them) is recorded and fails the class.
 *
 * <p>Ports: the test class's slot of {@link TestPorts}; the cluster fails at once if a node answers there
 * before it starts its own.
 */
public final class SpillwayCluster implements BeforeAllCallback, AfterAllCallback {
    private final int servers;
    private final TestPorts.Slot ports;
    private final int basePort;
    private final SpillwayConfiguration config;
    private final MutableClock clock = new MutableClock();
    private final String prefix;
    private final Map<Integer, Ignite> nodes = new ConcurrentHashMap<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Ignite> clients = new CopyOnWriteArrayList<>();
    private Class<?> owner;
    /** Changes every server node's configuration gets, as {@link #everyNode} sets them. */
    private Consumer<IgniteConfiguration> nodeTweak = cfg -> { };

    private SpillwayCluster(int servers, TestPorts.Slot ports, SpillwayConfiguration config) {
        this.servers = servers;
        this.ports = ports;
        this.basePort = ports.base();
        this.config = config.setClock(clock);
        this.prefix = "n" + basePort + "-";
    }

    /**
     * A cluster of {@code servers} server nodes on the ports of the test class's row of the port table;
     * {@code config} is every node's plugin configuration.
     */
    public static SpillwayCluster of(int servers, TestPorts ports, SpillwayConfiguration config) {
        return new SpillwayCluster(servers, ports.slot(), config);
    }

    /**
     * Makes {@code tweak} change the configuration of every server node this cluster starts (a slower rebalance,
     * say); {@link #start(int, SpillwayConfiguration, Consumer)}'s own changes come after it.
     */
    public SpillwayCluster everyNode(Consumer<IgniteConfiguration> tweak) {
        this.nodeTweak = tweak;
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // @Nested classes see the extension again: the outermost class owns the cluster.
        if (owner == null) {
            owner = context.getRequiredTestClass();
            startAll();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass() != owner)
            return;
        owner = null;
        stopAll();
        if (!failures.isEmpty())
            throw new AssertionError("Critical failures in cluster nodes: " + failures);
    }

    /**
     * Starts every server node and waits until the chunk cache's partitions sit with their ideal owners: until
     * then Ignite may still move partitions to the last joiner, and a chunk placed on a node could end up on
     * another (tests that check placement would see it "spilled").
     */
    public void startAll() {
        ports.assertNoNodeAnswers();
        IntStream.range(0, servers).forEach(this::start);
        if (servers > 1)
            awaitAffinitySettled();
    }

    public void stopAll() {
        for (Ignite c : clients)
            Ignition.stop(c.name(), true);
        clients.clear();
        for (int i = servers - 1; i >= 0; i--)
            stop(i);
    }

    /**
     * Waits until the chunk cache's partitions are owned as the rendezvous function assigns them over the running
     * servers: after a node joins, Ignite keeps the old owners until the newcomer has its data (late affinity), so
     * placement tests wait for the switch.
     */
    public void awaitAffinitySettled() {
        awaitCondition("chunk-cache affinity settled on " + running(), Duration.ofSeconds(30),
            () -> movingPartitions().isEmpty());
    }

    /**
     * The chunk-cache partitions (as a running node sees them) whose owners Ignite maps to now are not those the
     * rendezvous function assigns over the running servers, or whose copy on one of those is not OWNING yet: a
     * rebalance is still bringing them to their owners (after a loss, Ignite maps a partition to its new backup at
     * once, while the copy is still moving).
     */
    public Set<Integer> movingPartitions() {
        Ignite any = node(running().get(0));
        Affinity<Object> affinity = any.affinity(Layout.CHUNK_CACHE);
        List<ClusterNode> servers = new ArrayList<>(any.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true")
            .nodes());
        List<List<ClusterNode>> ideal = IgniteAdapter.assignment(servers, affinity.partitions(), config.getBackups());
        UUID[][] owning = IgniteAdapter.owning(any, Layout.CHUNK_CACHE);
        Set<Integer> moving = new TreeSet<>();
        for (int p = 0; p < affinity.partitions(); p++) {
            List<UUID> complete = owning == null ? List.of() : List.of(owning[p]);
            if (!new ArrayList<>(affinity.mapPartitionToPrimaryAndBackups(p)).equals(ideal.get(p))
                || !ideal.get(p).stream().allMatch(n -> complete.contains(n.id())))
                moving.add(p);
        }
        return moving;
    }

    /**
     * The copies of the chunks of {@code manifest} that an owner of their partition does not hold, looked at in
     * each owner's own memory (localPeek), as "app/id#chunk on node".
     */
    public List<String> missingCopies(Manifest manifest) {
        Ignite any = node(running().get(0));
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < manifest.chunks(); i++) {
            ChunkKey key = manifest.key(i);
            for (ClusterNode owner : any.affinity(Layout.CHUNK_CACHE).mapKeyToPrimaryAndBackups(key)) {
                if (node(owner).cache(Layout.CHUNK_CACHE).localPeek(key, CachePeekMode.PRIMARY,
                    CachePeekMode.BACKUP) == null)
                    missing.add(manifest.application() + "/" + manifest.checkpointId() + "#" + i + " on "
                        + owner.consistentId());
            }
        }
        return missing;
    }

    /** The running node of this cluster that is {@code node}. */
    public Ignite node(ClusterNode node) {
        return nodes.values().stream().filter(n -> n.cluster().localNode().id().equals(node.id())).findFirst()
            .orElseThrow(() -> new IllegalStateException("No running node of this cluster is " + node));
    }

    /** Starts server node {@code i} (again, if it was stopped). */
    public Ignite start(int i) {
        return start(i, config, cfg -> { });
    }

    /** Starts server node {@code i} with another plugin configuration and further changes to its node config. */
    public Ignite start(int i, SpillwayConfiguration pluginConfig, Consumer<IgniteConfiguration> tweak) {
        IgniteConfiguration cfg = configuration(name(i), false, pluginConfig);
        nodeTweak.accept(cfg);
        tweak.accept(cfg);
        Ignite ignite = Ignition.start(cfg);
        nodes.put(i, ignite);
        return ignite;
    }

    /** Starts a thick client node with the plugin. */
    public Ignite startClient(String name) {
        return startClient(name, config);
    }

    /** Starts a thick client node with the plugin, configured with {@code pluginConfig}. */
    public Ignite startClient(String name, SpillwayConfiguration pluginConfig) {
        Ignite client = Ignition.start(configuration(prefix + name, true, pluginConfig));
        clients.add(client);
        return client;
    }

    /** The thin-client address ({@code 127.0.0.1:port}) of running server node {@code i}. */
    public String thinAddress(int i) {
        return "127.0.0.1:" + node(i).cluster().localNode().attribute("clientListenerPort");
    }

    public Ignite node(int i) {
        Ignite ignite = nodes.get(i);
        if (ignite == null)
            throw new IllegalStateException("Node " + i + " is not running");
        return ignite;
    }

    public String name(int i) {
        return prefix + i;
    }

    public int size() {
        return servers;
    }

    public boolean isRunning(int i) {
        return Ignition.state(name(i)) == IgniteState.STARTED;
    }

    /** Stops node {@code i} at once, without a graceful hand-off (cancels its jobs). */
    public void stop(int i) {
        nodes.remove(i);
        if (isRunning(i))
            Ignition.stop(name(i), true);
    }

    public MutableClock clock() {
        return clock;
    }

    public SpillwayConfiguration config() {
        return config;
    }

    /** Node indexes currently running. */
    public List<Integer> running() {
        return IntStream.range(0, servers).filter(this::isRunning).boxed().toList();
    }

    public List<String> failures() {
        return failures;
    }

    /**
     * Makes the other nodes declare node {@code i} failed, as they do when it stops answering or is cut off (not a
     * clean leave), then stops it. Told it was failed, the node finds itself segmented; its segmentation policy is
     * set to leave it at that, so no failure handler runs (a real cut-off node's would, on its own side), and the
     * test stops the node, as an operator would once it is out of the cluster.
     */
    public void fail(int i) {
        Ignite victim = nodes.remove(i);
        victim.configuration().setSegmentationPolicy(SegmentationPolicy.NOOP);
        TcpDiscoverySpi victimDiscovery = (TcpDiscoverySpi)victim.configuration().getDiscoverySpi();
        Ignite other = node(running().get(0));
        ((TcpDiscoverySpi)other.configuration().getDiscoverySpi()).failNode(victim.cluster().localNode().id(),
            "failed by the test");
        awaitCondition(name(i) + " out of the cluster after being failed", Duration.ofSeconds(30),
            () -> !"CONNECTED".equals(victimDiscovery.getSpiState()));
        Ignition.stop(name(i), true);
    }

    /**
     * Waits until the condition holds, polling; fails with {@code what} after {@code timeout}. A condition that
     * throws (a query caught in a topology change, say) counts as not holding yet.
     */
    public static void awaitCondition(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (true) {
            try {
                if (condition.getAsBoolean())
                    return;
            }
            catch (RuntimeException e) {
                last = e;
            }
            if (System.nanoTime() > deadline)
                throw new AssertionError("Timed out after " + timeout + " waiting for: " + what, last);
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted waiting for: " + what);
            }
        }
    }

    /**
     * Waits until no server's checkpoint region has changed its used size for a second and a half: after a loss
     * or a join, the rebalance is over.
     */
    public static void awaitStableUsage(dev.spillway.CheckpointStore store) {
        long[] since = {System.nanoTime()};
        List<?>[] last = {List.of()};
        awaitCondition("region usage stable", Duration.ofSeconds(30), () -> {
            List<Long> used = store.capacity().stream().map(dev.spillway.NodeCapacity::used).toList();
            if (!used.equals(last[0])) {
                last[0] = used;
                since[0] = System.nanoTime();
                return false;
            }
            return System.nanoTime() - since[0] > 1_500_000_000L;
        });
    }

    /** A node configuration on this cluster's loopback ports: ServiceLoader finds the plugin. */
    public IgniteConfiguration configuration(String name, boolean client, SpillwayConfiguration pluginConfig) {
        return LoopbackNode.configuration(name, basePort, client)
            .setWorkDirectory(Path.of("target", "ignite-work", name).toAbsolutePath().toString())
            .setFailureHandler(new StopNodeFailureHandler() {
                @Override
                public boolean handle(Ignite ignite, FailureContext ctx) {
                    failures.add(ignite.name() + ": " + ctx);
                    return super.handle(ignite, ctx);
                }
            })
            .setPluginConfigurations(pluginConfig.copy());
    }

    /** Indexes 0 .. size-1. */
    public List<Integer> indexes() {
        return new ArrayList<>(IntStream.range(0, servers).boxed().toList());
    }
}
