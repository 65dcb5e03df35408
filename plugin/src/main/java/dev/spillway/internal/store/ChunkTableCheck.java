package dev.spillway.internal.store;

import dev.spillway.InvalidArgumentException;
import dev.spillway.wire.ChunkCodec;
import dev.spillway.wire.ChunkTable;
import dev.spillway.wire.Manifest;
import java.util.HashMap;
import java.util.Map;

/**
 * Refuses a commit whose chunk table does not describe what a writer of the session can have stored (a thin client
 * sends it): every chunk but the last is whole and the lengths add up to the size; the checkpoint's own stored
 * chunks are numbered 0, 1, ... in the order the table first names them, each in the partition planned for it and
 * no more than planned, every later mention the same; every chunk of another checkpoint is one the base names,
 * exactly as the base describes it. The session is discarded before the refusal, so its chunks and leases go at once.
 */
final class ChunkTableCheck {
    private final WriteSession session;
    private final ChunkTable table;
    private final int stored;

    ChunkTableCheck(WriteSession session, long size, ChunkTable table) {
        this.session = session;
        this.table = table;
        int n;
        try {
            n = check(size);
        }
        catch (InvalidArgumentException e) {
            throw e;
        }
        catch (RuntimeException e) {
            // A table whose arrays do not agree (a thin client sends it): refused like any other.
            n = -1;
            refuse("chunks", "its chunk table is malformed (" + e + ")");
        }
        this.stored = n;
    }

    /** How many chunks the checkpoint stored itself. */
    int storedChunks() {
        return stored;
    }

    private int check(long size) {
        int chunkSize = session.chunkSize();
        long id = session.checkpointId();
        int[] planned = session.plannedPartitions();
        Manifest base = session.base();
        Map<ChunkRefs.Ref, Integer> inBase = new HashMap<>();
        if (base != null) {
            for (int j = 0; j < base.chunks(); j++)
                inBase.putIfAbsent(new ChunkRefs.Ref(base.table().home(j), base.table().storedIndex(j)), j);
        }
        Map<Integer, Integer> firstMention = new HashMap<>();
        long sum = 0;
        for (int i = 0; i < table.size(); i++) {
            int len = table.length(i);
            boolean last = i == table.size() - 1;
            if (len < 1 || len > chunkSize || (!last && len != chunkSize))
                refuse("lengths", "chunk " + i + " has " + len + " bytes; allowed: " + chunkSize + " for every "
                    + "chunk but the last, 1 to " + chunkSize + " for the last");
            sum += len;
            if (table.home(i) == id)
                checkOwn(i, planned, firstMention);
            else {
                Integer j = inBase.get(new ChunkRefs.Ref(table.home(i), table.storedIndex(i)));
                if (j == null || !table.sameChunk(i, base.table(), j))
                    refuse("chunks", "chunk " + i + " names stored chunk " + table.storedIndex(i) + " of checkpoint "
                        + table.home(i) + ", which " + (j == null ? "its base (" + (base == null ? "none"
                        : base.checkpointId()) + ") does not name" : "its base describes otherwise"));
                if (base.isDamaged(j))
                    refuse("chunks", "chunk " + i + " names stored chunk " + table.storedIndex(i) + " of checkpoint "
                        + table.home(i) + ", which has no healthy copy left");
            }
        }
        if (size != sum)
            refuse("size", "size=" + size + " differs from its " + table.size() + " chunk(s), whose lengths add "
                + "up to " + sum);
        return firstMention.size();
    }

    private void checkOwn(int i, int[] planned, Map<Integer, Integer> firstMention) {
        int index = table.storedIndex(i);
        Integer first = firstMention.get(index);
        if (first != null) {
            if (!table.sameChunk(i, table, first))
                refuse("chunks", "chunk " + i + " names stored chunk " + index + " as chunk " + first + " does, "
                    + "but describes it otherwise");
            return;
        }
        if (index != firstMention.size() || index >= planned.length)
            refuse("chunks", "chunk " + i + " is stored chunk " + index + "; expected stored chunk "
                + firstMention.size() + " (" + planned.length + " planned)");
        if (table.partition(i) != planned[index])
            refuse("chunks", "stored chunk " + index + " names partition " + table.partition(i) + "; it was planned "
                + "in partition " + planned[index]);
        byte codec = table.codec(i);
        int storedLength = table.storedLength(i);
        boolean fits = codec == ChunkCodec.RAW ? storedLength == table.length(i)
            : ChunkCodec.known(codec) && storedLength >= 1 && storedLength < table.length(i);
        if (!fits)
            refuse("chunks", "stored chunk " + index + " has " + storedLength + " stored bytes with codec " + codec
                + " for " + table.length(i) + " bytes written (as they are: as many; compressed: fewer)");
        firstMention.put(index, i);
    }

    private void refuse(String argument, String why) {
        session.discard(session.plannedChunks());
        throw new InvalidArgumentException(argument, "Checkpoint " + session.application() + "/"
            + session.checkpointId() + ": " + why);
    }
}
