package dev.spillway.plugin;

import dev.spillway.Housekeeping;
import dev.spillway.ScrubReport;
import dev.spillway.SpillwayException;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.SpillwayPlugin;
import dev.spillway.internal.capacity.CapacityLedger;
import dev.spillway.internal.capacity.CatalogBytes;
import dev.spillway.internal.capacity.ClusterCapacity;
import dev.spillway.internal.capacity.LedgerHost;
import dev.spillway.internal.capacity.MetadataWatch;
import dev.spillway.internal.capacity.Owners;
import dev.spillway.internal.capacity.Peers;
import dev.spillway.internal.capacity.RebalanceGate;
import dev.spillway.internal.capacity.ServerQuorum;
import dev.spillway.internal.ignite.Departures;
import dev.spillway.internal.ignite.IgniteAdapter;
import dev.spillway.internal.ignite.NodeSecurity;
import dev.spillway.internal.metrics.IgniteMetricsExport;
import dev.spillway.internal.metrics.PrometheusEndpoint;
import dev.spillway.internal.metrics.SpillwayMeters;
import dev.spillway.internal.service.ServiceHost;
import dev.spillway.internal.service.WriteSessions;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.internal.security.ChunkTokens;
import dev.spillway.internal.store.EmbeddedCheckpointStore;
import dev.spillway.internal.store.ThinChunks;
import dev.spillway.wire.Layout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.ignite.DataRegionMetrics;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteLogger;

/**
 * Everything the plugin runs on one node, assembled: the peers and owners over Ignite, the engine and the facade
 * it drives, and on a server node the capacity ledger, the thin clients' write sessions and the one maintenance
 * thread (lapsed leases, abandoned checkpoints, idle sessions). It is what {@code Ignite.plugin("spillway")}
 * returns, and the calls Ignite runs on this node (peers' ledger calls, the checkpoint service) reach it only
 * through their narrow interfaces ({@link LedgerHost}, {@link ServiceHost}).
 *
 * <p>The parts are built on first use: Ignite asks for the plugin before the node's caches exist.
 */
final class NodeRuntime implements SpillwayPlugin, LedgerHost, ServiceHost {
    /** How often a server publishes and reads the metadata regions' states ({@link MetadataWatch}). */
    private static final long METADATA_WATCH_MS = 500;
    /** The longest between two looks at whether this server's rebalance may start ({@link RebalanceGate}). */
    private static final long REBALANCE_GATE_MS = 250;
    /** The time between the end of one background scrub pass and the start of the next. */
    private static final long SCRUB_GAP_MS = 1000;
    /** The longest a stopping server waits for its departure to go round the cluster. */
    private static final Duration DEPARTURE_WAIT = Duration.ofSeconds(5);

    private final Ignite ignite;
    /** The configuration this node runs with: on a server, its limits set for its region's pages. */
    private final SpillwayConfiguration config;
    private final boolean server;
    /** Whether the cluster's metadata regions take new claims (null on a client). */
    private final MetadataWatch metadata;
    /** Split-brain protection: whether this node's side holds a majority of the servers expected. */
    private final ServerQuorum quorum = new ServerQuorum();
    private volatile Parts parts;
    private volatile ScheduledExecutorService maintenance;
    private volatile ScheduledExecutorService metadataWatch;
    private volatile ScheduledExecutorService scrubber;
    private volatile ScheduledExecutorService rebalanceGate;
    /**
     * The node's meters' registry: {@link #kept}, Prometheus' when the node serves them, and any an application
     * adds.
     */
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    /**
     * The meters' values as Ignite's registry reads them: a composite keeps nothing itself (without a registry in it,
     * its meters count nothing), so one that keeps them is always in it.
     */
    private final SimpleMeterRegistry kept = new SimpleMeterRegistry();
    private volatile PrometheusEndpoint endpoint;
    private final ChunkTokens chunkTokens;

