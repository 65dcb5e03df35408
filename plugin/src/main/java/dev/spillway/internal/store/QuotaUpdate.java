package dev.spillway.internal.store;

import java.util.UUID;
import javax.cache.processor.MutableEntry;
import org.apache.ignite.Ignite;
import org.apache.ignite.cache.CacheEntryProcessor;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * Takes, grows, renews or gives back one write session's holding of its identity's quotas ({@link QuotaHoldings}),
 * on the entry's primary. Each gives the same answer when Ignite runs it again: a session's ticket is taken once,
 * and a growth sets the total. Returns {@code {outcome, sessions held, bytes held}}, the holdings as they are after
 * it (outcome {@link #DONE}, {@link #MAX_SESSIONS}, {@link #MAX_RESERVED} or {@link #LAPSED}).
 */
final class QuotaUpdate implements CacheEntryProcessor<String, Object, long[]> {
    static final long DONE = 0;
    static final long MAX_SESSIONS = 1;
    static final long MAX_RESERVED = 2;
    /** The session's holding lapsed (not renewed within its lease, or its node was taken for gone). */
    static final long LAPSED = 3;
    private static final long serialVersionUID = 1L;

    enum Op { TAKE, GROW, RENEW, GIVE_BACK }

    private final Op op;
    private final UUID ticket;
    private final UUID node;
    private final long bytes;
    private final long now;
    private final long expiresAt;
    private final int maxSessions;
    private final long maxReserved;
    /** The node the processor runs on (null in a unit test's in-memory entry). */
    @IgniteInstanceResource
    private transient Ignite local;

    QuotaUpdate(Op op, UUID ticket, UUID node, long bytes, long now, long expiresAt, int maxSessions,
                long maxReserved) {
        this.op = op;
        this.ticket = ticket;
        this.node = node;
        this.bytes = bytes;
        this.now = now;
        this.expiresAt = expiresAt;
        this.maxSessions = maxSessions;
        this.maxReserved = maxReserved;
    }

    @Override
    public long[] process(MutableEntry<String, Object> entry, Object... args) {
        QuotaHoldings h = entry.exists() ? (QuotaHoldings)entry.getValue() : new QuotaHoldings();
        h.dropLapsed(now, id -> local == null || local.cluster().node(id) != null);
        QuotaHoldings.Holding mine = h.sessions.get(ticket);
        long outcome = DONE;
        switch (op) {
            case TAKE -> {
                if (mine == null) {
                    if (maxSessions > 0 && h.sessions.size() >= maxSessions)
                        outcome = MAX_SESSIONS;
                    else if (maxReserved > 0 && h.bytes() + bytes > maxReserved)
                        outcome = MAX_RESERVED;
                    else
                        h.sessions.put(ticket, new QuotaHoldings.Holding(node, bytes, expiresAt));
                }
            }
            case GROW -> {
                if (mine == null)
                    outcome = LAPSED;
                else if (bytes > mine.bytes && maxReserved > 0 && h.bytes() - mine.bytes + bytes > maxReserved)
                    outcome = MAX_RESERVED;
                else {
                    mine.bytes = Math.max(mine.bytes, bytes);
                    mine.expiresAt = expiresAt;
                }
            }
            case RENEW -> {
                if (mine == null)
                    outcome = LAPSED;
                else
                    mine.expiresAt = expiresAt;
            }
            case GIVE_BACK -> h.sessions.remove(ticket);
        }
        if (h.sessions.isEmpty())
            entry.remove();
        else
            entry.setValue(h);
        return new long[] {outcome, h.sessions.size(), h.bytes()};
    }
}
