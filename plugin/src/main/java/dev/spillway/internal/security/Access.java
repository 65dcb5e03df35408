package dev.spillway.internal.security;

import dev.spillway.AccessDeniedException;
import dev.spillway.CheckpointAction;

/** The one check of a checkpoint call against its caller's grants, the same on every access path. */
public final class Access {
    private Access() {
    }

    /**
     * Returns when {@code caller} may do {@code action} on {@code application}.
     *
     * @param caller the caller's grants; null when the node runs without Spillway security (everything allowed)
     * @throws AccessDeniedException naming the identity, the action and the application
     */
    public static void require(Grants caller, CheckpointAction action, String application) {
        if (!allows(caller, action, application))
            throw new AccessDeniedException(caller.identity(), action, application);
    }

    /** Whether {@code caller} (null without Spillway security: everything allowed) may do {@code action}. */
    public static boolean allows(Grants caller, CheckpointAction action, String application) {
        return caller == null || caller.allows(action, application);
    }

    /** The caller's identity as messages and session owners name it; null without Spillway security. */
    public static String identity(Grants caller) {
        return caller == null ? null : caller.identity();
    }
}
