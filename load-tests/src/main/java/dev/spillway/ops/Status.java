package dev.spillway.ops;

import dev.spillway.ClusterStatus;
import dev.spillway.client.SpillwayClient;
import dev.spillway.console.Json;
import java.io.PrintStream;
import java.time.Instant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.client.SslMode;
import org.apache.ignite.client.SslProtocol;
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

    @Option(names = "--wait-safe", paramLabel = "SECONDS", arity = "0..1", fallbackValue = "600",
        description = "wait until the cluster is N-1 safe (every partition has its copies and any one server's "
            + "loss fits), at most SECONDS (default 600), printing why not every few seconds; exit 0 once it is, "
            + "3 if it is not by then: run between the steps of a rolling restart")
    Integer waitSafe;

    @Option(names = "--latest", defaultValue = "3", paramLabel = "N",
        description = "checkpoints shown per application, newest first (default: ${DEFAULT-VALUE})")
    int latest;

    @Option(names = "--user", paramLabel = "IDENTITY",
        description = "the identity to connect as, on a cluster with a security file; its password from the "
            + "environment variable SPILLWAY_PASSWORD (never an option: options show in the process list)")
    String user;

    @Option(names = "--tls-key-store", paramLabel = "FILE",
        description = "TLS: the client's key store (PKCS12), a certificate of the clients' authority; its password "
            + "from SPILLWAY_TLS_KEY_STORE_PASSWORD")
    Path tlsKeyStore;

    @Option(names = "--tls-trust-store", paramLabel = "FILE",
        description = "TLS: the trust store (PKCS12) of the nodes' authority; its password from "
            + "SPILLWAY_TLS_TRUST_STORE_PASSWORD")
    Path tlsTrustStore;

    @Option(names = "--timeout", defaultValue = "10", paramLabel = "SECONDS",
        description = "the longest one read of the status may take (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The exit status of {@code --wait-safe} when the cluster is not N-1 safe in time. */
    static final int NOT_SAFE = 3;

    private final PrintStream out;
    private final Map<String, String> environment;

    Status(PrintStream out, Map<String, String> environment) {
        this.out = out;
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.setProperty("IGNITE_QUIET", "true");
        System.exit(run(System.out, args));
    }

    /** Runs the command line, printing to {@code out}; returns the exit code. */
    public static int run(PrintStream out, String... args) {
        return run(out, System.getenv(), args);
    }

    /** Runs the command line with {@code environment} for the passwords, printing to {@code out}. */
    static int run(PrintStream out, Map<String, String> environment, String... args) {
        return new CommandLine(new Status(out, environment)).execute(args);
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
        if (waitSafe != null && waitSafe < 1)
            throw new CommandLine.ParameterException(spec.commandLine(), "--wait-safe must be at least 1 second: "
                + waitSafe);
        ClientConfiguration config = new ClientConfiguration().setAddresses(addresses.toArray(String[]::new))
            .setTimeout((int)TimeUnit.SECONDS.toMillis(timeoutSeconds));
        if (user != null)
            config.setUserName(user).setUserPassword(secret("SPILLWAY_PASSWORD", "--user"));
        if ((tlsKeyStore == null) != (tlsTrustStore == null))
            throw new CommandLine.ParameterException(spec.commandLine(), "--tls-key-store and --tls-trust-store go "
                + "together: TLS needs both");
        if (tlsKeyStore != null) {
            config.setSslMode(SslMode.REQUIRED).setSslProtocol(SslProtocol.TLSv1_3)
                .setSslClientCertificateKeyStorePath(tlsKeyStore.toString())
                .setSslClientCertificateKeyStoreType("PKCS12")
                .setSslClientCertificateKeyStorePassword(secret("SPILLWAY_TLS_KEY_STORE_PASSWORD", "--tls-key-store"))
                .setSslTrustCertificateKeyStorePath(tlsTrustStore.toString())
                .setSslTrustCertificateKeyStoreType("PKCS12")
                .setSslTrustCertificateKeyStorePassword(secret("SPILLWAY_TLS_TRUST_STORE_PASSWORD",
                    "--tls-trust-store"));
        }
        try (SpillwayClient store = SpillwayClient.connect(config)) {
            if (waitSafe != null)
                return awaitSafe(store);
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

    /** The password in environment variable {@code variable}, which {@code option} needs. */
    private String secret(String variable, String option) {
        String value = environment.get(variable);
        if (value == null || value.isEmpty())
            throw new CommandLine.ParameterException(spec.commandLine(), option + " needs its password in the "
                + "environment variable " + variable + " (never an option: every user of the machine sees options)");
        return value;
    }

    /** Reads the status every second until the cluster is N-1 safe or {@link #waitSafe} seconds have passed. */
    private int awaitSafe(SpillwayClient store) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(waitSafe);
        String said = null;
        while (true) {
            String why;
            try {
                ClusterStatus status = store.status();
                if (status.n1Safe()) {
                    out.println("N-1 safe: any one server may be stopped");
                    out.flush();
                    return 0;
                }
                why = status.notSafeBecause();
            }
            catch (RuntimeException e) {
                why = "the status could not be read (" + e.getMessage() + ")";
            }
            if (!why.equals(said)) {
                out.println("Not N-1 safe yet: " + why);
                out.flush();
                said = why;
            }
            if (System.nanoTime() > deadline) {
                out.println("Still not N-1 safe after " + waitSafe + " s: " + why);
                out.flush();
                return NOT_SAFE;
            }
            TimeUnit.SECONDS.sleep(1);
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
