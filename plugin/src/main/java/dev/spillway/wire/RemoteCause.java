package dev.spillway.wire;

/**
 * A server-side cause of a Spillway failure whose type a thin client cannot decode (an Ignite exception): its class
 * name and message, where it was thrown, and its own cause. Made by {@link Reply} only.
 */
public final class RemoteCause extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private RemoteCause(String message) {
        super(message);
    }

    static RemoteCause of(Throwable t) {
        RemoteCause c = new RemoteCause(t.getClass().getName() + ": " + t.getMessage());
        c.setStackTrace(t.getStackTrace());
        // Written in turn, and replaced too where its type is not decodable.
        if (t.getCause() != null)
            c.initCause(t.getCause());
        return c;
    }
}
