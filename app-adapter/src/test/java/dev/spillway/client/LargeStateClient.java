package dev.spillway.client;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointReader;
import dev.spillway.CheckpointWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * A thin-client application in its own small-heap JVM: streams a state of the given size (random bytes generated
 * piece by piece, never held whole) into a checkpoint, reads it back and compares every byte with the same
 * sequence generated again. Prints one line {@code RESULT bytes=... saveMBps=... restoreMBps=... heapPeakMB=...}.
 *
 * <p>Arguments: the size in MB, then the thin-client addresses.
 */
public final class LargeStateClient {
    private static final int PIECE = 4 << 20;

    private LargeStateClient() {
    }

    public static void main(String[] args) throws Exception {
        long size = Long.parseLong(args[0]) << 20;
        String[] addresses = Arrays.copyOfRange(args, 1, args.length);
        try (SpillwayClient client = SpillwayClient.connect(new ClientConfiguration().setAddresses(addresses))) {
            byte[] piece = new byte[PIECE];
            SplittableRandom random = new SplittableRandom(2026);
            long saveStart = System.nanoTime();
            CheckpointInfo info;
            try (CheckpointWriter writer = client.begin("large-state", size)) {
                for (long left = size; left > 0; left -= PIECE) {
                    int n = (int)Math.min(PIECE, left);
                    fill(piece, n, random);
                    writer.write(piece, 0, n);
                }
                info = writer.commit();
            }
            double saveSeconds = (System.nanoTime() - saveStart) / 1e9;

            SplittableRandom expected = new SplittableRandom(2026);
            byte[] got = new byte[PIECE];
            long restoreStart = System.nanoTime();
            long read = 0;
            try (CheckpointReader reader = client.openLatest("large-state")) {
                for (long left = size; left > 0; left -= PIECE) {
                    int n = (int)Math.min(PIECE, left);
                    if (reader.readNBytes(got, 0, n) != n)
                        throw new AssertionError("The checkpoint ended early, after " + read + " bytes");
                    fill(piece, n, expected);
                    if (!Arrays.equals(got, 0, n, piece, 0, n))
                        throw new AssertionError("Restored bytes differ in the piece at " + read);
                    read += n;
                }
                if (reader.read() != -1)
                    throw new AssertionError("The checkpoint has more than " + size + " bytes");
            }
            double restoreSeconds = (System.nanoTime() - restoreStart) / 1e9;
            long heapPeak = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP)
                    heapPeak += pool.getPeakUsage().getUsed();
            }
            System.out.printf("RESULT bytes=%d chunks=%d saveMBps=%.0f restoreMBps=%.0f heapPeakMB=%d maxHeapMB=%d%n",
                info.size(), info.chunks(), size / 1e6 / saveSeconds, size / 1e6 / restoreSeconds, heapPeak >> 20,
                Runtime.getRuntime().maxMemory() >> 20);
            client.delete("large-state", info.checkpointId());
        }
    }

    private static void fill(byte[] b, int n, SplittableRandom random) {
        for (int i = 0; i < n; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8 && i + j < n; j++)
                b[i + j] = (byte)(v >>> (j * 8));
        }
    }
}
