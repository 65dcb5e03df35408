package dev.spillway.client;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.ClusterStatus;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.SpillwayException;
import dev.spillway.WorstLoss;
import dev.spillway.wire.ChunkAbsence;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Begun;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.Reply;
import dev.spillway.wire.Arguments;
import dev.spillway.wire.ChunkReader;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ignite.client.ClientException;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.client.events.ConnectionDescription;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * The checkpoint facade over the Ignite thin client, for applications that are not Ignite nodes. It behaves as
 * the facade on a node does ({@link dev.spillway.Spillway#store}): the same calls, guarantees and exceptions.
 *
 * <p>Chunk bytes travel straight between this process and the node that stores each chunk (thin-client partition
 * awareness, on by default and turned on by {@link #connect}); control calls (begin, placement of more chunks,
 * commit, list, delete, reports) go to the checkpoint service the plugin deploys on every server node. A state of
 * any size is streamed through a few chunks of memory.
 *
 * <p>The <em>home server</em> plays the part the local node plays for an embedded writer: placement fills its
 * partitions first. By default it is the server at the first address of the client configuration that answers;
 * {@link #connect(ClientConfiguration, String)} names it by consistent id or by {@code host:port}. When the home
 * server is gone, checkpoints begin on the server of the next address, or any server.
 *
 * <p>A call that runs out of the request timeout fails with {@link OperationTimeoutException}, naming the server
 * that held it. A server that stops answering holds the thin client's connection to it open, so the client then
 * opens a new thin client in the background (its connection attempt to that server fails at the handshake) and
 * retries go through it; readers and writers already open finish on the connections they began with.
 *
 * <p>Thread-safe; close it to close the thin clients it opened.
 */
public final class SpillwayClient implements CheckpointStore, AutoCloseable {
    /** Bytes of chunk puts a writer keeps in flight. */
    private static final int WRITE_AHEAD_BYTES = 16 << 20;
    /** Bytes of chunk gets a reader keeps in flight. */
    private static final int READ_AHEAD_BYTES = 8 << 20;

    /** The class of the exception the thin client wraps when its request timeout runs out. */
    private static final String IGNITE_FUTURE_TIMEOUT =
        "org.apache.ignite.internal.IgniteFutureTimeoutCheckedException";


    /**
     * Where the thin client completes chunk reads and puts, unless the configuration names an executor. Ignite's
     * default is the common fork-join pool, which has one thread on a two-core machine, and which the thin client
     * also uses to reconnect after a topology change: while a reconnection waits out a handshake with a frozen
     * server, no chunk call would complete, and every restore would time out on a healthy node.
     */
    private static final Executor CONTINUATIONS = continuations();
    /** Chunk calls a writer or reader keeps in flight at most: each holds a chunk-call thread. */
    static final int MAX_CHUNK_CALLS = 16;
    /** Where chunk calls run: the thin client's service calls block until their reply. */
    private static final ExecutorService CHUNK_CALLS = chunkCalls();

    /** The step of a control call while it looks for the server to call. */
    private static final String LOOKING_UP = "looking up the servers";

    /** Calls a new link makes to its home at most, until two in a row go straight to it ({@link #routeToServers}). */
    private static final int ROUTING_CALLS = 5;
    /** The request timeout a client configuration without one gets. */
    public static final Duration DFLT_TIMEOUT = SpillwayConfiguration.DFLT_OPERATION_TIMEOUT;

    private final ClientConfiguration config;
    /** The servers' consistent ids by node id, as learned when listing them: names for messages. */
    private final Map<UUID, String> names;
    private final HomeServer home;
    private final Duration timeout;
    private final AtomicBoolean renewing = new AtomicBoolean();
    /** The thin client calls go through: replaced after a call on it ran out of time ({@link #renew}). */
    private volatile ThinLink link;
    private volatile boolean closed;

    private SpillwayClient(ClientConfiguration config, Duration timeout, Map<UUID, String> names, ThinLink link,
                           String home) {
        this.config = config;
        this.names = names;
        this.link = link;
        this.timeout = timeout;
        this.home = HomeServer.resolve(() -> this.link.client, names, config.getAddresses(), home);
        routeToServers(link);
    }

    /**
     * Connects as {@link #connect(ClientConfiguration, String)} does (with a request timeout of
     * {@link #DFLT_TIMEOUT} if {@code config} has none: a server that stops answering fails a call with
     * {@link OperationTimeoutException} instead of holding it for good); the home server is the first that answers.
     */
    public static SpillwayClient connect(ClientConfiguration config) {
        return connect(config, null);
    }

    /**
     * Connects with a copy of {@code config}, in which partition awareness is on and a listener tells which server
     * each request went to. The request timeout of {@code config} ({@link #DFLT_TIMEOUT} if it has none) bounds each
     * chunk read and write; a call to the checkpoint service waits a little longer ({@link #grace}), so that a server
     * that waited on another node itself, at most its own {@code operationTimeout}, answers first and names it. Keep
     * the timeout at least the servers' operation timeout.
     *
     * @param home the home server's consistent id or thin-client {@code host:port}, or null for the server at the
     *     first address of {@code config} that answers
     * @throws dev.spillway.SpillwayException when the JVM lacks an {@code --add-opens} option Ignite's client needs
     *     on JDK 17: the message lists them all
     */
    public static SpillwayClient connect(ClientConfiguration config, String home) {
        Objects.requireNonNull(config, "config");
        JdkFlags.requireOpened();
        Duration timeout = config.getTimeout() > 0 ? Duration.ofMillis(config.getTimeout()) : DFLT_TIMEOUT;
        ClientConfiguration own = copyOf(config)
            .setPartitionAwarenessEnabled(true)
            .setTimeout((int)Math.min(Integer.MAX_VALUE, timeout.plus(grace(timeout)).toMillis()));
        if (own.getAsyncContinuationExecutor() == null)
            own.setAsyncContinuationExecutor(CONTINUATIONS);
        SentTo.listenOn(own);
        Map<UUID, String> names = new ConcurrentHashMap<>();
        ThinLink first = ThinLink.open(own);
        try {
            return new SpillwayClient(own, timeout, names, first, home);
        }
        catch (RuntimeException e) {
            first.release();
            throw e;
        }
    }

    /** The home server's consistent id. */
    public String homeServer() {
        return home.consistentId();
    }

    @Override
    public CheckpointWriter begin(String application) {
        return begin0(Arguments.application(application), 0);
    }

    @Override
    public CheckpointWriter begin(String application, long expectedSize) {
        Arguments.application(application);
        return begin0(application, Arguments.expectedSize(expectedSize));
    }

    private ThinWriter begin0(String application, long expectedSize) {
        ThinLink l = hold();
        try {
            Begun begun = control(l, "beginning a checkpoint of " + application,
                s -> s.begin(application, expectedSize), () -> { });
            return new ThinWriter(begun, this, l, l.service(begun.node()), WRITE_AHEAD_BYTES, timeout,
                nodeName(begun.node()));
        }
        catch (RuntimeException e) {
            l.release();
            throw e;
        }
    }

    @Override
    public CheckpointInfo save(String application, byte[] state) {
        Arguments.application(application);
        Arguments.state(state);
        try (CheckpointWriter writer = begin0(application, state.length)) {
            writer.write(state, 0, state.length);
            return writer.commit();
        }
    }

    @Override
    public CheckpointReader openLatest(String application) {
        Arguments.application(application);
        return reader("opening the latest checkpoint of " + application, s -> s.manifest(application, 0));
    }

    @Override
    public CheckpointReader open(String application, long checkpointId) {
        Arguments.application(application);
        Arguments.checkpointId(checkpointId);
        return reader("opening checkpoint " + application + "/" + checkpointId,
            s -> s.manifest(application, checkpointId));
    }

    @Override
    public byte[] restoreLatest(String application) {
        return ChunkReader.readAll(openLatest(application));
    }

    @Override
    public byte[] restore(String application, long checkpointId) {
        return ChunkReader.readAll(open(application, checkpointId));
    }

    @Override
    public List<CheckpointInfo> list(String application) {
        Arguments.application(application);
        return List.copyOf(this.<List<CheckpointInfo>>control("listing the checkpoints of " + application,
            s -> s.list(application)));
    }

    @Override
    public void delete(String application, long checkpointId) {
        Arguments.application(application);
        Arguments.checkpointId(checkpointId);
        boolean[] retried = {false};
        try {
            control("deleting checkpoint " + application + "/" + checkpointId, s -> s.delete(application, checkpointId),
                () -> retried[0] = true);
        }
        catch (CheckpointNotFoundException e) {
            // A retry after a lost reply finds the checkpoint gone: its first attempt deleted it.
            if (!retried[0])
                throw e;
        }
    }

    @Override
    public List<NodeCapacity> capacity() {
        return List.copyOf(this.<List<NodeCapacity>>control("reading the servers' capacity", s -> s.capacity()));
    }

    @Override
    public Optional<WorstLoss> worstLoss() {
        return Optional.ofNullable(control("reading the worst single loss", s -> s.worstLoss()));
    }

    @Override
    public PlacementReport placement(String application, long checkpointId) {
        Arguments.application(application);
        Arguments.checkpointId(checkpointId);
        return control("reading the placement of " + application + "/" + checkpointId,
            s -> s.placement(application, checkpointId));
    }

    @Override
    public ClusterStatus status() {
        return control("reading the cluster's status", s -> s.status());
    }

    /** Closes the thin client, and any earlier one once its readers and writers are done. */
    @Override
    public void close() {
        ThinLink l;
        synchronized (this) {
            if (closed)
                return;
            closed = true;
            l = link;
        }
        l.release();
    }

    /**
     * Whether checkpoint {@code application/checkpointId} is committed, asked of the cluster: its info when it is,
     * null when it is not (or no longer: retention may have evicted it since).
     */
    CheckpointInfo committed(String application, long checkpointId) {
        try {
            Manifest m = control("asking whether checkpoint " + application + "/" + checkpointId + " was committed",
                s -> s.manifest(application, checkpointId));
            return m.info();
        }
        catch (CheckpointNotFoundException e) {
            return null;
        }
    }

    /** Whether the home server is in the cluster now (the cluster is asked). */
    boolean homeInCluster() {
        return home.inCluster();
    }

    /** Opens a reader of the checkpoint whose manifest {@code manifest} asks for; {@code what} says which. */
    private CheckpointReader reader(String what, Function<CheckpointService, byte[]> manifest) {
        ThinLink l = hold();
        try {
            Manifest m = control(l, what, manifest, () -> { });
            CheckpointInfo info = m.info();
            List<UUID> owners = m.chunks() == 0 ? List.of() : control(l, "asking which servers hold the partitions "
                + "of " + info.application() + "/" + info.checkpointId(), CheckpointService::owners, () -> { });
            int window = Math.max(2, Math.min(MAX_CHUNK_CALLS, READ_AHEAD_BYTES / Math.max(1, maxChunk(m))));
            return new ChunkReader(key -> fetch(l, owners, key), m, () -> this.<ChunkAbsence>control(l,
                "asking why a chunk of " + info.application() + "/" + info.checkpointId() + " was not found",
                s -> s.absence(info.application(), info.checkpointId()), () -> { }), timeout, window,
                failure -> l.release());
        }
        catch (RuntimeException e) {
            l.release();
            throw e;
        }
    }

    private static int maxChunk(Manifest m) {
        int max = 0;
        for (int i = 0; i < m.chunks(); i++)
            max = Math.max(max, m.length(i));
        return max;
    }

    /**
     * Starts a chunk call on {@code server}'s checkpoint service (any server's when null), on the chunk-call
     * threads: the thin client's service calls block, and a writer or reader keeps several in flight. Returns the
     * call, its reply decoded by {@code decode}, and once it went out, the connection it went out on.
     *
     * @param orAnyServer whether a call that finds {@code server} gone (it left the cluster) goes once more to any
     *     server, which serves it from the partition's owners now: a read may, a store may not (only the server it
     *     was planned on holds its lease)
     */
    <T> Sent<T> startChunkCall(ThinLink l, UUID server, Function<CheckpointService, byte[]> call,
                               Function<byte[], T> decode, boolean orAnyServer) {
        AtomicReference<ConnectionDescription> sentOn = new AtomicReference<>();
        Future<T> future = CHUNK_CALLS.submit(() -> SentTo.reporting(sentOn, () -> {
            try {
                return callOn(l, server, call, decode, orAnyServer);
            }
            catch (NullPointerException e) {
                if (!viewLost(e))
                    throw e;
                // The link's thin client lost its view of the cluster: the call goes through a new one.
                ThinLink renewed = renewNow(l);
                try {
                    return callOn(renewed, server, call, decode, orAnyServer);
                }
                finally {
                    renewed.release();
                }
            }
        }));
        return new Sent<>(future, sentOn);
    }

    private static <T> T callOn(ThinLink l, UUID server, Function<CheckpointService, byte[]> call,
                                Function<byte[], T> decode, boolean orAnyServer) {
        try {
            return decode.apply(call.apply(l.service(server)));
        }
        catch (ClientException e) {
            if (!orAnyServer || server == null || !serviceGone(e))
                throw e;
            return decode.apply(call.apply(l.service(null)));
        }
    }

    /** A chunk call in flight, and the connection it went out on once it did. */
    record Sent<T>(Future<T> future, AtomicReference<ConnectionDescription> sentOn) {
        /** The connection the call went out on, or null if it has not gone out (or it is not known). */
        ConnectionDescription to() {
            return sentOn.get();
        }
    }

    /** Reads a stored chunk through any server, which serves it from the partition's owners; null when missing. */
    byte[] readChunk(ThinLink l, ChunkKey key) {
        return fetch(l, List.of(), key).get();
    }

    /**
     * Starts reading a chunk from its partition's primary ({@code owners}, by partition, as the reader opened);
     * the supplier waits for it at most the timeout.
     */
    private Supplier<byte[]> fetch(ThinLink l, List<UUID> owners, ChunkKey key) {
        String step = "reading chunk " + key.index() + " of " + key.application() + "/" + key.checkpointId()
            + " (partition " + key.partition() + ")";
        UUID owner = key.partition() < owners.size() ? owners.get(key.partition()) : null;
        Sent<byte[]> read = startChunkCall(l, owner,
            s -> s.chunk(key.application(), key.checkpointId(), key.index(), key.partition()), Reply::bytes, true);
        return () -> {
            try {
                return read.future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (TimeoutException e) {
                throw chunkTimedOut(l, step, key.partition(), read.to(), e);
            }
            catch (ExecutionException e) {
                if (timedOut(e.getCause()))
                    throw chunkTimedOut(l, step, key.partition(), read.to(), e);
                throw new SpillwayException(step + " failed on server " + (read.to() == null ? "(unknown)"
                    : serverName(read.to())) + ": " + e.getCause().getMessage() + " (the server left the cluster, "
                    + "or the connection to it broke?); a retry reads from the partition's owners then", e.getCause());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpillwayException("Interrupted while " + step, e);
            }
        };
    }

    /** {@link #control(ThinLink, String, Function, Runnable)} on the current link. */
    private <T> T control(String what, Function<CheckpointService, byte[]> call) {
        return control(what, call, () -> { });
    }

    /** {@link #control(ThinLink, String, Function, Runnable)} on the current link. */
    private <T> T control(String what, Function<CheckpointService, byte[]> call, Runnable onRetry) {
        ThinLink l = hold();
        try {
            return control(l, what, call, onRetry);
        }
        finally {
            l.release();
        }
    }

    /**
     * Runs a control call on the home server's service (or, with the home gone, the next address's). A call that
     * ran out of time fails naming the server that held it, and the link is renewed for the next call. A call that
     * could not reach the server looks for it again and retries once, running {@code onRetry} first. A call that
     * failed with its reply lost may have run: a retried {@code begin} then leaves the first session behind, whose
     * reservation lapses with its lease (the server's expiry sweep ends it); {@code delete} tells a retry apart.
     * Returns the reply's value; a server that answers that it waited on a node too long
     * ({@link OperationTimeoutException}) renews the link as well, since this client may hold a connection to that
     * node. Every failure says {@code what} the call was doing ("deleting checkpoint orders/12") and which server
     * it went to.
     */
    private <T> T control(ThinLink l, String what, Function<CheckpointService, byte[]> call, Runnable onRetry) {
        byte[] reply = send(l, what, call, onRetry);
        try {
            return Reply.value(reply);
        }
        catch (OperationTimeoutException e) {
            renew(l);
            throw e;
        }
    }

    private byte[] send(ThinLink l, String what, Function<CheckpointService, byte[]> call, Runnable onRetry) {
        ThinLink on = l;
        // A link replaced during this call, held here until the call ends.
        ThinLink renewed = null;
        try {
            for (boolean retry = false; ; retry = true) {
                String step = what + ", " + LOOKING_UP;
                try {
                    SentTo.clear();
                    ClusterNode target = home.current();
                    step = what + ", " + controlStep(target);
                    return call.apply(on.service(target == null ? null : target.id()));
                }
                catch (ClientException e) {
                    if (timedOut(e))
                        throw timedOut(on, step, SentTo.last(), e);
                    if (retry && serviceGone(e))
                        throw new SpillwayException(step + " found no Spillway checkpoint service on the server it "
                            + "reached, twice: the server left the cluster or is still starting; the call was not "
                            + "run. Retry once the cluster has settled", e);
                    if (retry)
                        throw new SpillwayException(step + ", failed twice: " + e.getMessage() + ". The server left "
                            + "the cluster or the connection to it broke; the call may have run. Retry once the "
                            + "cluster has settled", e);
                    home.forget();
                    onRetry.run();
                }
                catch (NullPointerException e) {
                    if (!viewLost(e))
                        throw e;
                    if (retry)
                        throw new SpillwayException(step + ": the thin client lost its view of the cluster twice (a "
                            + "server stopped answering while the topology changed); the call was not run. Retry once "
                            + "the cluster has settled", e);
                    renewed = renewNow(on);
                    on = renewed;
                }
            }
        }
        finally {
            if (renewed != null)
                renewed.release();
        }
    }

    /**
     * Whether a failure is Ignite 2.17's thin client with its cluster view lost: after an affinity update that no
     * node of its last topology answered (a node frozen or cut off, the others not answering for it), it sets its
     * last topology to null, and every service call then fails at once with this NullPointerException
     * ({@code ClientServicesImpl.ServiceTopology.getAndUpdate}) until a response reports a newer topology, which
     * may be never. A new thin client starts with a view of its own.
     */
    static boolean viewLost(NullPointerException e) {
        StackTraceElement[] at = e.getStackTrace();
        // With no stack (the JVM throws a preallocated one once the same throw got hot), it is still the thin
        // client's: the call into the service proxy is all that can throw one here.
        return at.length == 0 || at[0].getClassName().startsWith("org.apache.ignite.internal.client.thin.");
    }

    /**
     * Replaces {@code stale} with a new thin client now, unless another call did first; returns the current link,
     * held for the caller.
     */
    ThinLink renewNow(ThinLink stale) {
        if (link == stale)
            replace(stale);
        return hold();
    }

    /**
     * Opens a new thin client and makes it current in place of {@code stale}, unless another replaced it first or
     * this client closed meanwhile.
     *
     * @throws RuntimeException as {@link ThinLink#open} does when no server answers (the current link stays)
     */
    private void replace(ThinLink stale) {
        ThinLink fresh = ThinLink.open(config);
        synchronized (this) {
            if (closed || link != stale) {
                fresh.release();
                return;
            }
            link = fresh;
        }
        stale.release();
        // The next call looks for the home through the new client, and learns the servers' names again.
        home.forget();
        routeToServers(fresh);
    }

    /**
     * Lets link {@code l}'s thin client learn where each server's checkpoint service runs before the calls that
     * matter: the control calls go to the home, and each chunk to the server that stores it. A proxy learns that in
     * the background after its first call, and until then sends calls through the default connection, from which
     * that server relays them: a call the target holds would time out on the relay's connection and be blamed on
     * the relay, and a chunk would cross the network twice. Connections to the servers open in the background too.
     * Calls each server, the home first, until two calls in a row go straight to it, at most {@value
     * #ROUTING_CALLS} times; a call that fails ends that server's turn, and the calls that matter report it.
     */
    private void routeToServers(ThinLink l) {
        ClusterNode target = home.current();
        if (target != null)
            routeTo(l, target.id());
        try {
            for (ClusterNode server : l.client.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true").nodes()) {
                if (target == null || !server.id().equals(target.id()))
                    routeTo(l, server.id());
            }
        }
        catch (RuntimeException e) {
            // The servers could not be listed: chunk calls learn their way as they go.
        }
    }

    private static void routeTo(ThinLink l, UUID server) {
        try {
            CheckpointService service = l.service(server);
            for (int i = 0, direct = 0; i < ROUTING_CALLS && direct < 2; i++) {
                SentTo.clear();
                service.primaries();
                ConnectionDescription to = SentTo.last();
                direct = to != null && server.equals(to.serverNodeId()) ? direct + 1 : 0;
            }
        }
        catch (RuntimeException e) {
            // The server did not answer or runs no checkpoint service yet: the next call says so.
        }
    }

    private String controlStep(ClusterNode target) {
        return "a call to the checkpoint service of " + (target == null ? "any server" : nodeName(target));
    }

    /**
     * The failure of a call that ran out of time on link {@code l}, naming the server of connection {@code to};
     * starts replacing the link.
     */
    OperationTimeoutException timedOut(ThinLink l, String step, ConnectionDescription to, Throwable cause) {
        return timedOut(l, step, to == null ? null : serverName(to), cause);
    }

    /**
     * The failure of a chunk call on {@code partition} that ran out of time on link {@code l}. The thin client
     * sends a chunk call straight to the partition's primary when it has a connection to it, else through another
     * server, which waits on the primary in turn: the home server is asked which node the primary is (one more
     * call, bounded as every call is), and the exception names it.
     */
    OperationTimeoutException chunkTimedOut(ThinLink l, String step, int partition, ConnectionDescription to,
                                            Throwable cause) {
        String via = to == null ? null : serverName(to);
        String primary = null;
        try {
            List<String> primaries = control(l, "asking which servers hold the partitions",
                CheckpointService::primaries, () -> { });
            primary = partition < primaries.size() ? primaries.get(partition) : null;
        }
        catch (RuntimeException e) {
            // The home did not answer either: the server the call went to is all that is known.
        }
        if (primary == null || primary.equals(via))
            return timedOut(l, step, via, cause);
        return timedOut(l, via == null ? step : step + ", sent through " + via, primary, cause);
    }

    private OperationTimeoutException timedOut(ThinLink l, String step, String node, Throwable cause) {
        renew(l);
        return new OperationTimeoutException(step, node == null ? "(unknown: no request was sent)" : node, timeout,
            cause);
    }

    /**
     * Replaces {@code stale} with a new thin client, in the background: a server that stopped answering holds
     * {@code stale}'s connection to it, and the new client's attempt to connect to it fails at the handshake (the
     * thin client routes around it). One renewal at a time; a failed one is tried again after the next timeout.
     */
    void renew(ThinLink stale) {
        if (closed || link != stale || !renewing.compareAndSet(false, true))
            return;
        Thread t = new Thread(() -> {
            try {
                replace(stale);
            }
            catch (RuntimeException e) {
                // No server answered the new client: the current one stays, and the next timeout tries again.
            }
            finally {
                renewing.set(false);
            }
        }, "spillway-thin-client-renewal");
        t.setDaemon(true);
        t.start();
    }

    /**
     * How much longer than the operation timeout a call to the checkpoint service waits: a tenth of it, at least a
     * second. The server bounds what it waits on by its own operation timeout, and its answer names that node.
     */
    static Duration grace(Duration timeout) {
        return Duration.ofMillis(Math.max(1000, timeout.toMillis() / 10));
    }

    private static ExecutorService chunkCalls() {
        AtomicInteger threads = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "spillway-chunk-call-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private static Executor continuations() {
        AtomicInteger threads = new AtomicInteger();
        int n = Math.max(2, Runtime.getRuntime().availableProcessors());
        ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            r -> {
                Thread t = new Thread(r, "spillway-thin-client-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * A shallow copy of {@code config} ({@link ClientConfiguration} has no copy constructor; its fields are plain
     * settings): the client changes its own copy, never the application's.
     */
    static ClientConfiguration copyOf(ClientConfiguration config) {
        ClientConfiguration copy = new ClientConfiguration();
        try {
            for (Field f : ClientConfiguration.class.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()))
                    continue;
                f.setAccessible(true);
                f.set(copy, f.get(config));
            }
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot copy the thin client's configuration: " + e, e);
        }
        return copy;
    }

    /** A hold on the current link, released by the caller when done. */
    private ThinLink hold() {
        while (true) {
            if (closed)
                throw new IllegalStateException("The Spillway client is closed");
            ThinLink l = link;
            // A link that refuses has closed after a newer one replaced it.
            if (l.hold())
                return l;
        }
    }

    /**
     * Whether a thin-client failure is its request timeout running out: the thin client wraps Ignite's future
     * timeout (an internal class, matched by name so that this module imports no Ignite internals).
     */
    /**
     * Whether a call failed because the server it reached runs no checkpoint service: the server it was meant for
     * left the cluster (Ignite routes a call for a node that left to another), or has only just joined. Ignite
     * says only "Failed to find deployed service".
     */
    static boolean serviceGone(ClientException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains("Failed to find deployed service"))
                return true;
        }
        return false;
    }

    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t.getClass().getName().equals(IGNITE_FUTURE_TIMEOUT))
                return true;
        }
        return false;
    }

    String serverName(ConnectionDescription to) {
        UUID id = to.serverNodeId();
        String name = id == null ? null : names.get(id);
        if (name != null)
            return name;
        return "at " + to.remoteAddress() + (id == null ? "" : " (node id " + id + ")");
    }

    private String nodeName(ClusterNode node) {
        return String.valueOf(node.consistentId());
    }

    private String nodeName(UUID id) {
        String name = id == null ? null : names.get(id);
        return name == null ? String.valueOf(id) : name;
    }

    /** The current link's thin client (for tests that bring it into states Ignite's own failures leave). */
    IgniteClient thinClient() {
        return link.client;
    }

}
