package dev.spillway.plugin;

import dev.spillway.Bytes;
import dev.spillway.ConfigurationProblem;
import dev.spillway.SpillwayConfiguration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;

/**
 * How much of an in-memory data region Ignite can fill before it runs out of pages, and the limits a server
 * node's configuration may set on its checkpoint region accordingly.
 *
 * <p>Measured (README, "Ignite facts"): one node, puts until one fails, {@code getTotalUsedSize()} after the last
 * that succeeded over the region's size. 16 KB pages: 32 MB 0.872, 64 MB 0.929-0.937, 256 MB 0.983, 512 MB
 * 0.991, 1 GB 0.995; 8 KB pages: 128 MB 0.981; 4 KB pages: 32 MB 0.960, 64 MB 0.980, 256 MB 0.990. The model
 * below lies under every point: {@value #OVERHEAD_PAGES} pages and {@value #BYTES_PER_PAGE} bytes per page of the
 * region are never usable.
 */
final class RegionPages {
    /** Whole pages of a region that are never usable, whatever its size. */
    static final int OVERHEAD_PAGES = 300;
    /** Bytes per page of the region that are never usable. */
    static final int BYTES_PER_PAGE = 32;

    private RegionPages() {
    }

    /** Ignite's page size on node {@code cfg}: its storage configuration's, or Ignite's default (4 KB) for 0. */
    static int pageSize(IgniteConfiguration cfg) {
        DataStorageConfiguration storage = cfg.getDataStorageConfiguration();
        int pageSize = storage == null ? new DataStorageConfiguration().getPageSize() : storage.getPageSize();
        return pageSize == 0 ? DataStorageConfiguration.DFLT_PAGE_SIZE : pageSize;
    }

    /** The fraction of a region of {@code regionBytes} Ignite can fill with pages of {@code pageSize}. */
    static double usable(long regionBytes, int pageSize) {
        double unusable = (double)OVERHEAD_PAGES * pageSize + (double)BYTES_PER_PAGE * (regionBytes / pageSize);
        return 1 - unusable / regionBytes;
    }

    /** The most a limit may be on such a region: the usable fraction rounded down to two decimals. */
    static double limit(long regionBytes, int pageSize) {
        return Math.floor(usable(regionBytes, pageSize) * 100) / 100;
    }

    /**
     * The part of the usable metadata region that new claims may fill: the rest is room for the entries that
     * exist to grow (a claim's partitions, a manifest replacing it) after admission stopped new ones.
     */
    static final double METADATA_ADMISSION = 0.8;

    /** Metadata region bytes past which a node refuses new checkpoints' claims. */
    static long metadataLimit(long regionBytes, int pageSize) {
        return (long)(regionBytes * usable(regionBytes, pageSize) * METADATA_ADMISSION);
    }

    /**
     * The configuration a server node runs with: a copy of {@code conf} with both limits set, those left unset at
     * the less of their default and {@link #limit}, those set kept as set ({@link #problems} says whether they
     * fit).
     */
    static SpillwayConfiguration resolve(SpillwayConfiguration conf, int pageSize) {
        SpillwayConfiguration resolved = conf.copy();
        if (conf.getRegionMaxSize() < SpillwayConfiguration.MIN_REGION_SIZE)
            return resolved; // refused by the configuration's own problems, not given limits it never set
        double limit = limit(conf.getRegionMaxSize(), pageSize);
        if (!conf.isHighWaterMarkSet())
            resolved.setHighWaterMark(Math.min(SpillwayConfiguration.DFLT_HIGH_WATER_MARK, limit));
        if (!conf.isFailoverLimitSet())
            resolved.setFailoverLimit(Math.min(SpillwayConfiguration.DFLT_FAILOVER_LIMIT, limit));
        return resolved;
    }

    /**
     * The limits of {@code conf} set above {@link #limit} for its region on pages of {@code pageSize}; a limit left
     * unset is never one ({@link #resolve} keeps it within). Values
     * {@link SpillwayConfiguration#problems()} refuses already (outside (0, 1], a region below Ignite's minimum)
     * are left to it.
     */
    static List<ConfigurationProblem> problems(SpillwayConfiguration conf, int pageSize) {
        List<ConfigurationProblem> problems = new ArrayList<>();
        long region = conf.getRegionMaxSize();
        if (region < SpillwayConfiguration.MIN_REGION_SIZE)
            return problems;
        double limit = limit(region, pageSize);
        if (conf.isHighWaterMarkSet())
            aboveLimit(problems, "spillway.highWaterMark", conf.getHighWaterMark(), limit, region, pageSize);
        if (conf.isFailoverLimitSet())
            aboveLimit(problems, "spillway.failoverLimit", conf.getFailoverLimit(), limit, region, pageSize);
        return problems;
    }

    private static void aboveLimit(List<ConfigurationProblem> problems, String property, double value,
                                   double limit, long region, int pageSize) {
        if (!(value > limit && value <= 1))
            return;
        String allowed = "at most " + format(limit);
        problems.add(new ConfigurationProblem(property, Double.toString(value), "is above " + format(limit)
            + ", the part of a " + Bytes.format(region) + " region of " + Bytes.format(pageSize) + " pages Ignite "
            + "can fill before it runs out of pages (" + OVERHEAD_PAGES + " pages and " + BYTES_PER_PAGE
            + " bytes per page are page overhead); allowed: " + allowed, allowed));
    }

    private static String format(double fraction) {
        return String.format(Locale.ROOT, "%.2f", fraction);
    }
}
