package dev.spillway.client;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.Layout;
import java.util.UUID;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * One thin client that a {@link SpillwayClient} works through, and the checkpoint service proxies of each server on
 * it (chunk bytes go through them too: Spillway's caches are closed to a thin client's own cache calls).
 *
 * <p>A server that stops answering (a frozen process, a long GC pause) keeps its end of the thin client's connection
 * open, and the thin client goes on sending on it until the socket closes, even after Ignite has taken the server
 * out of the topology: requests that name no partition go to a connection picked at random. So after a call runs
 * out of time, the {@link SpillwayClient} opens a new link, whose attempt to connect to a frozen server fails at the
 * handshake and is routed around, and retires this one. A retired link closes once no reader or writer that began
 * on it is left: they finish on the connections they started with.
 */
final class ThinLink {
    final IgniteClient client;
    private static final UUID ANY_SERVER = new UUID(0, 0);
    /**
     * Servers whose proxies a link keeps: more than a cluster has, as every restart of a server gives it a new node
     * id; the proxy of one dropped is made again when needed, learning its service topology again.
     */
    private static final int KEPT_PROXIES = 64;
    /** The checkpoint service of each server by node id, and of any server under {@link #ANY_SERVER}. */
    private final Cache<UUID, CheckpointService> services = Caffeine.newBuilder().maximumSize(KEPT_PROXIES).build();
    /** The SpillwayClient's own hold while the link is current, plus one per call, reader and writer on it. */
    private int holds = 1;

    ThinLink(IgniteClient client) {
        this.client = client;
    }

    /**
     * Starts a thin client with {@code config}.
     *
     * @throws RuntimeException as {@link Ignition#startClient} does when no server answers
     */
    static ThinLink open(ClientConfiguration config) {
        return new ThinLink(Ignition.startClient(config));
    }

    /** The checkpoint service of server {@code node}, or of any server when null. */
    CheckpointService service(UUID node) {
        return services.get(node == null ? ANY_SERVER : node, id -> {
            var group = node == null ? client.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true")
                : client.cluster().forNodeId(node);
            return client.services(group).serviceProxy(CheckpointService.NAME, CheckpointService.class);
        });
    }

    /** Takes a hold on the link; false once it has closed (a newer link has replaced it by then). */
    synchronized boolean hold() {
        if (holds == 0)
            return false;
        holds++;
        return true;
    }

    /** Gives a hold back; the last one closes the thin client. */
    void release() {
        boolean last;
        synchronized (this) {
            last = --holds == 0;
        }
        if (last)
            client.close();
    }
}
