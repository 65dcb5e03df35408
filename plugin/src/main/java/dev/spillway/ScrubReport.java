package dev.spillway;

/**
 * What integrity scrubbing found on one server node: the chunk copies it verified against their checkpoints'
 * CRC32C, and the damaged ones it repaired from a healthy copy or found no healthy copy for. For one pass
 * ({@link SpillwayPlugin#scrub()}) or summed since the node started ({@link SpillwayPlugin#scrubTotals()}).
 *
 * @param chunks chunk copies verified (primary and backup copies of committed checkpoints)
 * @param bytes their bytes
 * @param damaged copies whose bytes did not match their checkpoint's length and CRC32C
 * @param repaired damaged copies written again from a healthy copy on another node
 * @param unrepaired damaged copies with no healthy copy left: a restore of their checkpoint fails naming the chunk
 */
public record ScrubReport(long chunks, long bytes, long damaged, long repaired, long unrepaired) {
    /** Nothing verified yet. */
    public static final ScrubReport NONE = new ScrubReport(0, 0, 0, 0, 0);

    /** This report and {@code other} summed. */
    public ScrubReport plus(ScrubReport other) {
        return new ScrubReport(chunks + other.chunks, bytes + other.bytes, damaged + other.damaged,
            repaired + other.repaired, unrepaired + other.unrepaired);
    }
}
