package dev.spillway.internal;

import dev.spillway.CheckpointStore;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.capacity.CapacityLedger;
import dev.spillway.internal.capacity.Grant;
import dev.spillway.internal.ignite.Layout;
import dev.spillway.internal.store.EmbeddedCheckpointStore;
import dev.spillway.internal.store.WriteSessions;
import dev.spillway.internal.store.Reclaimer;
import dev.spillway.plugin.SpillwayPluginProvider;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ignite.DataRegionMetrics;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteLogger;
import org.apache.ignite.plugin.IgnitePlugin;

/**
 * Everything the plugin runs on one node: the capacity ledger (server nodes), the checkpoint store, and the one
 * maintenance thread that expires lapsed leases and reclaims abandoned checkpoints. Built by the plugin provider
 * at start, closed at stop.
 */
public final class SpillwayRuntime implements IgnitePlugin {
    private final Ignite ignite;
    private final SpillwayConfiguration config;
    private final boolean server;
    private volatile CapacityLedger ledger;
    private volatile EmbeddedCheckpointStore store;
    private volatile WriteSessions writeSessions;
    private volatile ScheduledExecutorService maintenance;

    public SpillwayRuntime(Ignite ignite, SpillwayConfiguration config, boolean server) {
        this.ignite = ignite;
        this.config = config;
        this.server = server;
    }

    /** The runtime of the node {@code ignite}. */
    public static SpillwayRuntime of(Ignite ignite) {
        return ignite.plugin(SpillwayPluginProvider.NAME);
    }

    public void start() {
        if (!server)
            return;
        Reclaimer reclaimer = new Reclaimer(ignite, this);
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "spillway-maintenance-" + ignite.name());
            t.setDaemon(true);
            return t;
        });
        // The first write of a class anywhere in the cluster registers its type (name and binary metadata) with
        // every node through discovery, 10-20 ms each here: done on the first checkpoint, that made it take
        // 0.3-0.6 s (and the checkpoints queued behind it wait). Registered ahead, off the node's start.
        background("Registering Spillway's wire types", "the first write of each type registers it instead", () -> {
            for (Class<?> type : EmbeddedCheckpointStore.wireTypes())
                ignite.binary().registerClass(type);
        });
        long period = config.getMaintenanceInterval().toMillis();
        maintenance.scheduleWithFixedDelay(() -> {
            try {
                reclaimer.runOnce();
                writeSessions().expire(config.getClock().millis());
            }
            catch (Throwable t) {
                log().warning("Spillway maintenance failed; it runs again in " + period + " ms: " + t, t);
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    public void close() {
        WriteSessions sessions = writeSessions;
        if (sessions != null) {
            try {
                sessions.discardAll();
            }
            catch (RuntimeException e) {
                log().warning("Could not discard the open thin-client write sessions; their claims lapse: " + e);
            }
        }
        if (maintenance != null) {
            maintenance.shutdownNow();
            try {
                maintenance.awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Runs {@code task} on this node's maintenance thread, after what is queued there; on a client node (which
     * has none), or once the node stops, runs it here. A failure is logged with {@code ifFailed}, what then
     * happens instead.
     */
    public void background(String what, String ifFailed, Runnable task) {
        ScheduledExecutorService m = maintenance;
        Runnable logged = () -> {
            try {
                task.run();
            }
            catch (RuntimeException e) {
                log().warning(what + " failed (" + ifFailed + "): " + e);
            }
        };
        if (m == null || m.isShutdown()) {
            logged.run();
            return;
        }
        try {
            m.execute(logged);
        }
        catch (RejectedExecutionException e) {
            logged.run();
        }
    }

    public boolean isServer() {
        return server;
    }

    public SpillwayConfiguration config() {
        return config;
    }

    public IgniteLogger log() {
        return ignite.log().getLogger(SpillwayRuntime.class);
    }

    /** This server node's capacity ledger. */
    public CapacityLedger ledger() {
        if (!server)
            throw new IllegalStateException("Node " + ignite.name() + " is a client: it holds no checkpoint region");
        CapacityLedger l = ledger;
        if (l == null) {
            synchronized (this) {
                if (ledger == null) {
                    ledger = new CapacityLedger(String.valueOf(ignite.cluster().localNode().consistentId()),
                        config.getRegionMaxSize(), config.budget(), this::regionUsed, config.getClock(),
                        config.getLeaseTimeout());
                }
                l = ledger;
            }
        }
        return l;
    }

    /** Grants a lease from this node's ledger, telling the writer which partitions this node is primary for. */
    public Grant grant(UUID writer, long bytes) {
        Grant g = ledger().grant(writer, bytes);
        return g.bytes() == 0 ? g
            : g.withPartitions(ignite.affinity(Layout.CHUNK_CACHE).primaryPartitions(ignite.cluster().localNode()));
    }

    /**
     * Region bytes per chunk-cache partition, over the catalogs this node is primary for: [0] all chunks, [1] those
     * being written or removed.
     */
    public long[][] partitionBytes() {
        return ((EmbeddedCheckpointStore)store()).localPartitionBytes();
    }

    /** The checkpoint facade of this node. */
    public CheckpointStore store() {
        EmbeddedCheckpointStore s = store;
        if (s == null) {
            synchronized (this) {
                if (store == null)
                    store = new EmbeddedCheckpointStore(ignite, this);
                s = store;
            }
        }
        return s;
    }

    /** The write sessions this server node hosts for thin clients. */
    public WriteSessions writeSessions() {
        WriteSessions w = writeSessions;
        if (w == null) {
            synchronized (this) {
                if (writeSessions == null)
                    writeSessions = new WriteSessions((EmbeddedCheckpointStore)store());
                w = writeSessions;
            }
        }
        return w;
    }

    private long regionUsed() {
        DataRegionMetrics metrics = ignite.dataRegionMetrics(Layout.CHECKPOINT_REGION);
        if (metrics == null)
            throw new IllegalStateException("Node " + ignite.name() + " has no " + Layout.CHECKPOINT_REGION
                + " region");
        return metrics.getTotalUsedSize();
    }
}
