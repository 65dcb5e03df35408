package dev.spillway.config;

import java.util.List;

/**
 * A node configuration that cannot start: every problem found, each naming the property, its value, where the
 * value came from and what is allowed.
 */
public class NodeConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public NodeConfigurationException(List<String> problems) {
        super("Invalid Spillway node configuration (" + problems.size() + " problem"
            + (problems.size() == 1 ? "" : "s") + "):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem. */
    public List<String> problems() {
        return problems;
    }
}
