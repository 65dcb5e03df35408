package dev.spillway.internal.ignite;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.managers.discovery.DiscoCache;
import org.apache.ignite.internal.managers.discovery.DiscoveryCustomMessage;
import org.apache.ignite.internal.managers.discovery.GridDiscoveryManager;
import org.apache.ignite.internal.processors.affinity.AffinityTopologyVersion;
import org.apache.ignite.lang.IgniteUuid;
import org.apache.ignite.spi.discovery.tcp.TcpDiscoverySpi;
import org.jetbrains.annotations.Nullable;

/**
 * A server's announcement that it is leaving on purpose, sent in discovery order: every node of the cluster handles
 * it before the server's leave, and in the same order relative to every join, leave and failure. Split-brain
 * protection needs that order to tell a server stopped on purpose (no longer expected) from one that failed or was
 * cut off (still expected). Ignite's public API has no such message; its discovery custom messages are internal.
 *
 * <p>A node without the plugin (a plain client) cannot read the message; Ignite logs that and goes on. Every server
 * runs the plugin (a server without it is refused at join).
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}), which announces and listens. Not API: see
 * {@code dev.spillway.internal}.
 */
public final class Departures {
    /** Announcements sent by this node and not yet seen back, by message id. */
    private static final Map<IgniteUuid, CountDownLatch> SENT = new ConcurrentHashMap<>();

    private Departures() {
    }

    /** Calls {@code listener} with the node id and consistent id of every server that announces its departure. */
    public static void listen(Ignite ignite, BiConsumer<UUID, String> listener) {
        discovery(ignite).setCustomEventListener(Departure.class, (topVer, sender, msg) -> {
            listener.accept(msg.node, msg.name);
            CountDownLatch seen = SENT.remove(msg.id);
            if (seen != null)
                seen.countDown();
        });
    }

    /**
     * Announces that this node is leaving on purpose and waits, at most {@code timeout}, until the announcement has
     * come back to it (every node has handled it by then). Returns whether it did; a node that is failing, rather
     * than being stopped, or that the others already failed, announces nothing and returns false.
     */
    public static boolean announce(Ignite ignite, Duration timeout) {
        IgniteEx ex = (IgniteEx)ignite;
        if (ex.context().failure().failureContext() != null || !connected(ignite))
            return false;
        Departure msg = new Departure(ex.localNode().id(), String.valueOf(ex.localNode().consistentId()));
        CountDownLatch seen = new CountDownLatch(1);
        SENT.put(msg.id, seen);
        try {
            discovery(ignite).sendCustomEvent(msg);
            return seen.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (IgniteCheckedException e) {
            return false;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        finally {
            SENT.remove(msg.id);
        }
    }

    /**
     * Whether the node's discovery is still in a cluster: a server the others failed (segmented) is disconnected,
     * and an announcement from it could never go round.
     */
    private static boolean connected(Ignite ignite) {
        return !(ignite.configuration().getDiscoverySpi() instanceof TcpDiscoverySpi spi)
            || "CONNECTED".equals(spi.getSpiState());
    }

    private static GridDiscoveryManager discovery(Ignite ignite) {
        return ((IgniteEx)ignite).context().discovery();
    }

    /** The announcement itself: which server leaves. Serialized by discovery; changes no topology. */
    static final class Departure implements DiscoveryCustomMessage {
        private static final long serialVersionUID = 1L;

        private final IgniteUuid id = IgniteUuid.randomUuid();
        private final UUID node;
        private final String name;

        Departure(UUID node, String name) {
            this.node = node;
            this.name = name;
        }

        @Override
        public IgniteUuid id() {
            return id;
        }

        @Override
        public @Nullable DiscoveryCustomMessage ackMessage() {
            return null;
        }

        @Override
        public boolean isMutable() {
            return false;
        }

        @Override
        public DiscoCache createDiscoCache(GridDiscoveryManager mgr, AffinityTopologyVersion topVer,
                                           DiscoCache discoCache) {
            throw new UnsupportedOperationException("A departure changes no topology");
        }

        @Override
        public String toString() {
            return "Spillway departure of " + name + " (" + node + ")";
        }
    }
}
