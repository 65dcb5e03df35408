package dev.spillway.test;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.plugin.SpillwayPluginProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteState;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.DataPageEvictionMode;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;

/**
 * One Ignite server node with the Spillway plugin in its own JVM, for {@link ProcessCluster}. Options:
 * {@code --name}, {@code --base-port}, {@code --region-mb}, {@code --backups}, {@code --partitions},
 * {@code --chunk-kb}, {@code --work-dir}; optionally {@code --retention} (default 1), {@code --operation-timeout-ms}
 * (Spillway's), {@code --failure-detection-ms} (Ignite's failure detection timeout), {@code --host} and
 * {@code --hosts} (the node's address and every node's, comma-separated, on a network the test built instead of
 * loopback), and {@code --plain-region-mb} (adds a data region named {@value #PLAIN_REGION}, persistence off, for
 * caches that bypass Spillway).
 *
 * <p>The node keeps Ignite's default failure handler ({@code StopNodeOrHaltFailureHandler}): a region that
 * overflows halts the JVM with exit code 130, which is what a node-loss test must be able to see. Once joined it
 * prints {@code JOINED <name> <servers-in-topology>} to stdout, then waits until it is killed. Should the node stop
 * by itself (segmentation, say), the JVM exits with {@value #EXIT_NODE_STOPPED} so the process never outlives it.
 */
public final class NodeMain {
    /** Name of the optional plain data region. */
    public static final String PLAIN_REGION = "plain";
    /** Size of the Spillway metadata region on every node of a process cluster. */
    public static final long METADATA_REGION_SIZE = 16L << 20;
    /** Exit code of a process whose node stopped without being killed. */
    public static final int EXIT_NODE_STOPPED = 3;

    private NodeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.setProperty("IGNITE_QUIET", "true");
        System.setProperty("IGNITE_NO_ASCII", "true");
        System.setProperty("IGNITE_UPDATE_NOTIFIER", "false");
        Map<String, String> opts = options(args);
        String name = required(opts, "name");
        int basePort = Integer.parseInt(required(opts, "base-port"));
        SpillwayConfiguration config = pluginConfiguration(Integer.parseInt(required(opts, "region-mb")),
            Integer.parseInt(required(opts, "chunk-kb")), Integer.parseInt(required(opts, "backups")),
            Integer.parseInt(required(opts, "partitions")));
        config.setRetention(Integer.parseInt(opts.getOrDefault("retention", "1")));
        long plainRegionMb = Long.parseLong(opts.getOrDefault("plain-region-mb", "0"));
        long failureDetectionMs = Long.parseLong(opts.getOrDefault("failure-detection-ms", "0"));
        long operationTimeoutMs = Long.parseLong(opts.getOrDefault("operation-timeout-ms", "0"));
        if (operationTimeoutMs > 0)
            config.setOperationTimeout(Duration.ofMillis(operationTimeoutMs));

        String host = opts.getOrDefault("host", "127.0.0.1");
        List<String> hosts = opts.containsKey("host") ? List.of(required(opts, "hosts").split(",")) : List.of(host);
        IgniteConfiguration cfg = configuration(name, basePort, false, config, host, hosts)
            .setWorkDirectory(Path.of(required(opts, "work-dir")).toAbsolutePath().toString());
        if (failureDetectionMs > 0)
            cfg.setFailureDetectionTimeout(failureDetectionMs);
        if (plainRegionMb > 0) {
            cfg.getDataStorageConfiguration().setDataRegionConfigurations(new DataRegionConfiguration()
                .setName(PLAIN_REGION)
                .setInitialSize(plainRegionMb << 20)
                .setMaxSize(plainRegionMb << 20)
                .setPersistenceEnabled(false)
                .setPageEvictionMode(DataPageEvictionMode.DISABLED));
        }
        Ignite ignite = Ignition.start(cfg);
        System.out.println("JOINED " + name + " " + ignite.cluster().forServers().nodes().size());
        System.out.flush();
        while (Ignition.state(name) == IgniteState.STARTED)
            Thread.sleep(200);
        System.out.println("STOPPED " + name + " " + Ignition.state(name));
        System.out.flush();
        Runtime.getRuntime().halt(EXIT_NODE_STOPPED);
    }

    /** The plugin configuration of every node of a process cluster, the test's thick client included. */
    public static SpillwayConfiguration pluginConfiguration(int regionMb, int chunkKb, int backups, int partitions) {
        return new SpillwayConfiguration()
            .setRegionMaxSize((long)regionMb << 20)
            .setChunkSize(chunkKb << 10)
            .setBackups(backups)
            .setPartitions(partitions)
            .setRetention(1)
            .setMetadataRegionSize(METADATA_REGION_SIZE);
    }

    /** The tests' loopback node configuration with the plugin given explicitly; Ignite's failure handler. */
    public static IgniteConfiguration configuration(String name, int basePort, boolean client,
                                                    SpillwayConfiguration config) {
        return configuration(name, basePort, client, config, "127.0.0.1", List.of("127.0.0.1"));
    }

    /** The same on {@code host} of a network the test built, discovering the cluster on {@code hosts}. */
    public static IgniteConfiguration configuration(String name, int basePort, boolean client,
                                                    SpillwayConfiguration config, String host, List<String> hosts) {
        return LoopbackNode.configuration(name, basePort, client, host, hosts)
            .setPluginProviders(new SpillwayPluginProvider(config.copy()));
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> opts = new HashMap<>();
        List<String> rest = new ArrayList<>(List.of(args));
        while (!rest.isEmpty()) {
            String key = rest.remove(0);
            if (!key.startsWith("--") || rest.isEmpty())
                throw new IllegalArgumentException("Expected --option value, got: " + key);
            opts.put(key.substring(2), rest.remove(0));
        }
        return opts;
    }

    private static String required(Map<String, String> opts, String key) {
        String v = opts.get(key);
        if (v == null)
            throw new IllegalArgumentException("Missing option --" + key);
        return v;
    }
}
