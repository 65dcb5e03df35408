package dev.spillway;

/**
 * The caller's identity may not do this with this application's checkpoints. The same message on every access
 * path (inside a server node, on a thick client, over the thin client): it names the identity, the action and the
 * application. Nothing was read or changed.
 */
public class AccessDeniedException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    private final String identity;
    private final CheckpointAction action;
    private final String application;

    public AccessDeniedException(String identity, CheckpointAction action, String application) {
        super("Identity '" + identity + "' may not " + action.label() + " checkpoints of application '"
            + application + "': the security file grants it no " + action.label() + " pattern that matches");
        this.identity = identity;
        this.action = action;
        this.application = application;
    }

    /** The identity that was refused, as the security file names it. */
    public String identity() {
        return identity;
    }

    public CheckpointAction action() {
        return action;
    }

    public String application() {
        return application;
    }
}
