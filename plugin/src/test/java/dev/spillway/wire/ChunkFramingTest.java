package dev.spillway.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointIntegrityException;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.OperationTimeoutException;
import dev.spillway.SpillwayException;
import dev.spillway.test.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Chunk framing on a data path in memory: what {@link ChunkingWriter} cuts, records and hands over, and what
 * {@link ChunkReader} verifies before it returns a byte.
 */
class ChunkFramingTest {
    private static final int CHUNK = 16;
    private static final int WINDOW = 2;

    static Stream<Arguments> sizesAndWrites() {
        int[] sizes = {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5, 40 * CHUNK + 3};
        return Arrays.stream(sizes).boxed()
            .flatMap(size -> Stream.of(Arguments.of(size, "pieces of odd sizes"), Arguments.of(size, "single bytes")));
    }

    @ParameterizedTest(name = "{0} bytes written in {1}")
    @MethodSource("sizesAndWrites")
    @DisplayName("The bytes read back equal the bytes written, in ceil(size / chunkSize) chunks")
    void roundTrip(int size, String writes) {
        byte[] payload = TestData.random(size, size);
        MemoryWriter w = new MemoryWriter();
        if (writes.equals("single bytes"))
            writeSingleBytes(w, payload);
        else
            writeInOddPieces(w, payload);
        CheckpointInfo info = w.commit();
        assertThat(info.size()).isEqualTo(size);
        assertThat(info.chunks()).isEqualTo((size + CHUNK - 1) / CHUNK);
        assertThat(ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(payload);
    }

    @Test
    @DisplayName("The manifest records each chunk's length and CRC32C, as computed over the bytes independently")
    void lengthsAndChecksums() {
        byte[] payload = TestData.random(2 * CHUNK + 8, 1);
        MemoryWriter w = new MemoryWriter();
        writeInOddPieces(w, payload);
        w.commit();
        assertThat(IntStream.range(0, 3).map(w.manifest::length)).containsExactly(CHUNK, CHUNK, 8);
        assertThat(IntStream.range(0, 3).map(w.manifest::checksum)).containsExactly(
            crc32c(payload, 0, CHUNK), crc32c(payload, CHUNK, CHUNK), crc32c(payload, 2 * CHUNK, 8));
    }

    @Test
    @DisplayName("A corrupted byte fails verification naming the chunk and CRC32C, and none of its bytes is read")
    void corruptedByte() throws IOException {
        MemoryWriter w = committed(3 * CHUNK);
        w.stored(1)[5] ^= 1;
        ChunkReader reader = w.reader(() -> ChunkAbsence.SETTLED);
        assertThat(reader.readNBytes(CHUNK)).hasSize(CHUNK);
        assertThatThrownBy(reader::read)
            .isInstanceOfSatisfying(CheckpointIntegrityException.class, e -> assertThat(e.chunkIndex()).isEqualTo(1))
            .hasMessageContaining("Checkpoint app/7 failed verification at chunk 1: CRC32C 0x")
            .hasMessageContaining("differs from the manifest's 0x");
    }

    @Test
    @DisplayName("A checkpoint the scrub marked damaged fails at the first read, naming the damaged chunk, and "
        + "fetches nothing")
    void markedDamaged() {
        MemoryWriter w = committed(3 * CHUNK);
        w.manifest = w.manifest.withDamaged(2);
        ChunkReader reader = w.reader(() -> ChunkAbsence.SETTLED);
        assertThatThrownBy(reader::read)
            .isInstanceOfSatisfying(CheckpointIntegrityException.class, e -> assertThat(e.chunkIndex()).isEqualTo(2))
            .hasMessageContaining("at chunk 2: no healthy copy of it is left");
        assertThat(w.fetched).isEmpty();
        assertThat(reader.info().damagedChunks()).containsExactly(2);
    }

    @Test
    @DisplayName("A short chunk fails verification naming the chunk and both lengths")
    void shortChunk() {
        MemoryWriter w = committed(3 * CHUNK);
        w.store(2, Arrays.copyOf(w.stored(2), CHUNK - 1));
        assertThatThrownBy(() -> ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED)))
            .isInstanceOfSatisfying(CheckpointIntegrityException.class, e -> assertThat(e.chunkIndex()).isEqualTo(2))
            .hasMessageContaining("at chunk 2: length 15 differs from the manifest's 16");
    }

    @Test
    @DisplayName("A missing chunk of a committed checkpoint fails verification; of one deleted meanwhile, it is "
        + "not found")
    void missingChunk() {
        MemoryWriter w = committed(3 * CHUNK);
        w.store(1, null);
        assertThatThrownBy(() -> ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED)))
            .isInstanceOfSatisfying(CheckpointIntegrityException.class, e -> assertThat(e.chunkIndex()).isEqualTo(1))
            .hasMessageContaining("at chunk 1: the chunk is missing (partition " + w.manifest.partition(1) + ")");
        assertThat(w.fetched.stream().filter(i -> i == 1)).as("reads of the missing chunk").hasSize(2);
        assertThatThrownBy(() -> ChunkReader.readAll(w.reader(() -> ChunkAbsence.REMOVED)))
            .isExactlyInstanceOf(CheckpointNotFoundException.class)
            .hasMessageStartingWith("Checkpoint app/7 was removed while it was read: retention removes");
    }

    @Test
    @DisplayName("A chunk not found while partitions move is read again until it is found")
    void readAgainWhilePartitionsMove() {
        MemoryWriter w = committed(3 * CHUNK);
        byte[] payload = ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED));
        w.misses.put(1, 3);
        List<ChunkAbsence> told = new ArrayList<>();
        assertThat(ChunkReader.readAll(w.reader(() -> {
            told.add(ChunkAbsence.MOVING);
            return ChunkAbsence.MOVING;
        }))).isEqualTo(payload);
        assertThat(told).hasSize(3);
        assertThat(w.fetched.stream().filter(i -> i == 1)).hasSize(4);
    }

    @Test
    @DisplayName("A chunk missed just before partitions settled is read once more before it counts as missing")
    void readOnceMoreWhenSettled() {
        MemoryWriter w = committed(3 * CHUNK);
        byte[] payload = ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED));
        w.misses.put(2, 1);
        assertThat(ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(payload);
        w.misses.put(2, 2);
        assertThatThrownBy(() -> ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED)))
            .isInstanceOfSatisfying(CheckpointIntegrityException.class, e -> assertThat(e.chunkIndex()).isEqualTo(2))
            .hasMessageContaining("the chunk is missing (partition " + w.manifest.partition(2)
                + "), read again once no partition was moving");
    }

    @Test
    @DisplayName("A chunk not found while partitions keep moving for the whole timeout fails with a timeout, not as "
        + "missing")
    void partitionsMovingPastTheTimeout() {
        MemoryWriter w = committed(2 * CHUNK);
        w.misses.put(0, Integer.MAX_VALUE);
        assertThatThrownBy(() -> ChunkReader.readAll(w.reader(() -> ChunkAbsence.MOVING, Duration.ofMillis(300))))
            .isInstanceOf(OperationTimeoutException.class)
            .hasMessageContaining("reading chunk 0 of app/7 (partition " + w.manifest.partition(0)
                + "), not found while partitions kept moving");
    }

    @Test
    @DisplayName("The reader fetches a window of chunks ahead of the one it reads, not more")
    void fetchesAWindowAhead() throws IOException {
        MemoryWriter w = committed(5 * CHUNK);
        ChunkReader reader = w.reader(() -> ChunkAbsence.SETTLED);
        reader.read();
        assertThat(w.fetched).containsExactly(0, 1);
        reader.readNBytes(CHUNK);
        assertThat(w.fetched).containsExactly(0, 1, 2);
    }

    @Test
    @DisplayName("readAll returns the whole checkpoint and closes the reader")
    void readAllCloses() {
        MemoryWriter w = committed(2 * CHUNK + 1);
        ChunkReader reader = w.reader(() -> ChunkAbsence.SETTLED);
        assertThat(ChunkReader.readAll(reader)).isEqualTo(TestData.random(2 * CHUNK + 1, 0));
        assertThatThrownBy(reader::read).isInstanceOf(IllegalStateException.class)
            .hasMessage("Reader of checkpoint app/7 is closed");
    }

    @Test
    @DisplayName("A committed or aborted writer accepts no more bytes")
    void noWritesAfterCommitOrAbort() {
        MemoryWriter done = committed(CHUNK + 1);
        assertRefusesBytes(done, "committed");
        assertThatThrownBy(done::commit).isInstanceOf(IllegalStateException.class);
        done.abort();
        assertThat(done.discarded).isEmpty();

        MemoryWriter aborted = new MemoryWriter();
        aborted.write(TestData.random(CHUNK + 1, 0));
        aborted.abort();
        assertThat(aborted.discarded).containsExactly(1);
        assertRefusesBytes(aborted, "aborted");
        assertThatThrownBy(aborted::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("handOver sends an array of chunkSize at a chunk boundary as it is, never to be filled again; "
        + "any other array is copied")
    void handOver() {
        byte[] whole = TestData.random(CHUNK, 1);
        byte[] longer = TestData.random(CHUNK + 1, 2);
        byte[] unaligned = TestData.random(CHUNK, 3);
        byte[] rest = TestData.random(4 * CHUNK, 4);
        byte[] kept = whole.clone();
        MemoryWriter w = new MemoryWriter();
        w.handOver(whole);
        w.handOver(longer);
        w.write(7);
        w.handOver(unaligned);
        w.write(rest);
        w.commit();
        assertThat(w.sent.get(0)).isSameAs(whole);
        assertThat(w.reusable.get(0)).isFalse();
        assertThat(w.sent).noneMatch(chunk -> chunk == longer || chunk == unaligned);
        assertThat(whole).as("the array handed over, after 5 more chunks were filled").isEqualTo(kept);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        written.writeBytes(whole);
        written.writeBytes(longer);
        written.write(7);
        written.writeBytes(unaligned);
        written.writeBytes(rest);
        assertThat(ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(written.toByteArray());
    }

    @Test
    @DisplayName("A failure to send a chunk aborts the checkpoint: the chunks sent are discarded and the writer "
        + "accepts no more bytes")
    void sendFailureAborts() {
        MemoryWriter w = new MemoryWriter();
        w.failSendAt = 2;
        assertThatThrownBy(() -> w.write(TestData.random(3 * CHUNK, 0)))
            .isInstanceOf(SpillwayException.class)
            .hasMessage("Failed storing chunk 2: node left");
        assertThat(w.discarded).containsExactly(2);
        assertRefusesBytes(w, "aborted");
        w.abort();
        assertThat(w.discarded).containsExactly(2);
    }

    private static void assertRefusesBytes(MemoryWriter w, String state) {
        String message = "Checkpoint writer app/7 is " + state + ": it accepts no more bytes";
        assertThatThrownBy(() -> w.write(1)).isInstanceOf(IllegalStateException.class).hasMessage(message);
        assertThatThrownBy(() -> w.write(new byte[3])).isInstanceOf(IllegalStateException.class).hasMessage(message);
        assertThatThrownBy(() -> w.handOver(new byte[CHUNK])).isInstanceOf(IllegalStateException.class)
            .hasMessage(message);
    }

    /** A writer that wrote {@code TestData.random(size, 0)} and committed it. */
    private static MemoryWriter committed(int size) {
        MemoryWriter w = new MemoryWriter();
        w.write(TestData.random(size, 0));
        w.commit();
        return w;
    }

    private static void writeSingleBytes(MemoryWriter w, byte[] payload) {
        for (byte b : payload)
            w.write(b);
    }

    /** Writes in pieces of 1, 4, 7, ... bytes (cycling through sizes that straddle chunk boundaries). */
    private static void writeInOddPieces(MemoryWriter w, byte[] payload) {
        int[] pieces = {1, 7, 3, CHUNK + 5, 13, 2 * CHUNK + 1};
        for (int off = 0, i = 0; off < payload.length; i++) {
            int n = Math.min(pieces[i % pieces.length], payload.length - off);
            w.write(payload, off, n);
            off += n;
        }
    }

    @Test
    @DisplayName("A chunk whose content the base already holds is named, not sent; the restore is byte-equal")
    void namesChunksTheBaseHolds() {
        byte[] first = TestData.random(10 * CHUNK + 3, 1);
        MemoryWriter w1 = new MemoryWriter();
        w1.write(first);
        w1.commit();
        byte[] second = first.clone();
        second[4 * CHUNK + 2] ^= 1;
        MemoryWriter w2 = w1.next();
        assertThat(w2.baseCheckpointId()).isEqualTo(7);
        w2.write(second);
        w2.commit();
        assertThat(w2.sent).as("only the changed chunk travels").hasSize(1);
        assertThat(w2.storedBytes()).isEqualTo(CHUNK);
        assertThat(IntStream.range(0, w2.manifest.chunks()).filter(w2.manifest::ownChunk)).containsExactly(4);
        assertThat(w2.manifest.key(0)).isEqualTo(w1.manifest.key(0));
        assertThat(w2.manifest.key(4).checkpointId()).isEqualTo(8);
        assertThat(w2.manifest.key(4).index()).as("stored chunks are numbered apart from chunks").isZero();
        assertThat(ChunkReader.readAll(w2.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(second);
        assertThat(ChunkReader.readAll(w1.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(first);
    }

    @Test
    @DisplayName("Every chunk named rather than stored keeps the session alive; a damaged chunk of the base is stored "
        + "anew, not named")
    void namedChunksKeepAliveAndDamagedOnesAreStoredAnew() {
        byte[] first = TestData.random(6 * CHUNK, 13);
        MemoryWriter w1 = new MemoryWriter();
        w1.write(first);
        w1.commit();
        MemoryWriter w2 = new MemoryWriter(w1.chunksMap(), 8, w1.manifest.withDamaged(2),
            dev.spillway.Compression.NONE);
        w2.write(first, 0, 4 * CHUNK);
        w2.unchanged(2 * CHUNK);
        w2.commit();
        assertThat(w2.keptAlive).as("3 found by hash, 2 marked unchanged").isEqualTo(5);
        assertThat(IntStream.range(0, w2.manifest.chunks()).filter(w2.manifest::ownChunk)).containsExactly(2);
        assertThat(ChunkReader.readAll(w2.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(first);
    }

    @Test
    @DisplayName("Content repeated within one checkpoint is stored once")
    void repeatedContentStoredOnce() {
        byte[] payload = new byte[6 * CHUNK + 5];
        System.arraycopy(TestData.random(CHUNK, 3), 0, payload, 2 * CHUNK, CHUNK);
        MemoryWriter w = new MemoryWriter();
        w.write(payload);
        w.commit();
        assertThat(w.sent).as("zeros once, the random chunk, the short last chunk").hasSize(3);
        assertThat(w.manifest.chunks()).isEqualTo(7);
        assertThat(ChunkReader.readAll(w.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(payload);
    }

    @Test
    @DisplayName("Bytes marked unchanged: whole chunks are named without a read or a hash, parts of chunks are read "
        + "from the base; the restore is byte-equal")
    void unchangedRanges() {
        byte[] first = TestData.random(8 * CHUNK + 7, 5);
        MemoryWriter w1 = new MemoryWriter();
        w1.write(first);
        w1.commit();
        byte[] second = first.clone();
        for (int i = 3 * CHUNK + 4; i < 3 * CHUNK + 9; i++)
            second[i] ^= 0x55;
        MemoryWriter w2 = w1.next();
        w2.unchanged(3 * CHUNK + 4);
        w2.write(second, 3 * CHUNK + 4, 5);
        w2.unchanged(first.length - (3 * CHUNK + 9));
        w2.commit();
        // The chunk the changed bytes fall in, read for its unchanged parts; and the base's short last chunk, read
        // because the new state might go on past it.
        assertThat(w2.readBack).extracting(ChunkKey::index).containsExactly(3, 3, 8);
        assertThat(w2.sent).hasSize(1);
        assertThat(ChunkReader.readAll(w2.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(second);
    }

    @Test
    @DisplayName("Unchanged bytes need a base, and may not run past its end")
    void unchangedNeedsABase() {
        MemoryWriter w1 = new MemoryWriter();
        assertThatThrownBy(() -> w1.unchanged(CHUNK)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("has no base");
        w1.write(TestData.random(2 * CHUNK, 9));
        w1.commit();
        MemoryWriter w2 = w1.next();
        w2.write(new byte[CHUNK]);
        assertThatThrownBy(() -> w2.unchanged(CHUNK + 1)).isInstanceOf(dev.spillway.InvalidArgumentException.class)
            .hasMessageContaining("bytes 16 to 33 cannot be unchanged from checkpoint 7, which has 32 bytes");
        w2.unchanged(CHUNK);
        assertThat(w2.commit().size()).isEqualTo(2 * CHUNK);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = dev.spillway.Compression.class, names = {"LZ4", "ZSTD"})
    @DisplayName("Compressed chunks: fewer bytes stored, the CRC32C over them, byte-equal restores; a changed chunk "
        + "of compressible content is still found by its content")
    void compressedChunks(dev.spillway.Compression compression) {
        int chunk = 4096;
        byte[] state = ChunkCodecTest.compressible(40 * chunk, 11);
        MemoryWriter w1 = new MemoryWriter(new HashMap<>(), 7, null, compression, chunk);
        w1.write(state);
        CheckpointInfo info = w1.commit();
        assertThat(info.storedBytes()).isLessThan(state.length);
        assertThat(w1.stored(0)).hasSize(w1.manifest.storedLength(0));
        assertThat(crc32c(w1.stored(0), 0, w1.stored(0).length)).isEqualTo(w1.manifest.checksum(0));
        assertThat(ChunkReader.readAll(w1.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(state);

        byte[] next = state.clone();
        next[17 * chunk + 3] = '#';
        MemoryWriter w2 = new MemoryWriter(w1.chunksMap(), 8, w1.manifest, compression, chunk);
        w2.write(next);
        w2.commit();
        assertThat(w2.sent).hasSize(1);
        assertThat(w2.manifest.info().storedBytes()).isLessThan(chunk);
        assertThat(ChunkReader.readAll(w2.reader(() -> ChunkAbsence.SETTLED))).isEqualTo(next);

        // Damaged stored bytes fail on their CRC32C, before any decoding.
        byte[] damaged = w1.stored(3).clone();
        damaged[damaged.length / 2] ^= 1;
        w1.store(3, damaged);
        assertThatThrownBy(() -> ChunkReader.readAll(w1.reader(() -> ChunkAbsence.SETTLED)))
            .isInstanceOf(CheckpointIntegrityException.class).hasMessageContaining("CRC32C");
    }

    private static int crc32c(byte[] b, int off, int len) {
        CRC32C crc = new CRC32C();
        crc.update(b, off, len);
        return (int)crc.getValue();
    }

    /**
     * A data path in memory. A chunk sent is stored in a map: a reusable buffer as a copy, the buffer then given
     * out again to be filled; an array handed over as it is. The manifest is kept on commit; {@link #reader}
     * fetches from the map.
     */
    private static final class MemoryWriter extends ChunkingWriter {
        private final Map<ChunkKey, byte[]> chunks;
        private final Deque<byte[]> buffers = new ArrayDeque<>();
        final List<byte[]> sent = new ArrayList<>();
        final List<Boolean> reusable = new ArrayList<>();
        final List<Integer> discarded = new ArrayList<>();
        final List<Integer> fetched = new ArrayList<>();
        /** For a chunk index, how many more reads of it find nothing, as a read to a node still receiving it. */
        final Map<Integer, Integer> misses = new HashMap<>();
        /** Calls of {@link #keepAlive}. */
        int keptAlive;
        /** Stored chunks read for a range marked unchanged, by key. */
        final List<ChunkKey> readBack = new ArrayList<>();
        int failSendAt = -1;
        Manifest manifest;

        MemoryWriter() {
            this(new HashMap<>(), 7, null, dev.spillway.Compression.NONE);
        }

        /**
         * A writer of checkpoint {@code id} against {@code base}, storing into {@code chunks}, compressing with
         * {@code compression} when that saves a tenth.
         */
        MemoryWriter(Map<ChunkKey, byte[]> chunks, long id, Manifest base, dev.spillway.Compression compression) {
            this(chunks, id, base, compression, CHUNK);
        }

        MemoryWriter(Map<ChunkKey, byte[]> chunks, long id, Manifest base, dev.spillway.Compression compression,
                     int chunkSize) {
            super("app", id, chunkSize, base, ChunkCodec.of(compression, 0.1), true);
            this.chunks = chunks;
        }

        /** A writer of the next checkpoint, against this one's (committed), storing into the same map. */
        MemoryWriter next() {
            return new MemoryWriter(chunks, checkpointId() + 1, manifest, dev.spillway.Compression.NONE);
        }

        ChunkReader reader(Supplier<ChunkAbsence> absence) {
            return reader(absence, Duration.ofSeconds(30));
        }

        ChunkReader reader(Supplier<ChunkAbsence> absence, Duration timeout) {
            fetched.clear();
            return new ChunkReader(key -> {
                fetched.add(key.index());
                int miss = misses.getOrDefault(key.index(), 0);
                if (miss > 0)
                    misses.put(key.index(), miss - 1);
                byte[] chunk = miss > 0 ? null : chunks.get(key);
                return () -> chunk;
            }, manifest, absence, timeout, WINDOW);
        }

        byte[] stored(int index) {
            return chunks.get(manifest.key(index));
        }

        Map<ChunkKey, byte[]> chunksMap() {
            return chunks;
        }

        /** Replaces what is stored for chunk {@code index}; null removes it. */
        void store(int index, byte[] chunk) {
            chunks.put(manifest.key(index), chunk);
        }

        @Override
        protected int partition(int index) {
            return index * 5 % 8;
        }

        @Override
        protected void send(ChunkKey key, byte[] chunk, boolean reusable) {
            if (key.index() == failSendAt)
                throw new IllegalStateException("node left");
            sent.add(chunk);
            this.reusable.add(reusable);
            if (reusable) {
                chunks.put(key, chunk.clone());
                buffers.push(chunk);
            }
            else
                chunks.put(key, chunk);
        }

        @Override
        protected byte[] nextBuffer() {
            return buffers.isEmpty() ? new byte[chunkSize()] : buffers.pop();
        }

        @Override
        protected void awaitStored() {
        }

        @Override
        protected void keepAlive() {
            keptAlive++;
        }

        @Override
        protected byte[] readStored(ChunkKey key) {
            readBack.add(key);
            return chunks.get(key);
        }

        @Override
        protected CheckpointInfo commitManifest(long size, ChunkTable table) {
            manifest = new Manifest(application(), checkpointId(), size, table, "n0", 0, 1);
            return manifest.info();
        }

        @Override
        protected void discard(int sent) {
            discarded.add(sent);
        }

        @Override
        protected RuntimeException failure(RuntimeException e, String doing) {
            return e instanceof IllegalStateException ? new SpillwayException("Failed " + doing + ": "
                + e.getMessage(), e) : e;
        }
    }
}
