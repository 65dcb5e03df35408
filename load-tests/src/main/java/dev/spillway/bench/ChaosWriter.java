package dev.spillway.bench;

import dev.spillway.CheckpointWriter;
import dev.spillway.client.SpillwayClient;
import java.util.SplittableRandom;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * The writer process the chaos run kills mid-save: a thin-client application in a JVM of its own that begins a
 * checkpoint, prints {@code BEGUN <id>} once its first megabytes are stored, and goes on writing slowly, never
 * committing, until it is killed. Arguments: the thin-client addresses (comma-separated) and the application.
 */
public final class ChaosWriter {
    private ChaosWriter() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) {
            System.err.println("usage: ChaosWriter HOST:PORT[,HOST:PORT...] APPLICATION");
            System.exit(2);
        }
        byte[] piece = new byte[1 << 20];
        new SplittableRandom(args[1].hashCode()).nextBytes(piece);
        try (SpillwayClient client = SpillwayClient.connect(new ClientConfiguration()
            .setAddresses(args[0].split(",")));
             CheckpointWriter w = client.begin(args[1], 16L << 20)) {
            for (int i = 0; i < 2; i++) {
                // Each piece stamped apart: stored, not found stored already.
                piece[0] = (byte)i;
                w.write(piece);
            }
            System.out.println("BEGUN " + w.checkpointId());
            System.out.flush();
            for (int i = 0; i < 600; i++) {
                w.write(piece, 0, 16 << 10);
                Thread.sleep(100);
            }
        }
        System.exit(3);
    }
}
