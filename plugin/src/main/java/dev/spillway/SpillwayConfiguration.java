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
    /** Ignite refuses data regions smaller than this. */
    public static final long MIN_REGION_SIZE = 10L << 20;
    public static final long DFLT_REGION_MAX_SIZE = 512L << 20;
    public static final double DFLT_HIGH_WATER_MARK = 0.8;
    public static final double DFLT_FAILOVER_LIMIT = 0.97;
    public static final int DFLT_CHUNK_SIZE = 1 << 20;
    public static final int MIN_CHUNK_SIZE = 16 << 10;
    public static final int MAX_CHUNK_SIZE = 64 << 20;
    public static final int DFLT_BACKUPS = 1;
    public static final int DFLT_RETENTION = 2;
    public static final Duration DFLT_LEASE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DFLT_PARTITIONS = 128;
    public static final int MAX_PARTITIONS = 65_000;
    public static final long DFLT_METADATA_REGION_SIZE = 40L << 20;
    public static final Duration DFLT_MAINTENANCE_INTERVAL = Duration.ofSeconds(1);

    private long regionMaxSize = DFLT_REGION_MAX_SIZE;
    private double highWaterMark = DFLT_HIGH_WATER_MARK;
    private double failoverLimit = DFLT_FAILOVER_LIMIT;
    private int chunkSize = DFLT_CHUNK_SIZE;
    private int backups = DFLT_BACKUPS;
    private int retention = DFLT_RETENTION;
    private Duration leaseTimeout = DFLT_LEASE_TIMEOUT;
    private int partitions = DFLT_PARTITIONS;
    private long metadataRegionSize = DFLT_METADATA_REGION_SIZE;
    private Duration maintenanceInterval = DFLT_MAINTENANCE_INTERVAL;
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
     * Fraction of the checkpoint region Spillway may fill, in (0, 1]. Default 0.8. The rest absorbs page overhead;
     * Ignite halts a node whose in-memory region fills up.
     */
    public double getHighWaterMark() {
        return highWaterMark;
    }

    public SpillwayConfiguration setHighWaterMark(double highWaterMark) {
        this.highWaterMark = highWaterMark;
        return this;
    }

    /**
     * Fraction of its checkpoint region no node may reach, after the loss of any one other node and the rebalance
     * that follows included, in (0, 1]. Default 0.97. With backups, admission refuses what would break it: an
     * Ignite in-memory region that fills halts its node, and in a measured rebalance survivors lived at 99.7%.
     */
    public double getFailoverLimit() {
        return failoverLimit;
    }

    public SpillwayConfiguration setFailoverLimit(double failoverLimit) {
        this.failoverLimit = failoverLimit;
        return this;
    }

    /** Size of the chunks a state is cut into, in bytes. Default 1 MB; 16 KB to 64 MB. */
    public int getChunkSize() {
        return chunkSize;
    }

    public SpillwayConfiguration setChunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
        return this;
    }

    /** Backup copies of every chunk and manifest, each on another node. Default 1; at least 0. */
    public int getBackups() {
        return backups;
    }

    public SpillwayConfiguration setBackups(int backups) {
        this.backups = backups;
        return this;
    }

    /** Committed checkpoints kept per application; older ones are deleted after a newer commit. Default 2. */
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

    /** How often a server node expires lapsed leases and reclaims abandoned checkpoints. Default 1 s. */
    public Duration getMaintenanceInterval() {
        return maintenanceInterval;
    }

    public SpillwayConfiguration setMaintenanceInterval(Duration maintenanceInterval) {
        this.maintenanceInterval = maintenanceInterval;
        return this;
    }

    /** The clock leases and unfinished checkpoints expire by. Default the system UTC clock; a seam for tests. */
    public Clock getClock() {
        return clock;
    }

    public SpillwayConfiguration setClock(Clock clock) {
        this.clock = clock;
        return this;
    }

    /** Bytes of the checkpoint region Spillway may fill: {@code regionMaxSize * highWaterMark}. */
    public long budget() {
        return (long)(regionMaxSize * highWaterMark);
    }

    /**
     * Every problem with this configuration, one message each, naming the property, its value and what is
     * allowed. Empty when the configuration is valid.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (regionMaxSize < MIN_REGION_SIZE)
            problems.add("spillway.regionMaxSize=" + Bytes.format(regionMaxSize) + " is below Ignite's "
                + Bytes.format(MIN_REGION_SIZE) + " minimum");
        if (!(highWaterMark > 0 && highWaterMark <= 1))
            problems.add("spillway.highWaterMark=" + highWaterMark + " is outside (0, 1]");
        if (!(failoverLimit > 0 && failoverLimit <= 1))
            problems.add("spillway.failoverLimit=" + failoverLimit + " is outside (0, 1]");
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE)
            problems.add("spillway.chunkSize=" + Bytes.format(chunkSize) + " is outside "
                + Bytes.format(MIN_CHUNK_SIZE) + " to " + Bytes.format(MAX_CHUNK_SIZE));
        else if (regionMaxSize >= MIN_REGION_SIZE && highWaterMark > 0 && chunkSize > budget())
            problems.add("spillway.chunkSize=" + Bytes.format(chunkSize) + " is larger than the region budget "
                + Bytes.format(budget()) + " (regionMaxSize * highWaterMark)");
        if (backups < 0)
            problems.add("spillway.backups=" + backups + " is negative; allowed: 0 or more");
        if (retention < 1)
            problems.add("spillway.retention=" + retention + " keeps no checkpoint; allowed: 1 or more");
        if (leaseTimeout == null || leaseTimeout.isNegative() || leaseTimeout.isZero())
            problems.add("spillway.leaseTimeout=" + leaseTimeout + " is not positive; allowed: greater than 0");
        if (partitions < 1 || partitions > MAX_PARTITIONS)
            problems.add("spillway.partitions=" + partitions + " is outside 1 to " + MAX_PARTITIONS);
        if (metadataRegionSize < MIN_REGION_SIZE)
            problems.add("spillway.metadataRegionSize=" + Bytes.format(metadataRegionSize) + " is below Ignite's "
                + Bytes.format(MIN_REGION_SIZE) + " minimum");
        if (maintenanceInterval == null || maintenanceInterval.isNegative() || maintenanceInterval.isZero())
            problems.add("spillway.maintenanceInterval=" + maintenanceInterval
                + " is not positive; allowed: greater than 0");
        if (clock == null)
            problems.add("spillway.clock=null; allowed: any java.time.Clock");
        return problems;
    }

    /**
     * Checks every property.
     *
     * @throws InvalidArgumentException naming every bad property, its value and what is allowed
     */
    public SpillwayConfiguration validate() {
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            List<String> names = problems.stream().map(p -> p.substring(0, p.indexOf('='))).toList();
            throw new InvalidArgumentException(String.join(",", names),
                "Invalid Spillway configuration: " + String.join("; ", problems));
        }
        return this;
    }

    /** The properties every node of a cluster must agree on, by name, in a stable order. */
    public Map<String, String> clusterWide() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("regionMaxSize", Long.toString(regionMaxSize));
        props.put("highWaterMark", Double.toString(highWaterMark));
        props.put("failoverLimit", Double.toString(failoverLimit));
        props.put("chunkSize", Integer.toString(chunkSize));
        props.put("backups", Integer.toString(backups));
        props.put("retention", Integer.toString(retention));
        props.put("leaseTimeout", String.valueOf(leaseTimeout));
        props.put("partitions", Integer.toString(partitions));
        props.put("metadataRegionSize", Long.toString(metadataRegionSize));
        return props;
    }

    /** A copy with the same settings. */
    public SpillwayConfiguration copy() {
        return new SpillwayConfiguration()
            .setRegionMaxSize(regionMaxSize).setHighWaterMark(highWaterMark).setFailoverLimit(failoverLimit)
            .setChunkSize(chunkSize)
            .setBackups(backups).setRetention(retention).setLeaseTimeout(leaseTimeout).setPartitions(partitions)
            .setMetadataRegionSize(metadataRegionSize).setMaintenanceInterval(maintenanceInterval).setClock(clock);
    }

    @Override
    public String toString() {
        return "SpillwayConfiguration " + clusterWide();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpillwayConfiguration other && clusterWide().equals(other.clusterWide())
            && Objects.equals(maintenanceInterval, other.maintenanceInterval) && Objects.equals(clock, other.clock);
    }

    @Override
    public int hashCode() {
        return clusterWide().hashCode();
    }
}
