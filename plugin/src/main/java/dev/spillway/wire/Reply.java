package dev.spillway.wire;

import dev.spillway.SpillwayException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * The answer of a {@link CheckpointService} call as it crosses the wire: a value, or the Spillway exception the
 * call failed with, so a thin client throws the same exception type with the same message as the embedded path.
 * Encoded with Java serialization (Ignite's binary marshaller cannot write the API's records) and decoded through
 * a filter that admits only Spillway's own types and the JDK's.
 */
public final class Reply implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectInputFilter FILTER = ObjectInputFilter.Config.createFilter(
        "maxdepth=20;dev.spillway.**;java.lang.*;java.util.*;java.time.*;[I;[J;[B;[Ljava.lang.*;!*");

    private final Serializable value;
    private final SpillwayException failure;

    private Reply(Serializable value, SpillwayException failure) {
        this.value = value;
        this.failure = failure;
    }

    /**
     * Runs a call and encodes its outcome. A Spillway exception travels with its type, message and causes; a cause
     * of a type outside Spillway and the JDK (Ignite's, which the decoding filter refuses and a thin client may not
     * have) travels as a {@link RemoteCause} with its class name and message. Any other failure becomes a
     * {@link SpillwayException} with its type and message.
     */
    public static byte[] of(Supplier<? extends Serializable> call) {
        Reply reply;
        try {
            reply = new Reply(call.get(), null);
        }
        catch (SpillwayException e) {
            reply = new Reply(null, e);
        }
        catch (RuntimeException e) {
            reply = new Reply(null, new SpillwayException(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new CauseReplacing(bytes)) {
            out.writeObject(reply);
        }
        catch (IOException e) {
            throw new IllegalStateException("Cannot encode a Spillway reply: " + e, e);
        }
        return bytes.toByteArray();
    }

    /** Writes every throwable of a type the decoding filter would refuse as a {@link RemoteCause}. */
    private static final class CauseReplacing extends ObjectOutputStream {
        CauseReplacing(ByteArrayOutputStream out) throws IOException {
            super(out);
            enableReplaceObject(true);
        }

        @Override
        protected Object replaceObject(Object obj) {
            if (obj instanceof Throwable t && !decodable(t.getClass()))
                return RemoteCause.of(t);
            return obj;
        }

        /** Whether the decoding side's {@link #FILTER} admits objects of {@code type}. */
        private static boolean decodable(Class<?> type) {
            return FILTER.checkInput(new ObjectInputFilter.FilterInfo() {
                @Override
                public Class<?> serialClass() {
                    return type;
                }

                @Override
                public long arrayLength() {
                    return -1;
                }

                @Override
                public long depth() {
                    return 1;
                }

                @Override
                public long references() {
                    return 0;
                }

                @Override
                public long streamBytes() {
                    return 0;
                }
            }) != ObjectInputFilter.Status.REJECTED;
        }
    }

    /** First byte of a {@link #ofBytes} reply that carries the bytes themselves. */
    private static final byte BYTES = 1;
    /** First byte of a {@link #ofBytes} reply that carries no bytes (null). */
    private static final byte NO_BYTES = 2;

    /**
     * Runs a call that returns bytes (a chunk) and encodes its outcome without Java serialization of the bytes: a
     * byte saying what follows, then the bytes as they are; a failure as {@link #of} encodes it. Decode with
     * {@link #bytes}.
     */
    public static byte[] ofBytes(Supplier<byte[]> call) {
        byte[] value;
        try {
            value = call.get();
        }
        catch (RuntimeException e) {
            return of(() -> {
                throw e;
            });
        }
        if (value == null)
            return new byte[] {NO_BYTES};
        byte[] encoded = new byte[value.length + 1];
        encoded[0] = BYTES;
        System.arraycopy(value, 0, encoded, 1, value.length);
        return encoded;
    }

    /** The bytes of a reply {@link #ofBytes} encoded (null for none), or throws the exception the call failed with. */
    public static byte[] bytes(byte[] encoded) {
        if (encoded.length > 0 && encoded[0] == BYTES)
            return Arrays.copyOfRange(encoded, 1, encoded.length);
        if (encoded.length == 1 && encoded[0] == NO_BYTES)
            return null;
        // A failure: Java serialization's stream begins with 0xACED, never with either marker.
        Reply.<Object>value(encoded);
        throw new SpillwayException("A reply of the Spillway service carried neither bytes nor a failure");
    }

    /** The value of an encoded reply, or throws the exception the call failed with. */
    @SuppressWarnings("unchecked")
    public static <T> T value(byte[] encoded) {
        Reply reply;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(encoded))) {
            in.setObjectInputFilter(FILTER);
            reply = (Reply)in.readObject();
        }
        catch (IOException | ClassNotFoundException e) {
            throw new SpillwayException("Cannot decode a reply of the Spillway service: " + e, e);
        }
        if (reply.failure != null) {
            reply.failure.fillInStackTrace();
            throw reply.failure;
        }
        return (T)reply.value;
    }
}
