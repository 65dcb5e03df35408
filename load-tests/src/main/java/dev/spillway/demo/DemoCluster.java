package dev.spillway.demo;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.config.LoopbackPorts;
import dev.spillway.config.NodeConfigBuilder;
import dev.spillway.config.NodeSetting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.failure.FailureContext;
import org.apache.ignite.failure.StopNodeFailureHandler;

/**
 * The demo's embedded cluster: server nodes {@code demo-0 ..} in this JVM, configured by {@link NodeConfigBuilder}'s
 * loopback preset from port 48500 (discovery 48500-48509, communication 48600-, thin clients 48700-), with the
 * Spillway plugin and the extra regions it is given. A critical failure of any node (an Ignite out-of-memory among
 * them) stops that node and is recorded, instead of halting the JVM.
 */
final class DemoCluster implements AutoCloseable {
    static final String NAME_PREFIX = "demo-";
    static final LoopbackPorts PORTS = new LoopbackPorts(48500);

    private final Path workDir;
    private final SpillwayConfiguration plugin;
    private final Map<String, Long> regions;
    private final List<String> failures = new CopyOnWriteArrayList<>();

    /**
     * @param workDir absolute directory holding one work directory per node
     * @param regions extra data regions (persistence off, allocated when a cache first uses them): name to size
     */
    DemoCluster(Path workDir, SpillwayConfiguration plugin, Map<String, Long> regions) {
        this.workDir = workDir;
        this.plugin = plugin;
        this.regions = regions;
    }

    /** Starts {@code nodes} server nodes, one after the other; node 0 first. */
    void start(int nodes) throws IOException {
        for (int i = 0; i < nodes; i++) {
            deleteRecursively(workDir.resolve(name(i)));
            Ignition.start(configuration(name(i)));
        }
    }

    static String name(int i) {
        return NAME_PREFIX + i;
    }

    Ignite node(int i) {
        return Ignition.ignite(name(i));
    }

    /** Stops a node at once, cancelling its jobs (no graceful hand-off). */
    void stop(String name) {
        Ignition.stop(name, true);
    }

    /** Critical failures recorded so far, one line each. */
    List<String> failures() {
        return failures;
    }

    @Override
    public void close() {
        Ignition.stopAll(true);
    }

    private IgniteConfiguration configuration(String name) {
        IgniteConfiguration cfg = NodeConfigBuilder.create()
            .loopback(PORTS.base())
            .plugin(plugin)
            .set(NodeSetting.NODE_NAME, name)
            .set(NodeSetting.WORK_DIRECTORY, workDir.resolve(name).toString())
            // Ignite's own page size, with which the demo's figures in the README were measured.
            .set(NodeSetting.PAGE_SIZE, "4KB")
            .set(NodeSetting.DEFAULT_REGION_MAX_SIZE, "64MB")
            .build();
        cfg.setFailureHandler(new StopNodeFailureHandler() {
            @Override
            public boolean handle(Ignite ignite, FailureContext ctx) {
                failures.add(ignite.name() + ": " + ctx);
                return super.handle(ignite, ctx);
            }
        });
        cfg.getDataStorageConfiguration().setDataRegionConfigurations(regions.entrySet().stream()
            .map(r -> new DataRegionConfiguration().setName(r.getKey())
                .setInitialSize(r.getValue()).setMaxSize(r.getValue()).setPersistenceEnabled(false))
            .toArray(DataRegionConfiguration[]::new));
        return cfg;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir))
            return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList())
                Files.delete(p);
        }
    }
}
