package dev.spillway;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A password as the security file keeps it: salted PBKDF2 with HMAC-SHA-256, written
 * {@code pbkdf2-sha256:ITERATIONS:SALT:HASH} (salt and hash in base64). The file never holds an identity's password
 * itself, so reading it does not give the password away; {@code ./spillway passwd} writes the line.
 */
public final class PasswordHash {
    public static final String SCHEME = "pbkdf2-sha256";
    /** What {@link #create} uses by default: OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DFLT_ITERATIONS = 600_000;
    /** The fewest iterations a stored hash may have. */
    public static final int MIN_ITERATIONS = 1_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    private final int iterations;
    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) {
        this.iterations = iterations;
        this.salt = salt;
        this.hash = hash;
    }

    /** A new hash of {@code password} with a random salt. */
    public static PasswordHash create(char[] password, int iterations) {
        if (iterations < MIN_ITERATIONS)
            throw new IllegalArgumentException("iterations=" + iterations + " is below " + MIN_ITERATIONS);
        byte[] salt = new byte[SALT_BYTES];
        new SecureRandom().nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /**
     * Reads a hash as {@link #toString} writes it.
     *
     * @throws IllegalArgumentException saying what is wrong with {@code text}, without repeating it
     */
    public static PasswordHash parse(String text) {
        String[] parts = text.trim().split(":");
        if (parts.length != 4 || !parts[0].equals(SCHEME))
            throw new IllegalArgumentException("is not a password hash: expected " + SCHEME
                + ":ITERATIONS:SALT:HASH, as ./spillway passwd writes it");
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("has iterations '" + parts[1] + "', not a number");
        }
        if (iterations < MIN_ITERATIONS)
            throw new IllegalArgumentException("has " + iterations + " iterations; at least " + MIN_ITERATIONS);
        try {
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (salt.length < 8 || hash.length != HASH_BITS / 8)
                throw new IllegalArgumentException("has a salt of " + salt.length + " bytes and a hash of "
                    + hash.length + "; expected at least 8 and " + HASH_BITS / 8);
            return new PasswordHash(iterations, salt, hash);
        }
        catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("has "))
                throw e;
            throw new IllegalArgumentException("has a salt or hash that is not base64");
        }
    }

    /** Whether {@code password} is the one hashed; compares in constant time. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    public int iterations() {
        return iterations;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        }
        catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        }
        finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        Base64.Encoder b64 = Base64.getEncoder();
        return SCHEME + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }
}
