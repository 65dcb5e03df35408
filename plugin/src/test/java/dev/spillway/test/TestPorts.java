package dev.spillway.test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * The one table of the loopback ports tests start nodes on. Each test class that starts nodes has a row; a row
 * holds one or more slots of {@value #SLOT} ports (a class that starts several clusters one after the other takes a
 * slot each, so a node left over from one never joins the next), laid out as ignite-config's {@code LoopbackPorts}
 * lays out a loopback cluster: discovery {@code base .. base+9}, communication {@code base+100 ..}, thin clients
 * {@code base+200 ..}, each node taking one port of each. Slots follow each other from {@value #FIRST}, so no two
 * overlap, and the whole table
 * stays clear of the ports the product itself uses by default ({@link #PRODUCT}), which a developer's own
 * {@code ./spillway node}, demo or benchmark may hold while the tests run, and of the kernel's ephemeral ports.
 */
public enum TestPorts {
    // plugin
    CHECKPOINT_STORE_IT,
    FAILOVER_PREDICTION_IT,
    NODE_LOSS_IT,
    NODE_LOSS_SAFETY_IT,
    NODE_LOSS_PROCESS_IT(4),
    PLUGIN_CONFIGURATION_IT,
    ADMISSION_LOCK_IT,
    PLAIN_IGNITE_THRESHOLD_SWEEP,
    CATALOG_PRIMARY_LOSS_IT,
    OWNERS_FOLLOW_AFFINITY_IT,
    CLOCK_SKEW_IT,
    METADATA_REGION_IT,
    CHUNK_COPIES_IT,
    ARRIVING_BYTES_IT,
    SCRUB_IT,
    SPILLING_PEER_LOSS_IT,
    COPIES_WHILE_MOVING_IT,
    QUORUM_IT,
    PARTITION_IT,
    METRICS_IT,
    DEDUPLICATION_IT,
    // app-adapter
    CHECKPOINTER_IT,
    EMBEDDED_CONTRACT_IT,
    THICK_CLIENT_CONTRACT_IT,
    THIN_CLIENT_CONTRACT_IT,
    THIN_CLIENT_ROUTING_IT,
    THIN_CLIENT_FAILURE_IT,
    LARGE_STATE_THIN_CLIENT_IT,
    COUNTER_APP_IT,
    FROZEN_NODE_IT,
    SECURITY_IT,
    // ignite-config
    TLS_IT,
    DISTRIBUTION_IT,
    SYSTEM_VIEWS_IT,
    // load-tests
    NODE_LAUNCHER_IT,
    STATUS_IT,
    SECURED_STATUS_IT;

    /**
     * The first port of the table: below Linux's ephemeral range (32768-60999 by default), from which the kernel
     * picks the local port of every outgoing connection. A slot inside that range can find a port taken by some
     * process's client socket, and a probe of a free port there can connect to itself (the kernel may give the
     * probe the very port it dials), which once failed CI with "port answers" and nothing running.
     */
    public static final int FIRST = 20_000;
    /** Ports per slot. */
    public static final int SLOT = 250;

    /**
     * Ports the product binds by default, which no slot may overlap: {@code ./spillway node}'s discovery,
     * communication and thin-client ranges (port + portRange 10), the demo's and the example's embedded cluster,
     * and the benchmarks' node processes.
     */
    public static final List<Range> PRODUCT = List.of(
        new Range("./spillway node discovery", 47_500, 47_510),
        new Range("./spillway node communication", 47_100, 47_110),
        new Range("./spillway node thin clients", 10_800, 10_810),
        new Range("./spillway demo and example", 48_500, 48_749),
        new Range("./spillway bench", 52_000, 52_260));

    /** Ports {@code from .. to}, both included, of {@code what}. */
    public record Range(String what, int from, int to) {
        boolean overlaps(Range o) {
            return from <= o.to && o.from <= to;
        }

        @Override
        public String toString() {
            return what + " " + from + "-" + to;
        }
    }

    /** The ports of one cluster of a test class. */
    public record Slot(String owner, int base) {
        public int discovery() {
            return base;
        }

        public int communication() {
            return base + 100;
        }

        public int thin() {
            return base + 200;
        }

        /** The first of the nodes' metrics endpoint ports: one per node, as the others. */
        public int metrics() {
            return base + 230;
        }

        public Range range() {
            return new Range(owner, base, base + SLOT - 1);
        }

        /**
         * Fails at once when anything answers on this slot's discovery ports before the test started its nodes: a
         * node left running (by an earlier run, or started by hand) would join the test's cluster and falsify it.
         */
        public void assertNoNodeAnswers() {
            for (int port = discovery(); port < discovery() + 10; port++) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    if (s.getLocalPort() == port)
                        continue; // the probe reached itself: nothing listens there
                }
                catch (IOException e) {
                    continue;
                }
                throw new IllegalStateException("Port " + port + " of " + range() + " answers before " + owner
                    + " started any node: a JVM left running (pgrep -af 'dev.spillway|ignite') would join its "
                    + "cluster. Stop it, then run the test again.");
            }
        }
    }

    private final int slots;

    TestPorts() {
        this(1);
    }

    TestPorts(int slots) {
        this.slots = slots;
    }

    /** The first slot of this row. */
    public Slot slot() {
        return slot(0);
    }

    /** Slot {@code i} of this row. */
    public Slot slot(int i) {
        if (i < 0 || i >= slots)
            throw new IllegalArgumentException(name() + " has " + slots + " slot(s), not slot " + i);
        int before = 0;
        for (TestPorts p : values()) {
            if (p == this)
                break;
            before += p.slots;
        }
        return new Slot(name(), FIRST + (before + i) * SLOT);
    }

    /** Every slot of the table, in order. */
    public static List<Slot> all() {
        List<Slot> all = new ArrayList<>();
        for (TestPorts p : values()) {
            for (int i = 0; i < p.slots; i++)
                all.add(p.slot(i));
        }
        return all;
    }
}
