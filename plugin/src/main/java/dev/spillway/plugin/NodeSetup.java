package dev.spillway.plugin;

import dev.spillway.ConfigurationProblem;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.CheckpointService;
import dev.spillway.internal.security.SecurityFile;
import dev.spillway.internal.service.CheckpointServiceImpl;
import dev.spillway.wire.Layout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.cache.CacheAtomicityMode;
import org.apache.ignite.cache.CacheKeyConfiguration;
import org.apache.ignite.cache.CacheMode;
import org.apache.ignite.cache.CacheWriteSynchronizationMode;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.configuration.CacheConfiguration;
import org.apache.ignite.configuration.DataPageEvictionMode;
import org.apache.ignite.configuration.DataRegionConfiguration;
import org.apache.ignite.configuration.DataStorageConfiguration;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.services.ServiceConfiguration;
import org.apache.ignite.util.AttributeNodeFilter;

/**
 * Adds Spillway's regions, caches, the checkpoint service thin clients call, and the node attribute to a server
 * node's configuration. Runs in {@code PluginProvider.initExtensions}, before Ignite creates regions and static
 * caches.
 */
final class NodeSetup {
    private NodeSetup() {
    }

    /**
     * The configuration this node runs with, checked. On a server node, {@code conf} with both limits set for its
     * checkpoint region's pages ({@link RegionPages#resolve}); on a client node, which holds no region, {@code conf}
     * itself (its limits are the servers' business: each server's ledger states its own).
     *
     * @throws IgniteCheckedException naming every problem with its value and what is allowed, a limit set above
     *     what the region's pages leave included
     */
    static SpillwayConfiguration effective(IgniteConfiguration cfg, SpillwayConfiguration conf, boolean server)
        throws IgniteCheckedException {
        SpillwayConfiguration effective = conf;
        List<ConfigurationProblem> problems = new ArrayList<>();
        if (server) {
            int pageSize = RegionPages.pageSize(cfg);
            effective = RegionPages.resolve(conf, pageSize);
            problems.addAll(effective.problems());
            problems.addAll(RegionPages.problems(conf, pageSize));
        }
        else
            problems.addAll(conf.problems());
        if (!problems.isEmpty()) {
            throw new IgniteCheckedException("Invalid Spillway configuration: "
                + String.join("; ", problems.stream().map(ConfigurationProblem::message).toList()));
        }
        return effective;
    }

    /**
     * The node's security file, read and checked, or null when {@code conf} names none (an open cluster).
     *
     * @throws IgniteCheckedException naming every problem of the file
     */
    static SecurityFile security(SpillwayConfiguration conf, boolean server) throws IgniteCheckedException {
        if (conf.getSecurityFile() == null)
            return null;
        SecurityFile file = SecurityFile.read(Path.of(conf.getSecurityFile()), server);
        if (!file.problems().isEmpty()) {
            throw new IgniteCheckedException("Invalid Spillway security file " + file.path() + ": "
                + String.join("; ", file.problems().stream().map(ConfigurationProblem::message).toList()));
        }
        return file;
    }

    /** Adds the regions, caches, service and attribute of {@code conf}, the node's {@link #effective} one. */
    static void apply(IgniteConfiguration cfg, SpillwayConfiguration conf) throws IgniteCheckedException {
        DataStorageConfiguration storage = cfg.getDataStorageConfiguration();
        if (storage == null) {
            storage = new DataStorageConfiguration();
            cfg.setDataStorageConfiguration(storage);
        }
        List<DataRegionConfiguration> regions = new ArrayList<>();
        if (storage.getDataRegionConfigurations() != null)
            regions.addAll(Arrays.asList(storage.getDataRegionConfigurations()));
        for (DataRegionConfiguration r : regions) {
            if (Layout.CHECKPOINT_REGION.equals(r.getName()) || Layout.METADATA_REGION.equals(r.getName()))
                throw new IgniteCheckedException("Data region " + r.getName() + " is defined in the node "
                    + "configuration, but Spillway defines it itself: remove it and set its size in "
                    + "SpillwayConfiguration");
        }
        regions.add(region(Layout.CHECKPOINT_REGION, conf.getRegionMaxSize()));
        regions.add(region(Layout.METADATA_REGION, conf.getMetadataRegionSize()));
        storage.setDataRegionConfigurations(regions.toArray(DataRegionConfiguration[]::new));

        List<CacheConfiguration<?, ?>> caches = new ArrayList<>();
        if (cfg.getCacheConfiguration() != null) {
            for (CacheConfiguration<?, ?> c : cfg.getCacheConfiguration())
                caches.add(c);
        }
        for (CacheConfiguration<?, ?> c : caches) {
            if (Layout.CHUNK_CACHE.equals(c.getName()) || Layout.CATALOG_CACHE.equals(c.getName())
                || Layout.ADMISSION_CACHE.equals(c.getName()))
                throw new IgniteCheckedException("Cache " + c.getName() + " is defined in the node configuration, "
                    + "but Spillway defines it itself: remove it");
        }
        caches.add(chunkCache(conf));
        caches.add(catalogCache(conf));
        caches.add(admissionCache(conf));
        cfg.setCacheConfiguration(caches.toArray(CacheConfiguration[]::new));

        List<ServiceConfiguration> services = new ArrayList<>();
        if (cfg.getServiceConfiguration() != null)
            services.addAll(Arrays.asList(cfg.getServiceConfiguration()));
        services.add(new ServiceConfiguration()
            .setName(CheckpointService.NAME)
            .setService(new CheckpointServiceImpl())
            .setMaxPerNodeCount(1)
            .setTotalCount(0)
            .setNodeFilter(new AttributeNodeFilter(Layout.SERVER_ATTRIBUTE, "true")));
        cfg.setServiceConfiguration(services.toArray(ServiceConfiguration[]::new));

        Map<String, Object> attrs = new HashMap<>();
        if (cfg.getUserAttributes() != null)
            attrs.putAll(cfg.getUserAttributes());
        attrs.put(Layout.SERVER_ATTRIBUTE, "true");
        cfg.setUserAttributes(attrs);
    }

