package dev.spillway.client;

import dev.spillway.CheckpointWriter;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * A thin-client application in its own JVM that begins a checkpoint, writes half of it and then waits to be
 * killed: it prints {@code HALF <checkpoint id>} once the half is written, and never commits.
 *
 * <p>Arguments: the application, the state's size in MB, then the thin-client addresses.
 */
public final class HalfSaveClient {
    private HalfSaveClient() {
    }

    public static void main(String[] args) throws Exception {
        String app = args[0];
        int size = Integer.parseInt(args[1]) << 20;
        String[] addresses = Arrays.copyOfRange(args, 2, args.length);
        SpillwayClient client = SpillwayClient.connect(new ClientConfiguration().setAddresses(addresses));
        CheckpointWriter writer = client.begin(app, size);
        byte[] half = new byte[size / 2];
        new SplittableRandom(7).nextBytes(half);
        writer.write(half);
        System.out.println("HALF " + writer.checkpointId());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
