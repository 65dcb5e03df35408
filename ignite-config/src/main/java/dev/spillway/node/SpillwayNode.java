package dev.spillway.node;

import dev.spillway.Bytes;
import dev.spillway.NodeCapacity;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.config.NodeCommandLine;
import dev.spillway.config.NodeConfigBuilder;
import dev.spillway.config.NodeConfigurationException;
import dev.spillway.config.NodeSettings;
import dev.spillway.wire.Layout;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.events.EventType;
import org.apache.ignite.plugin.segmentation.SegmentationPolicy;
import sun.misc.Signal;

/**
 * {@code ./spillway node} and the server distribution's {@code bin/spillway-node}: one Spillway server node in this
 * JVM, configured by {@link NodeConfigBuilder} from {@code --config FILE}, {@code SPILLWAY_...} environment variables
 * and options. Prints one line when the node has joined ({@code JOINED ...}: the time it took, the cluster's size,
 * the region and its budget) and one when it has stopped; SIGTERM (or Ctrl-C) stops it cleanly. A node the cluster
 * took out while it lived (frozen or cut off for longer than failure detection) finds itself segmented: it prints
 * {@code SEGMENTED ...}, stops, and joins again, printing {@code JOINED ...} once more, where Ignite's failure
 * handler would halt it.
 *
 * <p>Exit codes: 0 once a stop asked for by SIGTERM or Ctrl-C (SIGINT) has ended ({@code STOPPED} is printed) and
 * after {@code --help}; 130 only when a critical failure halted the node (Ignite's {@code KILL_EXIT_CODE}); 1 when
 * the node could not start; 2 for a bad configuration or command line. The JVM would exit a stop by SIGTERM with
 * 143 and one by SIGINT with 130, the code of a halt, which a supervisor could not tell from a crash: the node
 * handles both signals itself.
 */
public final class SpillwayNode {
    /**
     * The system property naming the command that started this node, as {@code --help} shows it; the server
     * distribution's {@code bin/spillway-node} sets it. Default: {@code ./spillway node}.
     */
    private static final String COMMAND_PROPERTY = "spillway.command";

    private final NodeSettings settings;
    /** The node running now, or null between a segmentation and the next start. */
    private Ignite current;
    /** Set once the JVM shuts down: no start after it. */
    private boolean stopping;

    private SpillwayNode(NodeSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        NodeSettings settings;
        try {
            if (NodeCommandLine.parse(args).help()) {
                System.out.println(NodeCommandLine.usage(System.getProperty(COMMAND_PROPERTY, "./spillway node")));
                return;
            }
            settings = NodeConfigBuilder.create().environment(System.getenv()).commandLine(args).settings();
        }
        catch (NodeConfigurationException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        // This class stops the node on SIGTERM itself, so it can say when the stop is over.
        System.setProperty("IGNITE_NO_SHUTDOWN_HOOK", "true");
        settings.tlsCertificateReport().forEach(System.out::println);
        SpillwayNode node = new SpillwayNode(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "spillway-node-stop"));
        // The JVM's own handlers end a stop by signal with 128 + the signal's number: 130 for SIGINT, Ignite's code
        // for a halt. The shutdown, and with it the node's stop, runs just the same after System.exit(0).
        for (String signal : List.of("TERM", "INT"))
            Signal.handle(new Signal(signal), s -> System.exit(0));
        try {
            node.run(started);
        }
        catch (RuntimeException e) {
            System.err.println("The node could not start: " + e);
            e.printStackTrace();
            System.exit(1);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Starts the node, and starts it again each time the cluster takes it out while it lives (it was frozen, or
     * cut off, for longer than failure detection, and found itself segmented): Ignite cannot take a segmented
     * node back, and halting it would leave a hole until someone restarts it. Returns when the JVM shuts down.
     */
    private void run(long started) throws InterruptedException {
        for (long since = started; ; since = System.nanoTime()) {
            CountDownLatch segmented = new CountDownLatch(1);
            Ignite ignite;
            synchronized (this) {
                if (stopping)
                    return;
                IgniteConfiguration cfg = NodeConfigBuilder.configuration(settings);
                // The segmentation is handled here, not by the failure handler, which would halt the JVM.
                cfg.setSegmentationPolicy(SegmentationPolicy.NOOP);
                cfg.setIncludeEventTypes(withSegmented(cfg.getIncludeEventTypes()));
                ignite = Ignition.start(cfg);
                ignite.events().localListen(e -> {
                    segmented.countDown();
                    return false;
                }, EventType.EVT_NODE_SEGMENTED);
                current = ignite;
            }
            try {
                joined(ignite, since);
            }
            catch (RuntimeException e) {
                // SIGTERM came as it joined: the stop is under way, not a failure to start.
                synchronized (this) {
                    if (stopping)
                        return;
                }
                throw e;
            }
            segmented.await();
            synchronized (this) {
                if (stopping)
                    return;
                System.out.printf(Locale.ROOT, "SEGMENTED %s: the cluster took this node out (frozen or cut off for "
                    + "longer than failure detection); it stops and joins again, its checkpoint region empty%n",
                    name(ignite));
                Ignition.stop(ignite.name(), true);
                current = null;
            }
        }
    }

    private static int[] withSegmented(int[] types) {
        int[] all = types == null ? new int[0] : types;
        for (int t : all) {
            if (t == EventType.EVT_NODE_SEGMENTED)
                return all;
        }
        int[] more = java.util.Arrays.copyOf(all, all.length + 1);
        more[all.length] = EventType.EVT_NODE_SEGMENTED;
        return more;
    }

    /** Stops the node on SIGTERM or Ctrl-C (the JVM's shutdown), and says when it is over. */
    private synchronized void stop() {
        stopping = true;
        if (current == null)
            return;
        long from = System.nanoTime();
        String name = name(current);
        Ignition.stop(current.name(), true);
        System.out.printf(Locale.ROOT, "STOPPED %s in %.1f s%n", name, (System.nanoTime() - from) / 1e9);
    }

    private static String name(Ignite ignite) {
        return String.valueOf(ignite.cluster().localNode().consistentId());
    }

    /** Prints what the node joined with: limits left unset follow its region's pages. */
    private void joined(Ignite ignite, long since) {
        String name = name(ignite);
        SpillwayConfiguration plugin = settings.plugin();
        NodeCapacity own = Spillway.store(ignite).capacity().stream().filter(c -> c.node().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalStateException("Node " + name + " has no checkpoint region"));
        System.out.printf(Locale.ROOT, "JOINED %s in %.1f s: %d server nodes (%d with Spillway), checkpoint region "
                + "%s, budget %s (high-water mark %.2f), %d backup(s); thin clients on %s:%s%s%n", name,
            (System.nanoTime() - since) / 1e9, ignite.cluster().forServers().nodes().size(),
            ignite.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true").nodes().size(),
            Bytes.format(own.regionMaxSize()), Bytes.format(own.budget()),
            (double)own.budget() / own.regionMaxSize(),
            plugin.getBackups(), settings.host(), ignite.cluster().localNode().attribute("clientListenerPort"),
            settings.tlsEnabled() ? " (" + String.join(", ", settings.tlsProtocols()) + ", client certificates "
                + "required)" : "");
    }
}
