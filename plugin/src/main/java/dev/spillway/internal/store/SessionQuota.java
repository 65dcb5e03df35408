package dev.spillway.internal.store;

import dev.spillway.Bytes;
import dev.spillway.QuotaExceededException;
import dev.spillway.SpillwayException;
import dev.spillway.internal.ignite.IgniteWaits;
import dev.spillway.internal.security.Grants;
import dev.spillway.internal.security.Quotas;
import dev.spillway.wire.Layout;
import java.util.UUID;

/**
 * One write session's share of its identity's quotas ({@link Quotas}): its checkpoint's size is checked here, and
 * its place among the identity's sessions open across the cluster, with the bytes they have planned, is held in the
 * identity's {@link QuotaHoldings} entry: taken at begin, grown as chunks are planned, renewed with the session's
 * lease, given back when it ends. A holding not renewed within the lease timeout (its writer stopped calling) or
 * whose node left is dropped, so nothing is held past its lease. {@link #NONE} for an identity without quotas.
 */
final class SessionQuota {
    static final SessionQuota NONE = new SessionQuota(null, null, null);

    private final CheckpointEngine engine;
    private final String identity;
    private final Quotas quotas;
    private final UUID ticket = UUID.randomUUID();
    private boolean held;

    private SessionQuota(CheckpointEngine engine, String identity, Quotas quotas) {
        this.engine = engine;
        this.identity = identity;
        this.quotas = quotas;
    }

    /** The quota of a session {@code caller} begins; {@link #NONE} without quotas or security. */
    static SessionQuota of(CheckpointEngine engine, Grants caller) {
        return caller == null || !caller.quotas().any() ? NONE
            : new SessionQuota(engine, caller.identity(), caller.quotas());
    }

    /** Whether the identity's open sessions are counted cluster-wide (a session or reserved-bytes quota is set). */
    private boolean counted() {
        return quotas != null && (quotas.maxSessions() > 0 || quotas.maxReserved() > 0);
    }

    /**
     * Takes the session's place, with {@code bytes} planned up front (its expected size, or 0).
     *
     * @throws QuotaExceededException naming the quota, its limit and what the session would have taken
     */
    void take(String application, long bytes) {
        checkSize(application, bytes);
        if (!counted())
            return;
        long[] r = update(QuotaUpdate.Op.TAKE, bytes);
        if (r[0] == QuotaUpdate.MAX_SESSIONS) {
            throw new QuotaExceededException("Identity '" + identity + "' may have at most "
                + quotas.maxSessions() + " write session(s) open at once (its quota maxSessions), and " + r[1]
                + " are open: a save of " + application + " begins once one of them ends", identity,
                "maxSessions", quotas.maxSessions(), r[1] + 1);
        }
        if (r[0] == QuotaUpdate.MAX_RESERVED)
            throw reserved(application, r[2], bytes);
        held = true;
    }

    /**
     * Grows the session's planned bytes to {@code bytes}, before they are reserved.
     *
     * @throws QuotaExceededException when that takes the checkpoint or the identity's open sessions past a quota
     */
    void grow(String application, long bytes) {
        checkSize(application, bytes);
        if (!held || quotas.maxReserved() == 0)
            return;
        long[] r = update(QuotaUpdate.Op.GROW, bytes);
        if (r[0] == QuotaUpdate.MAX_RESERVED)
            throw reserved(application, r[2], bytes);
        if (r[0] == QuotaUpdate.LAPSED)
            throw lapsed(application);
    }

    /** Renews the session's holding with its lease. */
    void renew(String application) {
        if (held && update(QuotaUpdate.Op.RENEW, 0)[0] == QuotaUpdate.LAPSED)
            throw lapsed(application);
    }

    /** Gives the session's place back (it committed or ended); idempotent. */
    void giveBack() {
        if (!held)
            return;
        held = false;
        try {
            update(QuotaUpdate.Op.GIVE_BACK, 0);
        }
        catch (RuntimeException e) {
            engine.log().warning("Could not give back a write session's place in the quotas of identity '"
                + identity + "'; it lapses after " + engine.config().getLeaseTimeout() + ": " + e);
        }
    }

    private void checkSize(String application, long bytes) {
        if (quotas != null && quotas.maxCheckpoint() > 0 && bytes > quotas.maxCheckpoint()) {
            throw new QuotaExceededException("Identity '" + identity + "' may save checkpoints of at most "
                + Bytes.format(quotas.maxCheckpoint()) + " (its quota maxCheckpoint); this checkpoint of "
                + application + " would have " + Bytes.format(bytes), identity, "maxCheckpoint",
                quotas.maxCheckpoint(), bytes);
        }
    }

    private QuotaExceededException reserved(String application, long held, long wanted) {
        return new QuotaExceededException("Identity '" + identity + "' may have at most "
            + Bytes.format(quotas.maxReserved()) + " planned and not yet committed (its quota maxReserved); its open "
            + "write sessions hold " + Bytes.format(held) + ", and this checkpoint of " + application + " would "
            + "take it to " + Bytes.format(wanted) + " of its own", identity, "maxReserved", quotas.maxReserved(),
            held + wanted);
    }

    private SpillwayException lapsed(String application) {
        return new SpillwayException("A checkpoint of " + application + " lost its place in the quotas of identity '"
            + identity + "': it was not renewed within the lease timeout (" + engine.config().getLeaseTimeout()
            + "); it is not committed. Save it again");
    }

    private long[] update(QuotaUpdate.Op op, long bytes) {
        long now = engine.now();
        QuotaUpdate u = new QuotaUpdate(op, ticket, engine.localId(), bytes, now,
            now + engine.config().getLeaseTimeout().toMillis(), quotas.maxSessions(), quotas.maxReserved());
        String key = "quota/" + identity;
        return IgniteWaits.get(engine.admissionCache().get().invokeAsync(key, u), engine.config().getOperationTimeout(),
            "updating the quota holdings of identity '" + identity + "'",
            () -> IgniteWaits.primaryOf(engine.ignite(), Layout.ADMISSION_CACHE, key));
    }
}
