package dev.spillway.internal.service;

import dev.spillway.CheckpointAction;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.CheckpointStore;
import dev.spillway.internal.ignite.NodeSecurity;
import dev.spillway.internal.security.Access;
import dev.spillway.internal.security.Grants;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.internal.store.WriteSession;
import dev.spillway.wire.Arguments;
import dev.spillway.wire.Begun;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Manifest;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.Planned;
import dev.spillway.wire.Reply;
import java.util.ArrayList;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.services.Service;

/**
 * {@link CheckpointService} on one server node: every call is the node's own facade, engine, chunk store or one of
 * its write sessions. Each is checked against the caller's identity first (on a cluster with security: Ignite does
 * not authorize a thin client's service calls), then runs as the node. Holds no state of its own, so redeploying it
 * loses nothing but open sessions, which then lapse.
 * Public because the plugin's node setup deploys it; it reaches its node through {@link ServiceHost}.
 */
public final class CheckpointServiceImpl implements CheckpointService, Service {
    private static final long serialVersionUID = 1L;

    @IgniteInstanceResource
    private transient Ignite ignite;

    private transient ServiceHost host;

    @Override
    public void init() {
        host = ServiceHost.of(ignite);
    }

    private CheckpointEngine engine() {
        return host.engine();
    }

    private WriteSessions sessions() {
        return host.writeSessions();
    }

    /**
     * Runs {@code work} for the caller once its identity may do {@code action} on {@code application}: checked as
     * the caller, run as the node (Spillway's caches are closed to a thin client's own identity).
     */
    private <T> T allowed(CheckpointAction action, String application, Supplier<T> work) {
        Access.require(NodeSecurity.caller(ignite), action, Arguments.application(application));
        return NodeSecurity.asNode(ignite, work);
    }

    /** Runs {@code work} on write session {@code id} when the caller began it, as the node. */
    private <T> T inSession(long id, Function<WriteSession, T> work) {
        String owner = Access.identity(NodeSecurity.caller(ignite));
        WriteSession session = sessions().get(id, owner);
        return NodeSecurity.asNode(ignite, () -> work.apply(session));
    }

    /** Runs the facade's {@code work} for the caller: the facade checks the caller's grants, run as the node. */
    private <T> T viaFacade(Function<CheckpointStore, T> work) {
        CheckpointStore forCaller = host.store().forCaller(NodeSecurity.caller(ignite));
        return NodeSecurity.asNode(ignite, () -> work.apply(forCaller));
    }

    @Override
    public byte[] begin(String application, long expectedSize) {
        return Reply.of(() -> {
            Grants caller = NodeSecurity.caller(ignite);
            String owner = Access.identity(caller);
            return allowed(CheckpointAction.SAVE, application, () -> {
                long id = sessions().begin(application, expectedSize, caller);
                WriteSession s = sessions().get(id, owner);
                Planned planned = expectedSize > 0 ? host.thinChunks().planned(s, 0, s.partitionsFrom(0))
                    : Planned.NONE;
                // The base's content hashes tell what the application's state holds: only for a caller that may
                // restore it.
                Manifest base = Access.allows(caller, CheckpointAction.RESTORE, application) ? s.base() : null;
                SpillwayConfiguration config = engine().config();
                return new Begun(application, id, ignite.cluster().localNode().id(), s.checkpointId(),
                    s.chunkSize(), config.getLeaseTimeout().toMillis(), s.writer(), planned, base,
                    config.getCompression(), config.getCompressionMinSaving(), config.isDeduplication());
            });
        });
    }

    @Override
    public byte[] partitions(long session, int from) {
        return Reply.of(() -> inSession(session, s -> host.thinChunks().planned(s, from, s.partitionsFrom(from))));
    }

    @Override
    public byte[] store(String application, long checkpointId, int index, int partition, UUID writer, long lease,
                        long token, byte[] chunk) {
        return Reply.of(() -> {
            Grants caller = NodeSecurity.caller(ignite);
            return NodeSecurity.asNode(ignite, () -> {
                host.thinChunks().store(caller, application, checkpointId, index, partition, writer, lease, token,
                    chunk);
                return null;
            });
        });
    }

    @Override
    public byte[] chunk(String application, long checkpointId, int index, int partition) {
        return Reply.ofBytes(() -> {
            Grants caller = NodeSecurity.caller(ignite);
            return NodeSecurity.asNode(ignite,
                () -> host.thinChunks().read(caller, application, checkpointId, index, partition));
        });
    }

    @Override
    public byte[] owners() {
        return Reply.of(() -> NodeSecurity.asNode(ignite, () -> engine().primaryIds()));
    }

    @Override
    public byte[] renew(long session) {
        return Reply.of(() -> inSession(session, s -> {
            s.renewIfDue();
            return null;
        }));
    }

    @Override
    public byte[] commit(long session, long size, byte[] chunks) {
        return Reply.of(() -> inSession(session, s -> {
            try {
                ChunkTable table = Reply.value(chunks);
                return s.commit(size, table);
            }
            finally {
                sessions().remove(session);
            }
        }));
    }

    @Override
    public byte[] abort(long session, int sent) {
        return Reply.of(() -> inSession(session, s -> {
            sessions().remove(session);
            return s.discard(sent);
        }));
    }

    @Override
    public byte[] manifest(String application, long checkpointId) {
        return Reply.of(() -> allowed(CheckpointAction.RESTORE, application, () -> checkpointId == 0
            ? engine().latestManifest(application) : engine().manifest(application, checkpointId)));
    }

    @Override
    public byte[] primaries() {
        return Reply.of(() -> NodeSecurity.asNode(ignite, () -> engine().primaries()));
    }

    @Override
    public byte[] absence(String application, long checkpointId) {
        return Reply.of(() -> allowed(CheckpointAction.RESTORE, application,
            () -> engine().absence(application, checkpointId)));
    }

    @Override
    public byte[] list(String application) {
        return Reply.of(() -> viaFacade(f -> new ArrayList<>(f.list(application))));
    }

    @Override
    public byte[] delete(String application, long checkpointId) {
        return Reply.of(() -> viaFacade(f -> {
            f.delete(application, checkpointId);
            return null;
        }));
    }

    @Override
    public byte[] capacity() {
        return Reply.of(() -> viaFacade(f -> new ArrayList<>(f.capacity())));
    }

    @Override
    public byte[] worstLoss() {
        return Reply.of(() -> viaFacade(f -> f.worstLoss().orElse(null)));
    }

    @Override
    public byte[] placement(String application, long checkpointId) {
        return Reply.of(() -> viaFacade(f -> f.placement(application, checkpointId)));
    }

    @Override
    public byte[] status() {
        return Reply.of(() -> viaFacade(CheckpointStore::status));
    }
}
