package dev.spillway;

/**
 * A save would take an identity past one of its quotas (security file: {@code identity.NAME.maxSessions},
 * {@code maxReserved}, {@code maxCheckpoint}). Nothing was reserved or written for it; the identity's other saves go
 * on. The message names the identity, the quota, its limit and what the save would have needed.
 */
public class QuotaExceededException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    private final String identity;
    private final String quota;
    private final long limit;
    private final long wanted;

    public QuotaExceededException(String message, String identity, String quota, long limit, long wanted) {
        super(message);
        this.identity = identity;
        this.quota = quota;
        this.limit = limit;
        this.wanted = wanted;
    }

    public String identity() {
        return identity;
    }

    /** Which quota: {@code maxSessions}, {@code maxReserved} or {@code maxCheckpoint}. */
    public String quota() {
        return quota;
    }

    /** The quota's limit: sessions, or bytes. */
    public long limit() {
        return limit;
    }

    /** What the save would have taken it to: sessions, or bytes. */
    public long wanted() {
        return wanted;
    }
}
