package dev.spillway.internal.security;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256, which every JDK has: the one place that says so. */
public final class Digests {
    private Digests() {
    }

    /** A new SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** The SHA-256 of {@code parts}, one after the other. */
    public static byte[] sha256(byte[]... parts) {
        MessageDigest sha = sha256();
        for (byte[] p : parts)
            sha.update(p);
        return sha.digest();
    }
}
