package dev.spillway.client;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.NodeCapacity;
import dev.spillway.PlacementReport;
import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.SpillwayException;
import dev.spillway.WorstLoss;
import dev.spillway.wire.Layout;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Begun;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.Reply;
import dev.spillway.wire.Arguments;
import dev.spillway.wire.ChunkReader;
import dev.spillway.wire.Manifest;
import java.util.List;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ignite.Ignition;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.ClientException;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterNode;
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
 * <p>Thread-safe; close it to close the thin client it opened.
 */
public final class SpillwayClient implements CheckpointStore, AutoCloseable {
    /** Bytes of chunk puts a writer keeps in flight. */
    private static final int WRITE_AHEAD_BYTES = 16 << 20;
    /** Bytes of chunk gets a reader keeps in flight. */
    private static final int READ_AHEAD_BYTES = 8 << 20;

    /** The class of the exception the thin client wraps when its request timeout runs out. */
    private static final String IGNITE_FUTURE_TIMEOUT =
        "org.apache.ignite.internal.IgniteFutureTimeoutCheckedException";

    /** Who a chunk call's start waits on: the thin client's request for the partition map goes to some server. */
    private static final String PARTITION_MAP = "a server (the partition map of the chunk cache)";

    /** The request timeout a client configuration without one gets. */
    public static final Duration DFLT_TIMEOUT = SpillwayConfiguration.DFLT_OPERATION_TIMEOUT;

    private final IgniteClient client;
    private final HomeServer home;
    private final ClientCache<ChunkKey, byte[]> chunks;
    private final Duration timeout;

    private SpillwayClient(IgniteClient client, HomeServer home, Duration timeout) {
        this.client = client;
        this.home = home;
        this.chunks = client.cache(Layout.CHUNK_CACHE);
        this.timeout = timeout;
    }

    /**
     * Connects with {@code config} (partition awareness turned on, and a request timeout of {@link #DFLT_TIMEOUT}
     * if it has none: a server that stops answering fails a call with {@link OperationTimeoutException} instead of
     * holding it for good); the home server is the first that answers.
     */
    public static SpillwayClient connect(ClientConfiguration config) {
        return connect(config, null);
    }

