package dev.spillway.internal.service;

import dev.spillway.SpillwayException;
import dev.spillway.internal.store.CheckpointEngine;
import dev.spillway.internal.store.WriteSession;
import dev.spillway.internal.security.Access;
import dev.spillway.internal.security.Grants;
import dev.spillway.wire.Arguments;
import java.security.SecureRandom;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ignite.IgniteLogger;

/**
 * The write sessions this server node hosts for thin clients, by session id. A client that stops calling (it
 * crashed or lost its connection) leaves a session idle: {@link #expire} discards it once it has been idle for the
 * lease timeout, which removes its chunks and releases its reservation, so no partial checkpoint stays and its
 * space returns.
 *
 * <p>Public for the node's assembly ({@code dev.spillway.plugin}), which keeps one per server node. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class WriteSessions {
    private final CheckpointEngine engine;
    private final IgniteLogger log;
    private final Map<Long, Open> sessions = new ConcurrentHashMap<>();
    /** Session ids are random, so one client cannot guess another's and call into its session. */
    private final SecureRandom ids = new SecureRandom();

    /** An open session and the identity that began it (null without Spillway security). */
    private record Open(WriteSession session, String owner) {
    }

    public WriteSessions(CheckpointEngine engine, IgniteLogger log) {
        this.engine = engine;
        this.log = log;
    }

    /**
     * Begins a checkpoint whose bytes a thin client sends, placed on this node first; returns the session's id.
     *
     * @param expectedSize bytes to reserve before the first is written, or 0 when not known
     * @param caller the grants of the identity beginning it, the only one that may call into it, within its quotas;
     *     null without Spillway security
     */
    public long begin(String application, long expectedSize, Grants caller) {
        Arguments.application(application);
        if (expectedSize != 0)
            Arguments.expectedSize(expectedSize);
        WriteSession session = engine.begin(application, engine.localId(), expectedSize, caller);
        String owner = Access.identity(caller);
        while (true) {
            long id = ids.nextLong();
            if (id != 0 && sessions.putIfAbsent(id, new Open(session, owner)) == null)
                return id;
        }
    }

    /**
     * The open session {@code id}, begun by {@code owner}. A session another identity began is reported as not
     * open, as one that does not exist: a caller learns nothing of others' sessions.
     */
    public WriteSession get(long id, String owner) {
        Open o = sessions.get(id);
        if (o == null || !o.session().isOpen() || !Objects.equals(o.owner(), owner))
            throw new SpillwayException("Write session " + id + " is not open on this node: it was committed, "
                + "aborted, or discarded after " + engine.config().getLeaseTimeout() + " without a call");
        return o.session();
    }

    /** Forgets session {@code id} (committed or aborted). */
    public void remove(long id) {
        sessions.remove(id);
    }

    /** Discards the sessions idle for the lease timeout or more; returns how many. */
    public int expire(long now) {
        long timeout = engine.config().getLeaseTimeout().toMillis();
        int expired = 0;
        for (Iterator<Open> it = sessions.values().iterator(); it.hasNext(); ) {
            WriteSession s = it.next().session();
            if (!s.isOpen() || now - s.lastUsed() >= timeout) {
                it.remove();
                if (s.isOpen()) {
                    log.warning("Discarding checkpoint " + s.application() + "/" + s.checkpointId()
                        + ": its thin client made no call for " + engine.config().getLeaseTimeout());
                    s.discard(Integer.MAX_VALUE);
                    expired++;
                }
            }
        }
        return expired;
    }

    /** Discards every open session (the node is stopping). */
    public void discardAll() {
        sessions.values().forEach(o -> o.session().discard(Integer.MAX_VALUE));
        sessions.clear();
    }
}
