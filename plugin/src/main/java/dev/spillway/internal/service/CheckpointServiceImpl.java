package dev.spillway.internal.service;

import dev.spillway.CheckpointStore;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.internal.store.WriteSession;
import dev.spillway.wire.Arguments;
import dev.spillway.wire.Begun;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.Reply;
import java.util.ArrayList;
import org.apache.ignite.Ignite;
import org.apache.ignite.resources.IgniteInstanceResource;
import org.apache.ignite.services.Service;

/**
 * {@link CheckpointService} on one server node: every call is the node's own facade, engine or one of its write
 * sessions. Holds no state of its own, so redeploying it loses nothing but open sessions, which then lapse.
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

    @Override
    public byte[] begin(String application, long expectedSize) {
        return Reply.of(() -> {
            long id = sessions().begin(application, expectedSize);
            WriteSession s = sessions().get(id);
            int[] planned = expectedSize > 0 ? s.partitionsFrom(0) : new int[0];
            return new Begun(application, id, ignite.cluster().localNode().id(), s.checkpointId(), s.chunkSize(),
                engine().config().getLeaseTimeout().toMillis(), planned);
        });
    }

    @Override
    public byte[] partitions(long session, int from) {
        return Reply.of(() -> sessions().get(session).partitionsFrom(from));
    }

    @Override
    public byte[] renew(long session) {
        return Reply.of(() -> {
            sessions().get(session).renewIfDue();
            return null;
        });
    }

    @Override
    public byte[] commit(long session, long size, int[] lengths, int[] checksums) {
        return Reply.of(() -> {
            try {
                return sessions().get(session).commit(size, lengths, checksums);
            }
            finally {
                sessions().remove(session);
            }
        });
    }

    @Override
    public byte[] abort(long session, int sent) {
        return Reply.of(() -> {
            WriteSession s = sessions().get(session);
            sessions().remove(session);
            return s.discard(sent);
        });
    }

    @Override
    public byte[] manifest(String application, long checkpointId) {
        return Reply.of(() -> checkpointId == 0 ? engine().latestManifest(application)
            : engine().manifest(application, checkpointId));
    }

    @Override
    public byte[] primaries() {
        return Reply.of(() -> engine().primaries());
    }

    @Override
    public byte[] absence(String application, long checkpointId) {
        return Reply.of(() -> engine().absence(Arguments.application(application), checkpointId));
    }

    @Override
    public byte[] list(String application) {
        return Reply.of(() -> new ArrayList<>(facade().list(application)));
    }

    @Override
    public byte[] delete(String application, long checkpointId) {
        return Reply.of(() -> {
            facade().delete(application, checkpointId);
            return null;
        });
    }

    @Override
    public byte[] capacity() {
        return Reply.of(() -> new ArrayList<>(facade().capacity()));
    }

    @Override
    public byte[] worstLoss() {
        return Reply.of(() -> facade().worstLoss().orElse(null));
    }

    @Override
    public byte[] placement(String application, long checkpointId) {
        return Reply.of(() -> facade().placement(application, checkpointId));
    }

    @Override
    public byte[] status() {
        return Reply.of(() -> facade().status());
    }

    private CheckpointStore facade() {
        return host.store();
    }
}
