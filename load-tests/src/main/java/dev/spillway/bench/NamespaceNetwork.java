package dev.spillway.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A network a test builds for itself and cuts at will: each node process runs in a Linux network namespace of its
 * own, wired by a veth pair to a switch namespace with two bridges; this JVM (the test's client) is wired to the
 * first bridge too. Everything is on a /24 of 198.18.0.0/15 ({@code 198.18.<subnet>.0/24}, the subnet a number each user
 * of the class picks), the block RFC 2544 sets aside for
 * benchmarking networks: no address of a real network is ever used. {@link #isolate} cuts a node off from everyone,
 * {@link #split} moves nodes to the second bridge (two sides that cannot reach each other; the client stays with
 * the first), {@link #heal} wires everything back. {@link #close} removes every namespace and link it made.
 *
 * <p>Needs root (or CAP_NET_ADMIN) and iproute2's {@code ip netns}: {@link #unavailable} says why not, for the test
 * to be skipped with that reason.
 */
public final class NamespaceNetwork implements AutoCloseable {
    private final String prefix;
    /** The first three octets of every address here. */
    private final String subnet;
    private final int nodes;

    private NamespaceNetwork(String prefix, int subnet, int nodes) {
        if (subnet < 0 || subnet > 255)
            throw new IllegalArgumentException("subnet " + subnet + ": 0 to 255");
        this.prefix = prefix;
        this.subnet = "198.18." + subnet;
        this.nodes = nodes;
    }

    /** Why this machine cannot build namespace networks, or empty when it can. */
    public static Optional<String> unavailable() {
        String probe = "spwprobe" + ProcessHandle.current().pid();
        Result add = run(List.of("ip", "netns", "add", probe));
        if (add.code != 0)
            return Optional.of("network namespaces are not available here (`ip netns add` failed: " + add.output.trim()
                + "); network partitions need root or CAP_NET_ADMIN and iproute2");
        run(List.of("ip", "netns", "del", probe));
        return Optional.empty();
    }

    /**
     * Builds the network for {@code nodes} node processes on 198.18.{@code subnet}.0/24; {@code tag} (a few letters
     * or digits) names its namespaces and links. Each user (a test class, the chaos run) has a tag and a subnet of
     * its own. Leftovers of an earlier run under the same tag are removed first.
     */
    public static NamespaceNetwork create(String tag, int subnet, int nodes) {
        NamespaceNetwork net = new NamespaceNetwork("spw" + tag, subnet, nodes);
        net.close();
        try {
            net.build();
        }
        catch (RuntimeException e) {
            net.close();
            throw e;
        }
        return net;
    }

    private void build() {
        String sw = switchNamespace();
        sh("ip", "netns", "add", sw);
        ip(sw, "link", "set", "lo", "up");
        for (String bridge : List.of("bra", "brb")) {
            ip(sw, "link", "add", bridge, "type", "bridge");
            ip(sw, "link", "set", bridge, "up");
        }
        for (int i = 0; i < nodes; i++) {
            String ns = namespace(i);
            sh("ip", "netns", "add", ns);
            ip(ns, "link", "set", "lo", "up");
            ip(ns, "link", "add", "eth0", "type", "veth", "peer", "name", port(i), "netns", sw);
            ip(ns, "addr", "add", address(i) + "/24", "dev", "eth0");
            ip(ns, "link", "set", "eth0", "up");
            ip(sw, "link", "set", port(i), "master", "bra");
            ip(sw, "link", "set", port(i), "up");
        }
        sh("ip", "link", "add", hostLink(), "type", "veth", "peer", "name", "host", "netns", sw);
        sh("ip", "addr", "add", clientAddress() + "/24", "dev", hostLink());
        sh("ip", "link", "set", hostLink(), "up");
        ip(sw, "link", "set", "host", "master", "bra");
        ip(sw, "link", "set", "host", "up");
    }

    /** Node {@code i}'s address. */
    public String address(int i) {
        return subnet + "." + (10 + i);
    }

    /** Every node's address, in order. */
    public List<String> addresses() {
        return IntStream.range(0, nodes).mapToObj(this::address).toList();
    }

    /** This JVM's address on the network, for the test's client. */
    public String clientAddress() {
        return subnet + ".1";
    }

    /** Every node's namespace, in order. */
    public List<String> namespaces() {
        return IntStream.range(0, nodes).mapToObj(this::namespace).toList();
    }

    /** The namespace node {@code i}'s process runs in. */
    public String namespace(int i) {
        return prefix + "n" + i;
    }

    /** Cuts node {@code i} off from every other node and from the client (its switch port goes down). */
    public void isolate(int i) {
        ip(switchNamespace(), "link", "set", port(i), "down");
    }

    /**
     * Splits the network in two: the nodes of {@code side} on one side, the others and the client on the other.
     */
    public void split(Collection<Integer> side) {
        for (int i : side)
            ip(switchNamespace(), "link", "set", port(i), "master", "brb");
    }

    /** Wires every node back to the client's side. */
    public void heal() {
        for (int i = 0; i < nodes; i++) {
            ip(switchNamespace(), "link", "set", port(i), "master", "bra");
            ip(switchNamespace(), "link", "set", port(i), "up");
        }
    }

    /** Removes every namespace and link of this network; safe to call more than once. */
    @Override
    public void close() {
        run(List.of("ip", "link", "del", hostLink()));
        for (int i = 0; i < nodes; i++)
            run(List.of("ip", "netns", "del", namespace(i)));
        run(List.of("ip", "netns", "del", switchNamespace()));
    }

    private String switchNamespace() {
        return prefix + "sw";
    }

    private static String port(int i) {
        return "p" + i;
    }

    private String hostLink() {
        return prefix + "h";
    }

    private static void ip(String namespace, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", namespace));
        cmd.addAll(List.of(args));
        check(cmd);
    }

    private static void sh(String... cmd) {
        check(List.of(cmd));
    }

    private static void check(List<String> cmd) {
        Result r = run(cmd);
        if (r.code != 0)
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + r.code + "): " + r.output.trim());
    }

    private record Result(int code, String output) {
    }

    private static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out: " + out);
            }
            return new Result(p.exitValue(), out);
        }
        catch (IOException e) {
            return new Result(-1, e.toString());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("Interrupted running " + cmd));
        }
    }
}
