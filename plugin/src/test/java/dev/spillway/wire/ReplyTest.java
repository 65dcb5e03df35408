package dev.spillway.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.CapacityExhaustedException;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointNotFoundException;
import dev.spillway.SpillwayException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyTest {
    @Test
    void aValueCrossesAsItIs() {
        CheckpointInfo info = new CheckpointInfo("app", 3, 10, 1, "n0", Instant.ofEpochMilli(5), Duration.ofMillis(2));
        List<CheckpointInfo> list = Reply.value(Reply.of(() -> new ArrayList<>(List.of(info))));
        assertThat(list).containsExactly(info);
        assertThat((Object)Reply.value(Reply.of(() -> null))).isNull();
    }

    @Test
    void bytesCrossAsTheyAreAndAFailureAsItsException() {
        byte[] chunk = {(byte)0xAC, (byte)0xED, 0, 5};
        assertThat(Reply.bytes(Reply.ofBytes(() -> chunk))).isEqualTo(chunk);
        assertThat(Reply.bytes(Reply.ofBytes(() -> new byte[0]))).isEmpty();
        assertThat(Reply.bytes(Reply.ofBytes(() -> null))).isNull();
        assertThatThrownBy(() -> Reply.bytes(Reply.ofBytes(() -> {
            throw new CheckpointNotFoundException("Checkpoint app/4 not found");
        }))).isInstanceOf(CheckpointNotFoundException.class).hasMessage("Checkpoint app/4 not found");
    }

    @Test
    void aSpillwayFailureIsThrownWithItsTypeMessageAndNumbers() {
        byte[] encoded = Reply.of(() -> {
            throw new CapacityExhaustedException("Capacity exhausted: app/1 needs 10", 10, 4);
        });
        assertThatThrownBy(() -> Reply.value(encoded))
            .isInstanceOfSatisfying(CapacityExhaustedException.class, e -> {
                assertThat(e.neededBytes()).isEqualTo(10);
                assertThat(e.availableBytes()).isEqualTo(4);
            })
            .hasMessage("Capacity exhausted: app/1 needs 10");
    }

    @Test
    void aSpillwayFailureWithACauseKeepsItsType() {
        CapacityExhaustedException refusal = new CapacityExhaustedException("Capacity exhausted: app/1 needs 10; "
            + "the cluster lost server(s) [n2]", 10, 4);
        refusal.initCause(new CapacityExhaustedException("Capacity exhausted: app/1 needs 10", 10, 4));
        byte[] encoded = Reply.of(() -> {
            throw refusal;
        });
        assertThatThrownBy(() -> Reply.value(encoded))
            .isInstanceOfSatisfying(CapacityExhaustedException.class, e -> assertThat(e.neededBytes()).isEqualTo(10))
            .hasMessage(refusal.getMessage())
            .cause().isInstanceOf(CapacityExhaustedException.class);
    }

    @Test
    void aCauseTheClientCannotLoadCrossesAsItsTypeAndMessage() {
        CheckpointNotFoundException notFound = new CheckpointNotFoundException("Checkpoint app/7 does not exist");
        notFound.initCause(new org.apache.ignite.IgniteException("node left: 1f2e"));
        byte[] encoded = Reply.of(() -> {
            throw notFound;
        });
        assertThatThrownBy(() -> Reply.value(encoded)).isInstanceOf(CheckpointNotFoundException.class)
            .hasMessage("Checkpoint app/7 does not exist")
            .cause().hasMessage("org.apache.ignite.IgniteException: node left: 1f2e");
    }

    @Test
    void aJdkCauseTheFilterRefusesCrossesAsItsTypeAndMessage() {
        // java.util.concurrent is not java.util: the decoding filter refuses it, so it must cross replaced.
        CheckpointNotFoundException notFound = new CheckpointNotFoundException("Checkpoint app/8 does not exist");
        notFound.initCause(new java.util.concurrent.CompletionException("a future failed", null));
        byte[] encoded = Reply.of(() -> {
            throw notFound;
        });
        assertThatThrownBy(() -> Reply.value(encoded)).isInstanceOf(CheckpointNotFoundException.class)
            .cause().hasMessage("java.util.concurrent.CompletionException: a future failed");
    }

    @Test
    void anyOtherFailureBecomesASpillwayExceptionNamingIt() {
        byte[] encoded = Reply.of(() -> {
            throw new IllegalStateException("Checkpoint app/2 is committed");
        });
        assertThatThrownBy(() -> Reply.value(encoded)).isExactlyInstanceOf(SpillwayException.class)
            .hasMessage("IllegalStateException: Checkpoint app/2 is committed");
    }

    @Test
    void classesOutsideSpillwayAndTheJdkBasicsAreRefused() {
        byte[] encoded = Reply.of(() -> new java.net.InetSocketAddress(1));
        assertThatThrownBy(() -> Reply.value(encoded)).isInstanceOf(SpillwayException.class)
            .hasMessageContaining("Cannot decode");
    }
}
