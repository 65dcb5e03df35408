package dev.spillway.internal.ignite;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.IgniteException;
import org.apache.ignite.cache.affinity.AffinityFunctionContext;
import org.apache.ignite.cache.affinity.rendezvous.RendezvousAffinityFunction;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.events.DiscoveryEvent;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.cache.CacheGroupContext;
import org.apache.ignite.internal.processors.cache.GridCacheContext;
import org.apache.ignite.internal.processors.cache.IgniteInternalCache;
import org.apache.ignite.internal.processors.cache.KeyCacheObject;
import org.apache.ignite.internal.processors.cache.persistence.CacheDataRowAdapter;
import org.apache.ignite.internal.processors.cache.distributed.dht.topology.GridDhtLocalPartition;
import org.apache.ignite.internal.processors.cache.distributed.dht.topology.GridDhtPartitionState;
import org.apache.ignite.internal.processors.cache.distributed.dht.topology.GridDhtPartitionTopology;
import org.apache.ignite.internal.util.lang.GridCloseableIterator;
import org.apache.ignite.internal.util.lang.GridCursor;
import org.apache.ignite.spi.systemview.view.SystemViewRowAttributeWalker;
import org.apache.ignite.internal.processors.affinity.AffinityTopologyVersion;

/**
 * The one place Spillway touches Ignite internals, so an Ignite upgrade changes one file.
 *
 * <p>{@link #assignment} predicts the owners of every partition for a topology that does not exist (yet): the stock
 * rendezvous function is deterministic (the hash uses each node's consistent id), and on 2.17 it reads only the
 * topology snapshot and the backup count from its context. Measured here: the prediction matched the real owners
 * after a node was killed and the cluster rebalanced, for every partition, with 128 and 1024 partitions.
 *
 * <p>Public for {@code internal.capacity}, which predicts the owners after a loss with it, and {@code
 * internal.store}, which sweeps chunks by their keys. Not API: see {@code dev.spillway.internal}.
 */
public final class IgniteAdapter {
    private IgniteAdapter() {
    }

    /**
     * The version of the assignment {@code Ignite.affinity(cache)} answers with on node {@code ignite} now, as one
     * comparable number: the topology version (changed by every join and leave) and its minor version (changed when
     * the partitions a join moves reach their new owners, its rebalance over). The public topology version alone
     * misses the second; so does the exchange's ready version, which was seen to lag behind the cache's assignment
     * (OwnersFollowAffinityIT). Where the cache has not started on this node, the exchange's ready version.
     */
    public static long affinityVersion(Ignite ignite, String cache) {
        IgniteEx ex = (IgniteEx)ignite;
        IgniteInternalCache<?, ?> c = ex.cachex(cache);
        AffinityTopologyVersion v = c != null ? c.context().affinity().affinityTopologyVersion()
            : ex.context().cache().context().exchange().readyAffinityVersion();
        return (v.topologyVersion() << 20) | (v.minorTopologyVersion() & 0xFFFFF);
    }

    /**
     * The nodes whose copy of each partition of {@code cache} is OWNING (complete and served), as node
     * {@code ignite}'s partition map reads now; null where the cache has not started on this node. After a loss,
     * Ignite maps a partition at once to the owners it will end with, a new backup included while its copy is
     * still MOVING (only a new primary waits for its copy to be complete): the assignment alone does not tell
     * which copies a rebalance is still bringing; the states do.
     */
    public static UUID[][] owning(Ignite ignite, String cache) {
        IgniteInternalCache<?, ?> c = ((IgniteEx)ignite).cachex(cache);
        if (c == null)
            return null;
        GridDhtPartitionTopology top = c.context().topology();
        int partitions = c.context().affinity().partitions();
        UUID[][] owning = new UUID[partitions][];
        for (int p = 0; p < partitions; p++)
            owning[p] = top.owners(p).stream().map(ClusterNode::id).toArray(UUID[]::new);
        return owning;
    }

