package dev.spillway.bench;

import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointWriter;
import dev.spillway.Housekeeping;
import dev.spillway.Spillway;
import dev.spillway.SpillwayPlugin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.apache.ignite.Ignite;
import org.apache.ignite.lang.IgniteCallable;
import org.apache.ignite.resources.IgniteInstanceResource;

/**
 * The chaos run's work inside server node processes (compute jobs; their classes are on the nodes' classpath):
 * an embedded application's save, a restore digested where it runs (only the SHA-256 comes back), and the node's
 * housekeeping report. Results are arrays: Ignite's binary marshaller cannot write records.
 */
final class ChaosJobs {
    private ChaosJobs() {
    }

    /**
     * Saves {@code state} as a checkpoint of {@code application} from this node: {checkpoint id, outcome name,
     * failure}, the outcome as {@link ChaosApps#outcomeOf} judges a failure.
     */
    static final class Save implements IgniteCallable<String[]> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final String application;
        private final byte[] state;

        Save(String application, byte[] state) {
            this.application = application;
            this.state = state;
        }

        @Override
        public String[] call() {
            long id = -1;
            boolean committing = false;
            try (CheckpointWriter w = Spillway.store(ignite).begin(application, state.length)) {
                id = w.checkpointId();
                ChaosApps.writeInPieces(w, state);
                committing = true;
                w.commit();
                return new String[] {Long.toString(id), ChaosLedger.Outcome.COMMITTED.name(), ""};
            }
            catch (RuntimeException e) {
                return new String[] {Long.toString(id), ChaosApps.outcomeOf(e, committing).name(), e.toString()};
            }
        }
    }

    /** Restores checkpoint {@code id} of {@code application} on this node (-1: the latest): {id, SHA-256, size}. */
    static final class Digest implements IgniteCallable<String[]> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;
        private final String application;
        private final long checkpointId;

        Digest(String application, long checkpointId) {
            this.application = application;
            this.checkpointId = checkpointId;
        }

        @Override
        public String[] call() {
            try (CheckpointReader r = checkpointId < 0 ? Spillway.store(ignite).openLatest(application)
                : Spillway.store(ignite).open(application, checkpointId)) {
                String[] digest = digest(r);
                return new String[] {Long.toString(r.info().checkpointId()), digest[0], digest[1]};
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads {@code in} to its end: {SHA-256 in hex, bytes read}. */
    static String[] digest(InputStream in) throws IOException {
        MessageDigest sha = ChaosLedger.digest();
        byte[] buf = new byte[64 << 10];
        long size = 0;
        for (int n; (n = in.read(buf)) > 0; size += n)
            sha.update(buf, 0, n);
        return new String[] {HexFormat.of().formatHex(sha.digest()), Long.toString(size)};
    }

    /**
     * This node's housekeeping report: {claims, longest unrenewed claim (ms), orphans, longest orphan (ms),
     * 1 while rebalancing}.
     */
    static final class Housekeeper implements IgniteCallable<long[]> {
        private static final long serialVersionUID = 1L;
        @IgniteInstanceResource
        private transient Ignite ignite;

        @Override
        public long[] call() {
            Housekeeping h = ignite.<SpillwayPlugin>plugin(Spillway.PLUGIN_NAME).housekeeping();
            return new long[] {h.claims(), h.longestUnrenewedClaimMillis(), h.orphans(), h.longestOrphanMillis(),
                h.rebalancing() ? 1 : 0};
        }
    }
}