    /** The node's parts, built together once the node has joined. */
    private final class Parts {
        final CapacityLedger ledger;
        final CheckpointEngine engine;
        final EmbeddedCheckpointStore store;
        final WriteSessions sessions;
        final ThinChunks thinChunks;
        final SpillwayMeters meters;
        final RebalanceGate gate;

        Parts() {
            String node = String.valueOf(ignite.cluster().localNode().consistentId());
            meters = new SpillwayMeters(node, config.getMetricsApplications());
            meters.bindTo(registry);
            ledger = server ? new CapacityLedger(node, config.getRegionMaxSize(), config.budget(),
                config.failoverBytes(), RegionPages.pageSize(ignite.configuration()), NodeRuntime.this::regionUsed,
                config.getClock(), config.getLeaseTimeout(), meters) : null;
            Peers peers = Peers.of(ignite, server ? NodeRuntime.this : null, config.getOperationTimeout());
            Owners owners = Owners.of(ignite, config, meters);
            engine = new CheckpointEngine(ignite, config, server, peers, owners, quorum,
                NodeRuntime.this::background, meters);
            ClusterCapacity capacity = new ClusterCapacity(peers, owners, config.getBackups());
            store = new EmbeddedCheckpointStore(engine, capacity, () -> NodeSecurity.caller(ignite));
            sessions = server ? new WriteSessions(engine, log()) : null;
            thinChunks = server ? new ThinChunks(engine, ledger, chunkTokens) : null;
            gate = server ? new RebalanceGate(ignite.cluster().localNode().id(), owners, peers, chunkRebalancer(),
                msg -> log().warning(msg)) : null;
            if (server) {
                meters.bindNode(registry, new RegionReadings(node, ledger, capacity), engine::openSessions);
                meters.bindScrub(registry, engine::scrubTotals);
            }
        }
    }

    /** The chunk cache's rebalance on this node, started by hand ({@link RebalanceGate}). */
    private RebalanceGate.Rebalancer chunkRebalancer() {
        return new RebalanceGate.Rebalancer() {
            @Override
            public BooleanSupplier start() {
                return ignite.cache(Layout.CHUNK_CACHE).rebalance()::isDone;
            }

            @Override
            public boolean othersBusy() {
                return IgniteAdapter.rebalancesUnderWay(ignite, Layout.CHUNK_CACHE);
            }
        };
    }

    /** @param chunkTokens the tokens of thin clients' chunks; null on a cluster without security */
    NodeRuntime(Ignite ignite, SpillwayConfiguration config, boolean server, ChunkTokens chunkTokens) {
        this.ignite = ignite;
        this.chunkTokens = chunkTokens;
        this.config = config;
        this.server = server;
        registry.add(kept);
        this.metadata = server ? new MetadataWatch(ignite, () -> regionUsed(Layout.METADATA_REGION),
            RegionPages.metadataLimit(config.getMetadataRegionSize(), RegionPages.pageSize(ignite.configuration())),
            config.getOperationTimeout()) : null;
    }