    /**
     * Which of {@code keys} this node stores a copy of in a partition it keeps: OWNING, or MOVING towards it (a copy
     * a rebalance's clearing keeps, as it keeps every row a streamer's receiver wrote). A copy in a partition this
     * node is giving up (RENTING, EVICTED) or cannot reserve is not counted. Looks the keys up in the partitions'
     * trees without reading the values: a chunk is up to megabytes, and a look at every copy at every commit must
     * not copy them out of their pages.
     */
    public static <K> Set<K> storedKeys(Ignite ignite, String cache, Collection<K> keys) {
        Set<K> stored = new HashSet<>();
        IgniteInternalCache<?, ?> c = ((IgniteEx)ignite).cachex(cache);
        if (c == null)
            return stored;
        GridCacheContext<?, ?> cctx = c.context();
        for (K key : keys) {
            KeyCacheObject k = cctx.toCacheKeyObject(key);
            GridDhtLocalPartition local = cctx.topology().localPartition(cctx.affinity().partition(k));
            if (local == null || !local.reserve())
                continue;
            try {
                GridDhtPartitionState state = local.state();
                if (state != GridDhtPartitionState.OWNING && state != GridDhtPartitionState.MOVING)
                    continue;
                GridCursor<?> row = local.dataStore().cursor(cctx.cacheId(), k, k,
                    CacheDataRowAdapter.RowData.KEY_ONLY);
                if (row.next())
                    stored.add(key);
            }
            catch (IgniteCheckedException e) {
                throw new IgniteException("Looking up " + key + " in partition " + local.id() + " of " + cache
                    + " failed", e);
            }
            finally {
                local.release();
            }
        }
        return stored;
    }

    /**
     * Whether starting a rebalance of {@code cache} now by hand ({@code IgniteCache.rebalance()}) could disturb
     * another cache: a forced rebalance is one exchange-worker task for every cache group of the node, and a group
     * whose own rebalance is under way then has it cancelled and started again, its moving partitions cleared while
     * updates reach them. That once ended in Ignite's critical failure handler ("Maximum number of retries 1000
     * reached for Invoke operation (the tree may be corrupted)", Spillway's admission cache, in a full build).
     * True while an exchange is in progress or any other group on this node is rebalancing.
     */
    public static boolean rebalancesUnderWay(Ignite ignite, String cache) {
        IgniteEx ex = (IgniteEx)ignite;
        if (!ex.context().cache().context().exchange().lastTopologyFuture().isDone())
            return true;
        IgniteInternalCache<?, ?> own = ex.cachex(cache);
        int ownGroup = own == null ? 0 : own.context().groupId();
        for (CacheGroupContext grp : ex.context().cache().cacheGroups()) {
            if (grp.groupId() != ownGroup && grp.affinityNode() && !grp.preloader().rebalanceFuture().isDone())
                return true;
        }
        return false;
    }

    /**
     * A column of a system view: its attribute name in camel case (SQL shows {@code checkpointId} as
     * {@code CHECKPOINT_ID}), its type ({@code long.class}, {@code int.class}, {@code boolean.class}, {@code
     * double.class}, or a class such as {@code String} or {@code java.util.Date}) and its value in a row.
     */
    public record ViewColumn<R>(String name, Class<?> type, Function<R, ?> value) {
    }

    /**
     * Registers a system view on node {@code ignite}: Ignite shows it as {@code SYS.<NAME>} to SQL (its JDBC and ODBC
     * drivers, sqlline; where the node has a query engine, {@code ignite-indexing} or {@code ignite-calcite}) and
     * over JMX. {@code rows} is read at every query, on the node queried.
     *
     * @param name the view's name in camel case, dots allowed ({@code spillway.checkpoints} is SQL's
     *     {@code SPILLWAY_CHECKPOINTS})
     */
    public static <R> void registerView(Ignite ignite, String name, String description, List<ViewColumn<R>> columns,
                                        Supplier<Collection<R>> rows) {
        ((IgniteEx)ignite).context().systemView().registerView(name, description, new ColumnWalker<>(columns), rows,
            Function.identity());
    }

