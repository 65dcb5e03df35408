package dev.spillway.client;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.EventListener;
import org.apache.ignite.client.events.ConnectionDescription;
import org.apache.ignite.client.events.RequestEventListener;
import org.apache.ignite.client.events.RequestStartEvent;
import org.apache.ignite.configuration.ClientConfiguration;

/**
 * Which server the thin client sent the calling thread's last request to. The thin client chooses the connection
 * itself (the partition's primary for a chunk, one at random for a call that names no partition) and tells its
 * request listeners as it sends, on the thread that sends. A call that runs out of time is then named after the
 * server that holds it, which is not always the one it was meant for. One listener serves every client: what it
 * keeps is the calling thread's own.
 */
final class SentTo implements RequestEventListener {
    private static final SentTo LISTENER = new SentTo();
    private static final ThreadLocal<ConnectionDescription> LAST = new ThreadLocal<>();
    /** Where the calling thread's requests are reported as well, for a caller on another thread. */
    private static final ThreadLocal<AtomicReference<ConnectionDescription>> SINK = new ThreadLocal<>();

    private SentTo() {
    }

    @Override
    public void onRequestStart(RequestStartEvent event) {
        LAST.set(event.connectionDescription());
        AtomicReference<ConnectionDescription> sink = SINK.get();
        if (sink != null)
            sink.set(event.connectionDescription());
    }

    /** Runs {@code call}, telling {@code sink} which connection each of its requests went out on. */
    static <T> T reporting(AtomicReference<ConnectionDescription> sink, Supplier<T> call) {
        SINK.set(sink);
        try {
            return call.get();
        }
        finally {
            SINK.remove();
        }
    }

    /** Adds the listener to {@code config}'s, once. */
    static void listenOn(ClientConfiguration config) {
        EventListener[] listeners = config.getEventListeners();
        if (listeners == null) {
            config.setEventListeners(LISTENER);
            return;
        }
        for (EventListener l : listeners) {
            if (l == LISTENER)
                return;
        }
        EventListener[] more = Arrays.copyOf(listeners, listeners.length + 1);
        more[listeners.length] = LISTENER;
        config.setEventListeners(more);
    }

    /** Forgets the calling thread's last request, before a call whose connection is wanted. */
    static void clear() {
        LAST.remove();
    }

    /** The connection of the calling thread's last request since {@link #clear}, or null if it sent none. */
    static ConnectionDescription last() {
        return LAST.get();
    }
}
