package dev.spillway.config;

/**
 * The ports of a cluster on one machine's loopback, laid out from a base port so that clusters with different bases
 * (a test class, the demo, the benchmark) never meet: discovery on {@code base..base+9}, communication from
 * {@code base+100}, thin clients from {@code base+200}. {@link NodeConfigBuilder#loopback(int)} configures a node
 * with them.
 *
 * @param base the first discovery port
 */
public record LoopbackPorts(int base) {
    /** The loopback address every such node binds. */
    public static final String HOST = "127.0.0.1";
    /** How many discovery ports the cluster's nodes are looked for on. */
    public static final int DISCOVERY_PORTS = 10;

    public LoopbackPorts {
        if (base < 1 || base + 200 + DISCOVERY_PORTS > 65535)
            throw new IllegalArgumentException("base=" + base + " leaves no room for the ports; allowed: 1 to "
                + (65535 - 200 - DISCOVERY_PORTS));
    }

    /** The first discovery port: {@code base}. */
    public int discovery() {
        return base;
    }

    /** Where nodes look for each other: {@code 127.0.0.1:base..base+9}. */
    public String discoveryAddresses() {
        return HOST + ":" + base + ".." + (base + DISCOVERY_PORTS - 1);
    }

    /** The first communication port: {@code base + 100}. */
    public int communication() {
        return base + 100;
    }

    /** The first thin-client port: {@code base + 200}. */
    public int thinClient() {
        return base + 200;
    }
}
