package dev.spillway;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.ignite.plugin.PluginConfiguration;

/**
 * Settings of the Spillway plugin, given to a node through {@code IgniteConfiguration.setPluginConfigurations}
 * or the {@link dev.spillway.plugin.SpillwayPluginProvider} constructor. Checked once, at node start, by
 * {@link #validate()}: every bad property is reported at once, with its value and what is allowed.
 *
 * <p>Every node of a cluster must use the same values for the properties in {@link #clusterWide()}; a node whose
 * values differ is refused at join. The clock and the maintenance interval are local to a node.
 */
public class SpillwayConfiguration implements PluginConfiguration {
    /**
     * Ignite refuses data regions smaller than this: the least {@code regionMaxSize} and
     * {@code metadataRegionSize}.
     */
    public static final long MIN_REGION_SIZE = 10L << 20;
    public static final long DFLT_REGION_MAX_SIZE = 512L << 20;
    /**
     * The high-water mark of a node whose configuration leaves it unset, where its region's pages leave more: the
     * node takes the less of this and what they leave.
     */
    public static final double DFLT_HIGH_WATER_MARK = 0.8;
    /**
     * The failover limit of a node whose configuration leaves it unset, where its region's pages leave more: the
     * node takes the less of this and what they leave.
     */
    public static final double DFLT_FAILOVER_LIMIT = 0.97;
    /**
     * What {@code highWaterMark} and {@code failoverLimit} allow here: above 0, at most 1. A server node allows at
     * most the part of its region Ignite can fill before it runs out of pages, which depends on the region's size
     * and the node's page size, and refuses to start otherwise.
     */
    public static final String FRACTION_RANGE = "(0, 1]";
    public static final int DFLT_CHUNK_SIZE = 1 << 20;
    public static final int MIN_CHUNK_SIZE = 16 << 10;
    public static final int MAX_CHUNK_SIZE = 64 << 20;
    public static final int DFLT_BACKUPS = 1;
    public static final int MIN_BACKUPS = 0;
    public static final int DFLT_RETENTION = 2;
    public static final int MIN_RETENTION = 1;
    public static final Duration DFLT_LEASE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DFLT_PARTITIONS = 128;
    public static final int MIN_PARTITIONS = 1;
    public static final int MAX_PARTITIONS = 65_000;
    public static final long DFLT_METADATA_REGION_SIZE = 40L << 20;
    public static final Duration DFLT_MAINTENANCE_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DFLT_OPERATION_TIMEOUT = Duration.ofSeconds(30);
    public static final int DFLT_SCRUB_RATE = 16;
    /** The metrics endpoint's port when none is set: 0, no endpoint. */
    public static final int DFLT_METRICS_PORT = 0;
    public static final int MAX_PORT = 65_535;
    public static final int DFLT_METRICS_APPLICATIONS = 50;
    public static final Compression DFLT_COMPRESSION = Compression.LZ4;
    public static final double DFLT_COMPRESSION_MIN_SAVING = 0.1;
    /** What {@link #getCompressionMinSaving()} allows. */
    public static final String SAVING_RANGE = "[0, 1)";
    /** How {@link #clusterWide()} shows a limit that is not set. */
    private static final String UNSET = "unset";

    private long regionMaxSize = DFLT_REGION_MAX_SIZE;
    /** Null until set: unset, a node takes the default or less (see {@link #getHighWaterMark()}). */
    private Double highWaterMark;
    /** Null until set, as {@link #highWaterMark}. */
    private Double failoverLimit;
    private int chunkSize = DFLT_CHUNK_SIZE;
    private int backups = DFLT_BACKUPS;
    private int retention = DFLT_RETENTION;
    private Duration leaseTimeout = DFLT_LEASE_TIMEOUT;
    private int partitions = DFLT_PARTITIONS;
    private long metadataRegionSize = DFLT_METADATA_REGION_SIZE;
    private Duration maintenanceInterval = DFLT_MAINTENANCE_INTERVAL;
    private Duration operationTimeout = DFLT_OPERATION_TIMEOUT;
    private int scrubRate = DFLT_SCRUB_RATE;
    private int metricsPort = DFLT_METRICS_PORT;
    private int metricsApplications = DFLT_METRICS_APPLICATIONS;
    private boolean deduplication = true;
    private Compression compression = DFLT_COMPRESSION;
    private double compressionMinSaving = DFLT_COMPRESSION_MIN_SAVING;
    /** Null until set: no security file, an open cluster. */
    private String securityFile;
    private Clock clock = Clock.systemUTC();