    /**
     * Once the node has joined: on a server, starts the maintenance, metadata-watch and scrub threads; on a thick
     * client, starts Spillway's caches there while the cluster answers (a client's first use of a cache fetches its
     * partition map from a server, and a server frozen at that moment would hold the application's first call).
     */
    void start() {
        Departures.listen(ignite, (id, name) -> quorum.departed(new ServerQuorum.Member(id, name)));
        exportToIgnite();
        if (!server) {
            startCachesHere();
            return;
        }
        if (config.getMetricsPort() > 0) {
            endpoint = PrometheusEndpoint.start(ignite.name(), ignite.configuration().getLocalHost(),
                config.getMetricsPort());
            registry.add(endpoint.registry());
            parts();
        }
        maintenance = daemonThread("spillway-maintenance-");
        // The first write of a class anywhere in the cluster registers its type (name and binary metadata) with
        // every node through discovery, 10-20 ms each here: done on the first checkpoint, that made it take
        // 0.3-0.6 s (and the checkpoints queued behind it wait). Registered ahead, off the node's start.
        background(() -> {
            try {
                for (Class<?> type : CheckpointEngine.wireTypes())
                    ignite.binary().registerClass(type);
            }
            catch (RuntimeException e) {
                log().warning("Registering Spillway's wire types failed (the first write of each type registers "
                    + "it instead): " + e);
            }
        });
        metadataWatch = daemonThread("spillway-metadata-watch-");
        metadataWatch.scheduleWithFixedDelay(() -> {
            try {
                metadata.runOnce();
            }
            catch (Throwable t) {
                log().warning("Spillway's metadata watch failed; it runs again in " + METADATA_WATCH_MS + " ms: " + t);
            }
        }, 0, METADATA_WATCH_MS, TimeUnit.MILLISECONDS);
        if (config.getScrubRate() > 0) {
            scrubber = daemonThread("spillway-scrub-");
            long rate = (long)config.getScrubRate() << 20;
            // A pass reads at the configured rate; passes follow each other a second apart.
            scrubber.scheduleWithFixedDelay(() -> {
                try {
                    // Repairs and marks change Spillway's caches, which a side without a majority may not do.
                    if (quorum.hasMajority())
                        parts().engine.scrub(rate);
                }
                catch (InterruptedException e) {
                    // The node stops (stop() interrupts the pass).
                    Thread.currentThread().interrupt();
                }
                catch (RuntimeException e) {
                    log().warning("Spillway's scrub pass failed; the next starts in " + SCRUB_GAP_MS + " ms: " + e);
                }
            }, 0, SCRUB_GAP_MS, TimeUnit.MILLISECONDS);
        }
        long period = config.getMaintenanceInterval().toMillis();
        rebalanceGate = daemonThread("spillway-rebalance-gate-");
        long gatePeriod = Math.min(period, REBALANCE_GATE_MS);
        rebalanceGate.scheduleWithFixedDelay(() -> maintain("admitting a rebalance", () -> parts().gate.runOnce()),
            gatePeriod, gatePeriod, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(() -> {
            // Each step apart: one that fails (a node that does not answer) does not skip the others.
            maintain("expiring leases", () -> parts().ledger.expire(id -> ignite.cluster().node(id) != null));
            // Removals change Spillway's caches, which a side without a majority may not do.
            if (quorum.hasMajority()) {
                maintain("reclaiming claims", () -> parts().engine.reclaim());
                maintain("sweeping orphaned chunks", () -> parts().engine.sweepOrphans());
            }
            maintain("expiring thin-client sessions", () -> parts().sessions.expire(config.getClock().millis()));
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Spillway's figures in Ignite's own views: its meters in the metric registry {@code custom.spillway} (JMX,
     * {@code SYS.METRICS}) and, on a server, its SQL system views ({@link OperatorViews}). A failure leaves the node
     * running without them.
     */
    private void exportToIgnite() {
        try {
            IgniteMetricsExport.register(ignite.metrics().getOrCreate(IgniteMetricsExport.REGISTRY), kept, server);
            if (server)
                OperatorViews.register(ignite, () -> parts().store, () -> parts().engine);
        }
        catch (RuntimeException e) {
            log().warning("Spillway's metrics and views could not be registered with Ignite; the node runs without "
                + "them: " + e, e);
        }
    }

    /** A scheduler on one daemon thread named {@code prefix} and the node's name. */
    private ScheduledExecutorService daemonThread(String prefix) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, prefix + ignite.name());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public ScrubReport scrub() {
        if (!server)
            throw new IllegalStateException("Node " + ignite.name() + " is a client: it holds no chunks to scrub");
        try {
            return parts().engine.scrub(0);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SpillwayException("Interrupted while scrubbing node " + ignite.name(), e);
        }
    }

    @Override
    public ScrubReport scrubTotals() {
        return server ? parts().engine.scrubTotals() : ScrubReport.NONE;
    }

    @Override
    public Housekeeping housekeeping() {
        return server ? parts().engine.housekeeping() : Housekeeping.NONE;
    }

    private void startCachesHere() {
        for (String name : List.of(Layout.CHUNK_CACHE, Layout.CATALOG_CACHE, Layout.ADMISSION_CACHE)) {
            try {
                // Null while no Spillway server has joined: the first use starts it then.
                ignite.cache(name);
            }
            catch (RuntimeException e) {
                log().warning("Spillway's cache " + name + " could not be started on this client now; its first "
                    + "use starts it: " + e);
            }
        }
    }

    private void maintain(String step, Runnable task) {
        try {
            task.run();
        }
        catch (Throwable t) {
            log().warning("Spillway maintenance failed " + step + "; it runs again in "
                + config.getMaintenanceInterval().toMillis() + " ms: " + t, t);
        }
    }

    /** The node's split-brain protection. */
    ServerQuorum quorum() {
        return quorum;
    }

    /**
     * On a server stopped on purpose, first announces its departure (the others stop expecting it); then discards
     * the open write sessions and stops the maintenance and metadata-watch threads.
     */
    void close() {
        if (server && !Departures.announce(ignite, DEPARTURE_WAIT) && log().isInfoEnabled())
            log().info("Spillway announced no departure of this server (it is failing, or the announcement did not "
                + "come back within " + DEPARTURE_WAIT.toSeconds() + " s): the others keep expecting it");
        Parts p = parts;
        if (p != null && p.sessions != null) {
            try {
                p.sessions.discardAll();
            }
            catch (RuntimeException e) {
                log().warning("Could not discard the open thin-client write sessions; their claims lapse: " + e);
            }
        }
        stop(scrubber);
        stop(rebalanceGate);
        stop(metadataWatch);
        stop(maintenance);
        PrometheusEndpoint e = endpoint;
        if (e != null) {
            registry.remove(e.registry());
            e.close();
        }
    }

    private static void stop(ScheduledExecutorService executor) {
        if (executor == null)
            return;
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public MeterRegistry meterRegistry() {
        parts();
        return registry;
    }

    @Override
    public EmbeddedCheckpointStore store() {
        return parts().store;
    }

    @Override
    public CheckpointEngine engine() {
        return parts().engine;
    }

    @Override
    public WriteSessions writeSessions() {
        return serverParts().sessions;
    }

    @Override
    public ThinChunks thinChunks() {
        return serverParts().thinChunks;
    }

    @Override
    public CapacityLedger ledger() {
        return serverParts().ledger;
    }

    @Override
    public CatalogBytes catalogBytes() {
        return parts().engine.localCatalogBytes();
    }

    @Override
    public boolean metadataHasRoom() {
        return metadata.hasRoom();
    }

    /**
     * Runs {@code task} on this node's maintenance thread, after what is queued there; on a client node (which
     * has none), or once the node stops, runs it here.
     */
    private void background(Runnable task) {
        ScheduledExecutorService m = maintenance;
        if (m == null || m.isShutdown()) {
            task.run();
            return;
        }
        try {
            m.execute(task);
        }
        catch (RejectedExecutionException e) {
            task.run();
        }
    }

    private Parts parts() {
        Parts p = parts;
        if (p == null) {
            synchronized (this) {
                if (parts == null)
                    parts = new Parts();
                p = parts;
            }
        }
        return p;
    }

    private Parts serverParts() {
        if (!server)
            throw new IllegalStateException("Node " + ignite.name() + " is a client: it holds no checkpoint region");
        return parts();
    }

    private IgniteLogger log() {
        return ignite.log().getLogger(NodeRuntime.class);
    }

    private long regionUsed() {
        return regionUsed(Layout.CHECKPOINT_REGION);
    }

    private long regionUsed(String region) {
        DataRegionMetrics metrics = ignite.dataRegionMetrics(region);
        if (metrics == null)
            throw new IllegalStateException("Node " + ignite.name() + " has no " + region + " region");
        return metrics.getTotalUsedSize();
    }
}
