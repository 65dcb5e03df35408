package dev.spillway;

/**
 * An argument or configuration property has a value Spillway does not accept. The message names the argument,
 * the value and what is allowed, for example {@code application="" is blank; allowed: 1 to 200 characters}.
 */
public class InvalidArgumentException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    private final String argument;

    public InvalidArgumentException(String argument, String message) {
        super(message);
        this.argument = argument;
    }

    /** The argument or property that was refused (several, comma-separated, for a configuration). */
    public String argument() {
        return argument;
    }
}