    /** Walks a row of a registered view column by column, as Ignite's exporters read it. */
    private record ColumnWalker<R>(List<ViewColumn<R>> columns) implements SystemViewRowAttributeWalker<R> {
        @Override
        public int count() {
            return columns.size();
        }

        @Override
        public void visitAll(AttributeVisitor visitor) {
            for (int i = 0; i < columns.size(); i++)
                visitor.accept(i, columns.get(i).name(), columns.get(i).type());
        }

        @Override
        @SuppressWarnings("unchecked")
        public void visitAll(R row, AttributeWithValueVisitor visitor) {
            for (int i = 0; i < columns.size(); i++) {
                ViewColumn<R> c = columns.get(i);
                Object v = c.value().apply(row);
                if (c.type() == long.class)
                    visitor.acceptLong(i, c.name(), (Long)v);
                else if (c.type() == int.class)
                    visitor.acceptInt(i, c.name(), (Integer)v);
                else if (c.type() == boolean.class)
                    visitor.acceptBoolean(i, c.name(), (Boolean)v);
                else if (c.type() == double.class)
                    visitor.acceptDouble(i, c.name(), (Double)v);
                else
                    visitor.accept(i, c.name(), (Class<Object>)c.type(), v);
            }
        }
    }

    /**
     * The owners of each partition, primary first, that the stock rendezvous function assigns over {@code nodes}
     * (in any order) with {@code backups} backups.
     */
    public static List<List<ClusterNode>> assignment(List<ClusterNode> nodes, int partitions, int backups) {
        List<ClusterNode> snapshot = new ArrayList<>(nodes);
        snapshot.sort(Comparator.comparingLong(ClusterNode::order));
        AffinityFunctionContext ctx = new AffinityFunctionContext() {
            @Override
            public List<ClusterNode> previousAssignment(int part) {
                return null;
            }

            @Override
            public int backups() {
                return backups;
            }

            @Override
            public List<ClusterNode> currentTopologySnapshot() {
                return snapshot;
            }

            @Override
            public AffinityTopologyVersion currentTopologyVersion() {
                return AffinityTopologyVersion.NONE;
            }

            @Override
            public DiscoveryEvent discoveryEvent() {
                return null;
            }
        };
        return new RendezvousAffinityFunction(false, partitions).assignPartitions(ctx);
    }

    /**
     * Calls {@code action} with the key of every entry of {@code cache} in the partitions this node is primary for
     * now. Reads keys only: Ignite's key iterator leaves the values (chunks of megabytes) in their pages.
     *
     * <p>Each partition is reserved while it is read, and skipped unless this node owns it: a partition this node
     * is giving up after a rebalance is cleared, its pages freed, and an iterator walking it then fails inside
     * Ignite's B+tree, which Ignite takes for a corrupted tree and a critical failure (the node stops; seen with
     * the scrub's first, unreserved, walk).
     */
    public static <K> void forEachLocalPrimaryKey(Ignite ignite, String cache, Consumer<K> action) {
        IgniteInternalCache<?, ?> c = ((IgniteEx)ignite).cachex(cache);
        if (c == null)
            return;
        GridCacheContext<?, ?> cctx = c.context();
        for (int part : ignite.affinity(cache).primaryPartitions(ignite.cluster().localNode())) {
            GridDhtLocalPartition local = cctx.topology().localPartition(part);
            if (local == null || !local.reserve())
                continue;
            try {
                if (local.state() != GridDhtPartitionState.OWNING)
                    continue;
                try (GridCloseableIterator<KeyCacheObject> keys = cctx.offheap().cacheKeysIterator(cctx.cacheId(),
                    part)) {
                    while (keys.hasNext())
                        action.accept(keys.next().value(cctx.cacheObjectContext(), false));
                }
                catch (IgniteCheckedException e) {
                    throw new IgniteException("Reading the keys of partition " + part + " of " + cache + " failed",
                        e);
                }
            }
            finally {
                local.release();
            }
        }
    }
}