    private static DataRegionConfiguration region(String name, long maxSize) {
        return new DataRegionConfiguration()
            .setName(name)
            .setInitialSize(maxSize)
            .setMaxSize(maxSize)
            .setPersistenceEnabled(false)
            .setPageEvictionMode(DataPageEvictionMode.DISABLED);
    }

    /** The chunk cache: the writer picks each chunk's partition, and so its primary node, through the key. */
    static CacheConfiguration<ChunkKey, byte[]> chunkCache(SpillwayConfiguration conf) {
        return new CacheConfiguration<ChunkKey, byte[]>(Layout.CHUNK_CACHE)
            .setCacheMode(CacheMode.PARTITIONED)
            .setAtomicityMode(CacheAtomicityMode.ATOMIC)
            .setBackups(conf.getBackups())
            // A commit must see every copy stored; a read must never be served by a backup that lags.
            .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
            .setReadFromBackup(false)
            // The stock function keeps thin-client partition awareness; the key's int field names the partition.
            .setAffinity(new RendezvousAffinityFunction(false, conf.getPartitions()))
            .setKeyConfiguration(new CacheKeyConfiguration(ChunkKey.class.getName(), ChunkKey.PARTITION_FIELD))
            // Rebalanced only when Spillway starts it, on each server once what arrives fits (RebalanceGate).
            .setRebalanceDelay(-1)
            .setDataRegionName(Layout.CHECKPOINT_REGION)
            .setNodeFilter(new AttributeNodeFilter(Layout.SERVER_ATTRIBUTE, "true"))
            .setCopyOnRead(false)
            .setStatisticsEnabled(false);
    }

    /** The catalog cache: one entry per application, updated atomically by entry processors. */
    static CacheConfiguration<String, Object> catalogCache(SpillwayConfiguration conf) {
        return new CacheConfiguration<String, Object>(Layout.CATALOG_CACHE)
            .setCacheMode(CacheMode.PARTITIONED)
            .setAtomicityMode(CacheAtomicityMode.ATOMIC)
            // Catalogs are tiny and losing one loses every checkpoint of an application (and its id sequence):
            // they keep a backup even when chunks have none.
            .setBackups(Math.max(1, conf.getBackups()))
            .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
            .setReadFromBackup(false)
            .setAffinity(new RendezvousAffinityFunction(false, Layout.CATALOG_PARTITIONS))
            .setDataRegionName(Layout.METADATA_REGION)
            .setNodeFilter(new AttributeNodeFilter(Layout.SERVER_ATTRIBUTE, "true"))
            .setStatisticsEnabled(false);
    }

    /**
     * The admission lock's cache: one entry, the holder of the lock writers with backups plan under. Atomic,
     * FULL_SYNC and backed up, so the holder survives the loss of a node (a holder whose node left is taken over).
     */
    static CacheConfiguration<String, Object> admissionCache(SpillwayConfiguration conf) {
        return new CacheConfiguration<String, Object>(Layout.ADMISSION_CACHE)
            .setCacheMode(CacheMode.PARTITIONED)
            .setAtomicityMode(CacheAtomicityMode.ATOMIC)
            .setBackups(Math.max(1, conf.getBackups()))
            .setWriteSynchronizationMode(CacheWriteSynchronizationMode.FULL_SYNC)
            .setReadFromBackup(false)
            .setAffinity(new RendezvousAffinityFunction(false, 1))
            .setDataRegionName(Layout.METADATA_REGION)
            .setNodeFilter(new AttributeNodeFilter(Layout.SERVER_ATTRIBUTE, "true"))
            .setStatisticsEnabled(false);
    }
}