    /** Maximum size of the checkpoint data region on each server node, in bytes. Default 512 MB; at least 10 MB. */
    public long getRegionMaxSize() {
        return regionMaxSize;
    }

    public SpillwayConfiguration setRegionMaxSize(long regionMaxSize) {
        this.regionMaxSize = regionMaxSize;
        return this;
    }

    /**
     * Fraction of the checkpoint region Spillway may fill, in (0, 1], and on a server node at most the part of its
     * region Ignite can fill before it runs out of pages (a node set above that refuses to start, naming it).
     * Default 0.8 (what this returns while unset); a server node that leaves it unset takes the less of 0.8 and
     * that part, rounded down to two decimals. The rest absorbs page overhead; Ignite halts a node whose in-memory
     * region fills up.
     */
    public double getHighWaterMark() {
        return highWaterMark == null ? DFLT_HIGH_WATER_MARK : highWaterMark;
    }

    public SpillwayConfiguration setHighWaterMark(double highWaterMark) {
        this.highWaterMark = highWaterMark;
        return this;
    }

    /** Whether {@link #setHighWaterMark} was called, with whatever value, the default's included. */
    public boolean isHighWaterMarkSet() {
        return highWaterMark != null;
    }

    /**
     * Fraction of its checkpoint region no node may reach, after the loss of any one other node and the rebalance
     * that follows included, in (0, 1], and on a server node at most the part of its region Ignite can fill before
     * it runs out of pages (a node set above that refuses to start, naming it). Default 0.97 (what this returns
     * while unset); a server node that leaves it unset takes the less of 0.97 and that part, rounded down to two
     * decimals (0.92 for 64 MB of 16 KB pages). With backups, admission refuses what would break it, each survivor
     * held to its own node's limit: an Ignite in-memory region that fills halts its node, and in a measured
     * rebalance survivors lived at 99.7%.
     */
    public double getFailoverLimit() {
        return failoverLimit == null ? DFLT_FAILOVER_LIMIT : failoverLimit;
    }

    public SpillwayConfiguration setFailoverLimit(double failoverLimit) {
        this.failoverLimit = failoverLimit;
        return this;
    }

    /** Whether {@link #setFailoverLimit} was called, with whatever value, the default's included. */
    public boolean isFailoverLimitSet() {
        return failoverLimit != null;
    }

    /** Size of the chunks a state is cut into, in bytes. Default 1 MB; 16 KB to 64 MB. */
    public int getChunkSize() {
        return chunkSize;
    }

