package dev.spillway.ops;

import dev.spillway.ClusterStatus;
import dev.spillway.client.SpillwayClient;
import dev.spillway.console.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.configuration.ClientConfiguration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./spillway status}: what a Spillway cluster holds, read over the thin client from any server: each node's
 * checkpoint region, the worst single loss, and each application's latest checkpoints with where their bytes are.
 */
@Command(name = "./spillway status", mixinStandardHelpOptions = true, sortOptions = false,
    description = "What a Spillway cluster holds, over the thin client: each server's checkpoint region (budget, "
        + "used, reserved, free, N-1 safe headroom, applications, checkpoints, local and spilled-in bytes), the worst "
        + "single loss, and each application's latest checkpoints (id, size, age, where the primary copies are).")
public final class Status implements Callable<Integer> {
    @Option(names = "--addresses", split = ",", required = true, paramLabel = "HOST:PORT",
        description = "thin-client addresses of the cluster's servers (host:port,...); the first that answers "
            + "is asked")
    List<String> addresses = new ArrayList<>();

    @Option(names = "--json", description = "print the status as JSON (bytes as numbers, times as ISO-8601)")
    boolean json;

    @Option(names = "--watch", paramLabel = "SECONDS",
        description = "read and print the status again every SECONDS until interrupted (text: in place)")
    Integer watch;

    @Option(names = "--latest", defaultValue = "3", paramLabel = "N",
        description = "checkpoints shown per application, newest first (default: ${DEFAULT-VALUE})")
    int latest;

    @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
        description = "the longest one read of the status may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final PrintStream out;

    Status(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.setProperty("IGNITE_QUIET", "true");
        System.exit(run(System.out, args));
    }

    /** Runs the command line, printing to {@code out}; returns the exit code. */
    static int run(PrintStream out, String... args) {
        return new CommandLine(new Status(out)).execute(args);
    }

    @Override
    public Integer call() throws InterruptedException {
        if (watch != null && watch < 1)
            throw new CommandLine.ParameterException(spec.commandLine(), "--watch must be at least 1 second: " + watch);
        if (latest < 0)
            throw new CommandLine.ParameterException(spec.commandLine(), "--latest must be 0 or more: " + latest);
        if (timeoutSeconds < 1)
            throw new CommandLine.ParameterException(spec.commandLine(), "--timeout must be at least 1 second: "
                + timeoutSeconds);
        ClientConfiguration config = new ClientConfiguration().setAddresses(addresses.toArray(String[]::new))
            .setTimeout((int)TimeUnit.SECONDS.toMillis(timeoutSeconds));
        try (SpillwayClient store = SpillwayClient.connect(config)) {
            while (true) {
                try {
                    print(store.status());
                }
                catch (RuntimeException e) {
                    if (watch == null)
                        throw e;
                    spec.commandLine().getErr().println("Reading the status failed (again in " + watch + " s): "
                        + e.getMessage());
                }
                if (watch == null)
                    return 0;
                TimeUnit.SECONDS.sleep(watch);
            }
        }
        catch (RuntimeException e) {
            spec.commandLine().getErr().println("error: could not read the status from " + String.join(",",
                addresses) + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    private void print(ClusterStatus status) {
        if (json) {
            out.print(Json.write(StatusView.json(status, latest)));
            return;
        }
        if (watch != null)
            out.print("\033[H\033[2J");
        out.print(StatusView.text(status, latest, Instant.now()));
        out.flush();
    }
}
