package dev.spillway.wire;

import dev.spillway.CheckpointStore;
import dev.spillway.InvalidArgumentException;

/** Checks the arguments of facade calls; every refusal names the argument, its value and what is allowed. */
public final class Arguments {
    private static final String ALLOWED_APP = "allowed: 1 to " + CheckpointStore.MAX_APPLICATION_LENGTH
        + " characters, not blank, no control characters";

    private Arguments() {
    }

    public static String application(String application) {
        if (application == null)
            throw new InvalidArgumentException("application", "application=null; " + ALLOWED_APP);
        if (application.isBlank())
            throw new InvalidArgumentException("application", "application=\"" + application + "\" is blank; "
                + ALLOWED_APP);
        if (application.length() > CheckpointStore.MAX_APPLICATION_LENGTH)
            throw new InvalidArgumentException("application", "application=\"" + application.substring(0, 20)
                + "...\" has " + application.length() + " characters; " + ALLOWED_APP);
        for (int i = 0; i < application.length(); i++) {
            if (Character.isISOControl(application.charAt(i)))
                throw new InvalidArgumentException("application", "application=\"" + application.replaceAll(
                    "\\p{Cntrl}", "?") + "\" has a control character at index " + i + "; " + ALLOWED_APP);
        }
        return application;
    }

    public static long checkpointId(long checkpointId) {
        if (checkpointId < 1)
            throw new InvalidArgumentException("checkpointId", "checkpointId=" + checkpointId
                + " is not a checkpoint id; allowed: 1 or more");
        return checkpointId;
    }

    public static long expectedSize(long expectedSize) {
        if (expectedSize < 0)
            throw new InvalidArgumentException("expectedSize", "expectedSize=" + expectedSize
                + " is negative; allowed: 0 or more bytes");
        return expectedSize;
    }

    public static byte[] state(byte[] state) {
        if (state == null)
            throw new InvalidArgumentException("state", "state=null; allowed: a byte array, possibly empty");
        return state;
    }
}