    public SpillwayConfiguration setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
        return this;
    }

    /** Backup copies of every chunk and manifest, each on another node. Default 1; at least {@value #MIN_BACKUPS}. */
    public int getBackups() {
        return backups;
    }

    public SpillwayConfiguration setBackups(int backups) {
        this.backups = backups;
        return this;
    }

    /**
     * Committed checkpoints kept per application; older ones are deleted after a newer commit. Default 2; at least
     * {@value #MIN_RETENTION}.
     */
    public int getRetention() {
        return retention;
    }

    public SpillwayConfiguration setRetention(int retention) {
        this.retention = retention;
        return this;
    }

    /**
     * How long a reservation (lease) and an unfinished checkpoint live without being renewed. A writer renews both
     * while it writes; a writer that dies or stalls longer loses them and its partial chunks are reclaimed.
     * Default 60 s; greater than zero.
     */
    public Duration getLeaseTimeout() {
        return leaseTimeout;
    }

    public SpillwayConfiguration setLeaseTimeout(Duration leaseTimeout) {
        this.leaseTimeout = leaseTimeout;
        return this;
    }

    /** Partitions of the chunk cache. Default 128; 1 to 65000. More partitions spread spill and backups finer. */
    public int getPartitions() {
        return partitions;
    }

    public SpillwayConfiguration setPartitions(int partitions) {
        this.partitions = partitions;
        return this;
    }

    /** Maximum size of the small region holding manifests, in bytes. Default 40 MB; at least 10 MB. */
    public long getMetadataRegionSize() {
        return metadataRegionSize;
    }

    public SpillwayConfiguration setMetadataRegionSize(long metadataRegionSize) {
        this.metadataRegionSize = metadataRegionSize;
        return this;
    }

    /**
     * How often a server node expires lapsed leases and reclaims abandoned checkpoints. Default 1 s; greater than
     * zero.
     */
    public Duration getMaintenanceInterval() {
        return maintenanceInterval;
    }

    public SpillwayConfiguration setMaintenanceInterval(Duration maintenanceInterval) {
        this.maintenanceInterval = maintenanceInterval;
        return this;
    }

    /**
     * The longest one step of a save or restore may wait on another node: a chunk read, a catalog update, a call to
     * a peer's ledger, the admission lock. A node that stops answering (a long GC pause, a frozen process) makes
     * the step fail with {@link OperationTimeoutException}, naming the node and the step, instead of stalling the
     * writer for good. Default 30 s; greater than 0. Local to a node: a thick client may set its own.
     */
    public Duration getOperationTimeout() {
        return operationTimeout;
    }

    public SpillwayConfiguration setOperationTimeout(Duration operationTimeout) {
        this.operationTimeout = operationTimeout;
        return this;
    }

    /**
     * How fast each server node verifies, in the background, the chunk copies it holds against their checkpoints'
     * CRC32C, in MB/s (a damaged copy is written again from a healthy one; see {@link ScrubReport}). Default 16;
     * 0 turns the background scrub off ({@link SpillwayPlugin#scrub()} still runs a pass on demand). Local to a node.
     */
    public int getScrubRate() {
        return scrubRate;
    }

    public SpillwayConfiguration setScrubRate(int scrubRate) {
        this.scrubRate = scrubRate;
        return this;
    }

    /**
     * Whether a save hashes each chunk and names, instead of storing again, a chunk whose content the application's
     * latest checkpoint (or the save itself) holds already. Default true. Off, a save stores every chunk and hashes
     * none: for states that never repeat a chunk, it saves the hashing (about 6 GB/s of one core).
     */
    public boolean isDeduplication() {
        return deduplication;
    }

    public SpillwayConfiguration setDeduplication(boolean deduplication) {
        this.deduplication = deduplication;
        return this;
    }

    /**
     * How the chunks a writer stores are compressed: {@link Compression#LZ4} (the default), {@link Compression#ZSTD}
     * or {@link Compression#NONE}. Each chunk on its own, kept compressed only when that saves at least
     * {@link #getCompressionMinSaving()}; readers decode whatever they find, so changing it affects new saves only.
     * The writer compresses: a thin client before it sends, so compressed bytes are also what travels.
     */
    public Compression getCompression() {
        return compression;
    }

    public SpillwayConfiguration setCompression(Compression compression) {
        this.compression = compression;
        return this;
    }

    /**
     * The least fraction of a chunk compression must save for the chunk to be stored compressed, in [0, 1); a chunk
     * that shrinks less is stored as it is. Default 0.1.
     */
    public double getCompressionMinSaving() {
        return compressionMinSaving;
    }

    public SpillwayConfiguration setCompressionMinSaving(double compressionMinSaving) {
        this.compressionMinSaving = compressionMinSaving;
        return this;
    }

    /**
     * The port on which a server node serves its meters to Prometheus ({@code http://HOST:PORT/metrics}, in
     * Prometheus' text format; HOST is the node's local host, or every interface when it has none). Default 0: no
     * endpoint (the meters are still kept, in the registry {@link SpillwayPlugin#meterRegistry()} returns). Local
     * to a node.
     */
    public int getMetricsPort() {
        return metricsPort;
    }

    public SpillwayConfiguration setMetricsPort(int metricsPort) {
        this.metricsPort = metricsPort;
        return this;
    }

    /**
     * How many distinct applications a node's per-application meters name; the saves and restores of any further
     * application are tagged {@code application=other}, so the number of time series stays bounded. Default 50.
     * Local to a node.
     */
    public int getMetricsApplications() {
        return metricsApplications;
    }

    public SpillwayConfiguration setMetricsApplications(int metricsApplications) {
        this.metricsApplications = metricsApplications;
        return this;
    }

    /** The clock leases and unfinished checkpoints expire by. Default the system UTC clock; a seam for tests. */
    /**
     * The node's security file: its own identity and password, and on server nodes the identities the cluster
     * accepts with what each may do. Default: none, an open cluster, where anyone who reaches a node's ports may
     * read, write and delete every application's checkpoints (see the README's Security section). Every node of a
     * cluster has one or none does: Ignite refuses a node whose security differs from the cluster's.
     */
    public String getSecurityFile() {
        return securityFile;
    }

    public SpillwayConfiguration setSecurityFile(String securityFile) {
        this.securityFile = securityFile;
        return this;
    }

    public Clock getClock() {
        return clock;
    }

    public SpillwayConfiguration setClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /**
     * Bytes of the checkpoint region Spillway may fill: {@code regionMaxSize * highWaterMark} (with the default
     * while the high-water mark is unset; a server node's own budget, in its capacity report, may be less).
     */
    public long budget() {
        return (long)(regionMaxSize * getHighWaterMark());
    }

    /**
     * Bytes of the checkpoint region no node may reach after the loss of another: {@code regionMaxSize *
     * failoverLimit}.
     */
    public long failoverBytes() {
        return (long)(regionMaxSize * getFailoverLimit());
    }

    /**
     * Every problem with this configuration, each naming the property, its value, what is wrong and what is allowed
     * (the bounds are this class's {@code MIN_...} and {@code MAX_...} constants). Empty when the configuration is
     * valid.
     */
    public List<ConfigurationProblem> problems() {
        List<ConfigurationProblem> problems = new ArrayList<>();
        regionSize(problems, "spillway.regionMaxSize", regionMaxSize);
        fraction(problems, "spillway.highWaterMark", getHighWaterMark());
        fraction(problems, "spillway.failoverLimit", getFailoverLimit());
        String chunk = Bytes.format(chunkSize);
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE) {
            String range = Bytes.format(MIN_CHUNK_SIZE) + " to " + Bytes.format(MAX_CHUNK_SIZE);
            problems.add(new ConfigurationProblem("spillway.chunkSize", chunk, "is outside " + range, range));
        }
        else if (regionMaxSize >= MIN_REGION_SIZE && getHighWaterMark() > 0 && chunkSize > budget()) {
            String budget = "the region budget " + Bytes.format(budget()) + " (regionMaxSize * highWaterMark)";
            problems.add(new ConfigurationProblem("spillway.chunkSize", chunk, "is larger than " + budget,
                "at most " + budget));
        }
        if (backups < MIN_BACKUPS)
            atLeast(problems, "spillway.backups", backups, "is negative", MIN_BACKUPS);
        if (retention < MIN_RETENTION)
            atLeast(problems, "spillway.retention", retention, "keeps no checkpoint", MIN_RETENTION);
        positive(problems, "spillway.leaseTimeout", leaseTimeout);
        if (partitions < MIN_PARTITIONS || partitions > MAX_PARTITIONS) {
            String range = MIN_PARTITIONS + " to " + MAX_PARTITIONS;
            problems.add(new ConfigurationProblem("spillway.partitions", Integer.toString(partitions),
                "is outside " + range, range));
        }
        regionSize(problems, "spillway.metadataRegionSize", metadataRegionSize);
        positive(problems, "spillway.maintenanceInterval", maintenanceInterval);
        positive(problems, "spillway.operationTimeout", operationTimeout);
        if (scrubRate < 0)
            atLeast(problems, "spillway.scrubRate", scrubRate, "is negative", 0);
        if (metricsPort < 0 || metricsPort > MAX_PORT) {
            String range = "0 (no endpoint) to " + MAX_PORT;
            problems.add(new ConfigurationProblem("spillway.metricsPort", Integer.toString(metricsPort),
                "is outside " + range, range));
        }
        if (metricsApplications < 0)
            atLeast(problems, "spillway.metricsApplications", metricsApplications, "is negative", 0);
        if (compression == null)
            problems.add(new ConfigurationProblem("spillway.compression", "null", "is missing; allowed: "
                + java.util.Arrays.toString(Compression.values()), java.util.Arrays.toString(Compression.values())));
        if (!(compressionMinSaving >= 0 && compressionMinSaving < 1))
            problems.add(new ConfigurationProblem("spillway.compressionMinSaving", Double.toString(compressionMinSaving),
                "is outside " + SAVING_RANGE, SAVING_RANGE));
        if (clock == null)
            problems.add(new ConfigurationProblem("spillway.clock", "null", "is missing; allowed: any java.time.Clock",
                "any java.time.Clock"));
        return problems;
    }

    private static void regionSize(List<ConfigurationProblem> problems, String property, long size) {
        if (size < MIN_REGION_SIZE)
            problems.add(new ConfigurationProblem(property, Bytes.format(size),
                "is below Ignite's " + Bytes.format(MIN_REGION_SIZE) + " minimum",
                "at least " + Bytes.format(MIN_REGION_SIZE)));
    }

    private static void fraction(List<ConfigurationProblem> problems, String property, double fraction) {
        if (!(fraction > 0 && fraction <= 1))
            problems.add(new ConfigurationProblem(property, Double.toString(fraction), "is outside " + FRACTION_RANGE,
                FRACTION_RANGE));
    }

    private static void atLeast(List<ConfigurationProblem> problems, String property, int value, String reason,
                                int min) {
        String allowed = min + " or more";
        problems.add(new ConfigurationProblem(property, Integer.toString(value), reason + "; allowed: " + allowed,
            allowed));
    }

    private static void positive(List<ConfigurationProblem> problems, String property, Duration duration) {
        if (duration == null || duration.isNegative() || duration.isZero())
            problems.add(new ConfigurationProblem(property, String.valueOf(duration),
                "is not positive; allowed: greater than 0", "greater than 0"));
    }

    /**
     * Checks every property.
     *
     * @throws InvalidArgumentException naming every bad property, its value and what is allowed
     */
    public SpillwayConfiguration validate() {
        List<ConfigurationProblem> problems = problems();
        if (!problems.isEmpty()) {
            throw new InvalidArgumentException(
                String.join(",", problems.stream().map(ConfigurationProblem::property).toList()),
                "Invalid Spillway configuration: "
                    + String.join("; ", problems.stream().map(ConfigurationProblem::message).toList()));
        }
        return this;
    }

    /**
     * The properties every node of a cluster must agree on, by name, in a stable order, as configured: the
     * high-water mark and the failover limit are {@code unset} until set (set to the default is not the same).
     *
     * <p>The page size is not among them. Left unset, the two limits follow each server's own page size, and
     * each server checks a limit set explicitly against its own region; each server states its budget and its
     * failover limit in bytes with its ledger, and admission holds each survivor to its own node's limit. So
     * servers whose page sizes differ each get limits their own regions can keep, and a client (which has no
     * region, and often another page size) need not know theirs.
     */
    public Map<String, String> clusterWide() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("regionMaxSize", Long.toString(regionMaxSize));
        props.put("highWaterMark", highWaterMark == null ? UNSET : Double.toString(highWaterMark));
        props.put("failoverLimit", failoverLimit == null ? UNSET : Double.toString(failoverLimit));
        props.put("chunkSize", Integer.toString(chunkSize));
        props.put("backups", Integer.toString(backups));
        props.put("retention", Integer.toString(retention));
        props.put("leaseTimeout", String.valueOf(leaseTimeout));
        props.put("partitions", Integer.toString(partitions));
        props.put("metadataRegionSize", Long.toString(metadataRegionSize));
        props.put("deduplication", Boolean.toString(deduplication));
        props.put("compression", String.valueOf(compression));
        props.put("compressionMinSaving", Double.toString(compressionMinSaving));
        return props;
    }

    /** A copy with the same settings; a limit unset here is unset in the copy. */
    public SpillwayConfiguration copy() {
        SpillwayConfiguration copy = new SpillwayConfiguration()
            .setRegionMaxSize(regionMaxSize).setChunkSize(chunkSize)
            .setBackups(backups).setRetention(retention).setLeaseTimeout(leaseTimeout).setPartitions(partitions)
            .setMetadataRegionSize(metadataRegionSize).setMaintenanceInterval(maintenanceInterval)
            .setOperationTimeout(operationTimeout).setScrubRate(scrubRate).setMetricsPort(metricsPort)
            .setMetricsApplications(metricsApplications).setClock(clock).setSecurityFile(securityFile)
            .setCompression(compression).setCompressionMinSaving(compressionMinSaving).setDeduplication(deduplication);
        copy.highWaterMark = highWaterMark;
        copy.failoverLimit = failoverLimit;
        return copy;
    }

    @Override
    public String toString() {
        return "SpillwayConfiguration " + clusterWide();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpillwayConfiguration other && clusterWide().equals(other.clusterWide())
            && Objects.equals(maintenanceInterval, other.maintenanceInterval)
            && Objects.equals(operationTimeout, other.operationTimeout) && scrubRate == other.scrubRate
            && metricsPort == other.metricsPort && metricsApplications == other.metricsApplications
            && Objects.equals(clock, other.clock) && Objects.equals(securityFile, other.securityFile);
    }

    @Override
    public int hashCode() {
        return clusterWide().hashCode();
    }
}
