package dev.spillway.internal.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tokens that let a thin client store a chunk: a write session's home server issues one per planned chunk, and
 * the server the client sends the chunk to checks it, with no call to the home. A token is an HMAC-SHA-256, cut to
 * 64 bits, of the session's writer and its lease on that server, the checkpoint, the chunk's index and its planned
 * partition, under a key every server derives from the identity table of its security file (which all servers share
 * and no client holds): a client cannot make one for a chunk it was not planned, move a chunk to another partition,
 * nor use one once the session's lease there is gone.
 */
public final class ChunkTokens {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    /** @param tableDigest the digest of the identity table ({@link SecurityFile#tableDigest()}) */
    public ChunkTokens(byte[] tableDigest) {
        this.key = new SecretKeySpec(Digests.sha256("spillway chunk tokens 1".getBytes(StandardCharsets.UTF_8),
            tableDigest), ALGORITHM);
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance(ALGORITHM);
                mac.init(key);
                return mac;
            }
            catch (GeneralSecurityException e) {
                throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
            }
        });
    }

    /**
     * The token of chunk {@code index} of checkpoint {@code application/checkpointId}, planned in {@code partition}
     * and stored under lease {@code lease} of {@code writer} on the server it goes to.
     */
    public long token(UUID writer, long lease, String application, long checkpointId, int index, int partition) {
        Mac mac = macs.get();
        ByteBuffer fixed = ByteBuffer.allocate(40);
        fixed.putLong(writer.getMostSignificantBits()).putLong(writer.getLeastSignificantBits()).putLong(lease)
            .putLong(checkpointId).putInt(index).putInt(partition);
        mac.update(fixed.array());
        byte[] h = mac.doFinal(application.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(h).getLong();
    }

    /** Whether {@code token} is the one of this chunk (one comparison of two longs: no early exit to time). */
    public boolean valid(long token, UUID writer, long lease, String application, long checkpointId, int index,
                         int partition) {
        return token(writer, lease, application, checkpointId, index, partition) == token;
    }
}
