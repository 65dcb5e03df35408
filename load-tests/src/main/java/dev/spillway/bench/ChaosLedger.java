package dev.spillway.bench;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the chaos run's writers saw, kept outside the cluster: every save attempt with the SHA-256 of its bytes,
 * taken before the first byte went out, and how it ended as the writer saw it. The checks hold the cluster to it:
 * a committed checkpoint must stay restorable byte-equal while retention keeps it, a failed one must never be
 * visible, and one whose outcome the writer could not know may be either, but only with its own bytes.
 */
final class ChaosLedger {
    /** How a save ended, as its writer saw it. */
    enum Outcome {
        /** Still writing. */
        OPEN,
        /** {@code commit()} returned. */
        COMMITTED,
        /** It failed before its commit could land, or was refused: it must never be visible. */
        FAILED,
        /** Its commit call failed in a way that leaves the outcome open (the writer's node died, the link broke). */
        UNKNOWN
    }

    /** One save attempt; {@code checkpointId} is -1 when the writer never learned it (an embedded job lost). */
    static final class Attempt {
        final String application;
        final long checkpointId;
        final String sha256;
        final long size;
        final String path;
        /** The node that ran the writer (embedded), or null (thick and thin clients). */
        final String writerNode;
        volatile Outcome outcome = Outcome.OPEN;

        Attempt(String application, long checkpointId, String sha256, long size, String path, String writerNode) {
            this.application = application;
            this.checkpointId = checkpointId;
            this.sha256 = sha256;
            this.size = size;
            this.path = path;
            this.writerNode = writerNode;
        }
    }

    private final Map<String, List<Attempt>> byApplication = new LinkedHashMap<>();

    /** Records an attempt. */
    synchronized Attempt begin(String application, long checkpointId, String sha256, long size, String path,
                               String writerNode) {
        Attempt a = new Attempt(application, checkpointId, sha256, size, path, writerNode);
        byApplication.computeIfAbsent(application, k -> new ArrayList<>()).add(a);
        return a;
    }

    synchronized List<String> applications() {
        return List.copyOf(byApplication.keySet());
    }

    synchronized List<Attempt> attempts(String application) {
        return List.copyOf(byApplication.getOrDefault(application, List.of()));
    }

    /** The attempt that wrote checkpoint {@code id} of {@code application}, if the writer learned that id. */
    synchronized Optional<Attempt> find(String application, long id) {
        return byApplication.getOrDefault(application, List.of()).stream().filter(a -> a.checkpointId == id)
            .findFirst();
    }

    /**
     * Whether bytes with {@code sha256}, restored as checkpoint {@code id} of {@code application}, are that
     * checkpoint's: the attempt with that id wrote them, or an attempt whose writer never learned its id and whose
     * outcome is unknown did.
     */
    synchronized boolean matches(String application, long id, String sha256) {
        for (Attempt a : byApplication.getOrDefault(application, List.of())) {
            if (a.checkpointId == id)
                return a.sha256.equals(sha256);
        }
        return byApplication.getOrDefault(application, List.of()).stream()
            .anyMatch(a -> a.checkpointId < 0 && a.outcome == Outcome.UNKNOWN && a.sha256.equals(sha256));
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
