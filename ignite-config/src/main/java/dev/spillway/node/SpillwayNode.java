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
import java.util.Locale;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;

/**
 * {@code ./spillway node}: one Spillway server node in this JVM, configured by {@link NodeConfigBuilder} from
 * {@code --config FILE}, {@code SPILLWAY_...} environment variables and options. Prints one line when the node has
 * joined ({@code JOINED ...}: the time it took, the cluster's size, the region and its budget) and one when it has
 * stopped; SIGTERM (or Ctrl-C) stops it cleanly.
 *
 * <p>Exit codes: 143 after SIGTERM (the JVM's code for a stop by that signal; the node has stopped cleanly when
 * {@code STOPPED} is printed), 130 after Ctrl-C and also when a critical failure halted the node (Ignite's
 * {@code KILL_EXIT_CODE}; the log says which), 1 when the node could not start, 2 for a bad configuration or
 * command line, 0 after {@code --help}.
 */
public final class SpillwayNode {
    private SpillwayNode() {
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        NodeSettings settings;
        try {
            if (NodeCommandLine.parse(args).help()) {
                System.out.println(NodeCommandLine.usage("./spillway node"));
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
        Ignite ignite;
        try {
            ignite = Ignition.start(NodeConfigBuilder.configuration(settings));
        }
        catch (RuntimeException e) {
            System.err.println("The node could not start: " + e);
            e.printStackTrace();
            System.exit(1);
            return;
        }
        String name = String.valueOf(ignite.cluster().localNode().consistentId());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long stopping = System.nanoTime();
            Ignition.stop(ignite.name(), true);
            System.out.printf(Locale.ROOT, "STOPPED %s in %.1f s%n", name, (System.nanoTime() - stopping) / 1e9);
        }, "spillway-node-stop"));
        SpillwayConfiguration plugin = settings.plugin();
        // What the node runs with: limits left unset follow its region's pages.
        NodeCapacity own = Spillway.store(ignite).capacity().stream().filter(c -> c.node().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalStateException("Node " + name + " has no checkpoint region"));
        System.out.printf(Locale.ROOT, "JOINED %s in %.1f s: %d server nodes (%d with Spillway), checkpoint region "
                + "%s, budget %s (high-water mark %.2f), %d backup(s); thin clients on %s:%s%s%n", name,
            (System.nanoTime() - started) / 1e9, ignite.cluster().forServers().nodes().size(),
            ignite.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true").nodes().size(),
            Bytes.format(own.regionMaxSize()), Bytes.format(own.budget()),
            (double)own.budget() / own.regionMaxSize(),
            plugin.getBackups(), settings.host(), ignite.cluster().localNode().attribute("clientListenerPort"),
            settings.tlsEnabled() ? " (TLS, client certificates required)" : "");
    }
}