    /**
     * Connects with {@code config} (partition awareness turned on, and a request timeout of {@link #DFLT_TIMEOUT}
     * if it has none; the timeout also bounds each chunk read and write).
     *
     * @param home the home server's consistent id or thin-client {@code host:port}, or null for the server at the
     *     first address of {@code config} that answers
     */
    public static SpillwayClient connect(ClientConfiguration config, String home) {
        Objects.requireNonNull(config, "config");
        config.setPartitionAwarenessEnabled(true);
        if (config.getTimeout() <= 0)
            config.setTimeout((int)DFLT_TIMEOUT.toMillis());
        IgniteClient client = Ignition.startClient(config);
        try {
            // Registered now, while the servers answer: the first chunk key written would otherwise register its
            // type then, with a blocking call that a frozen server holds.
            client.binary().toBinary(new ChunkKey(0, "", 0, 0));
            return new SpillwayClient(client, HomeServer.resolve(client, config.getAddresses(), home),
                Duration.ofMillis(config.getTimeout()));
        }
        catch (RuntimeException e) {
            client.close();
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
        Begun begun = Reply.value(control(s -> s.begin(application, expectedSize)));
        return new ThinWriter(begun, service(begun.node()), chunks, WRITE_AHEAD_BYTES, timeout, nodeName(begun.node()));
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
        return reader(Reply.value(control(s -> s.manifest(application, 0))));
    }

    @Override
    public CheckpointReader open(String application, long checkpointId) {
        Arguments.application(application);
        Arguments.checkpointId(checkpointId);
        return reader(Reply.value(control(s -> s.manifest(application, checkpointId))));
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
        return List.copyOf(Reply.<List<CheckpointInfo>>value(control(s -> s.list(application))));
    }

    @Override
    public void delete(String application, long checkpointId) {
        Arguments.application(application);
        Arguments.checkpointId(checkpointId);
        boolean[] retried = {false};
        try {
            Reply.value(control(s -> s.delete(application, checkpointId), () -> retried[0] = true));
        }
        catch (CheckpointNotFoundException e) {
            // A retry after a lost reply finds the checkpoint gone: its first attempt deleted it.
            if (!retried[0])
                throw e;
        }
    }

    @Override
    public List<NodeCapacity> capacity() {
        return List.copyOf(Reply.<List<NodeCapacity>>value(control(s -> s.capacity())));
    }

    @Override
    public Optional<WorstLoss> worstLoss() {
        return Optional.ofNullable(Reply.value(control(s -> s.worstLoss())));
    }

    @Override
    public PlacementReport placement(String application, long checkpointId) {
        Arguments.application(application);
        Arguments.checkpointId(checkpointId);
        return Reply.value(control(s -> s.placement(application, checkpointId)));
    }

    /** Closes the thin client. */
    @Override
    public void close() {
        client.close();
    }

    private CheckpointReader reader(Manifest m) {
        CheckpointInfo info = m.info();
        int window = Math.max(2, READ_AHEAD_BYTES / Math.max(1, maxChunk(m)));
        return new ChunkReader(this::fetch, m,
            () -> Reply.<Boolean>value(control(s -> s.committed(info.application(), info.checkpointId()))), window);
    }

    private static int maxChunk(Manifest m) {
        int max = 0;
        for (int i = 0; i < m.chunks(); i++)
            max = Math.max(max, m.length(i));
        return max;
    }

    /**
     * Starts an asynchronous chunk call. Starting may itself wait on a server (the thin client asks for the
     * partition map with a blocking call when it has none): a start that ran out of the request timeout, or took
     * the whole of it, fails at once naming {@code step}.
     */
    static <T> Future<T> start(Supplier<Future<T>> call, Duration timeout, String step) {
        long started = System.nanoTime();
        Future<T> future;
        try {
            future = call.get();
        }
        catch (RuntimeException e) {
            if (!timedOut(e))
                throw e;
            throw new OperationTimeoutException(step, PARTITION_MAP, timeout, e);
        }
        if (System.nanoTime() - started >= timeout.toNanos())
            throw new OperationTimeoutException(step, PARTITION_MAP, timeout, null);
        return future;
    }

    /** Starts reading a chunk ({@link #start}); the supplier then waits for it at most the timeout. */
    private Supplier<byte[]> fetch(ChunkKey key) {
        Future<byte[]> read = start(() -> chunks.getAsync(key), timeout, "requesting chunk " + key.index() + " of "
            + key.application() + "/" + key.checkpointId());
        return () -> {
            try {
                return read.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
            catch (TimeoutException e) {
                throw readTimedOut(key, e);
            }
            catch (ExecutionException e) {
                if (timedOut(e.getCause()))
                    throw readTimedOut(key, e);
                throw new SpillwayException("A chunk could not be read over the thin client: " + e.getCause(),
                    e.getCause());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SpillwayException("Interrupted while a chunk was read", e);
            }
        };
    }

    /**
     * Runs a control call on the home server's service (or, with the home gone, the next address's); when the
     * call cannot reach that server, looks for the server again and retries once. A call that failed with its
     * reply lost may have run: a retried {@code begin} then leaves the first session behind, whose reservation
     * lapses with its lease (the server's expiry sweep ends it); {@code delete} tells a retry apart.
     */
    private byte[] control(Function<CheckpointService, byte[]> call) {
        return control(call, () -> { });
    }

    /** {@link #control(Function)}, running {@code onRetry} before a retry. */
    private byte[] control(Function<CheckpointService, byte[]> call, Runnable onRetry) {
        try {
            return call.apply(service(home.current()));
        }
        catch (ClientException e) {
            home.forget();
            onRetry.run();
            ClusterNode second = null;
            try {
                second = home.current();
                return call.apply(service(second));
            }
            catch (ClientException again) {
                if (timedOut(again))
                    throw new OperationTimeoutException(second == null ? "looking up the servers"
                        : "a call to the checkpoint service", nodeName(second), timeout, again);
                throw again;
            }
        }
    }

    private OperationTimeoutException readTimedOut(ChunkKey key, Exception cause) {
        return new OperationTimeoutException("reading chunk " + key.index() + " of " + key.application() + "/"
            + key.checkpointId(), "the primary of partition " + key.partition(), timeout, cause);
    }

    /**
     * Whether a thin-client failure is its request timeout running out: the thin client wraps Ignite's future
     * timeout (an internal class, matched by name so that this module imports no Ignite internals).
     */
    static boolean timedOut(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t.getClass().getName().equals(IGNITE_FUTURE_TIMEOUT))
                return true;
        }
        return false;
    }

    private String nodeName(ClusterNode node) {
        return node == null ? "(any server)" : String.valueOf(node.consistentId());
    }

    private String nodeName(UUID id) {
        ClusterNode node = id == null ? null : client.cluster().node(id);
        return node == null ? String.valueOf(id) : String.valueOf(node.consistentId());
    }

    private CheckpointService service(ClusterNode node) {
        return node == null ? service((UUID)null) : service(node.id());
    }

    private CheckpointService service(UUID node) {
        var group = node == null ? client.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true")
            : client.cluster().forNodeId(node);
        return client.services(group).serviceProxy(CheckpointService.NAME, CheckpointService.class);
    }
}
