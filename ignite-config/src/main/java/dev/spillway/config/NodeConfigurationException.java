package dev.spillway.config;

import java.util.List;

/**
 * A node configuration that cannot start: every problem found, each naming the property, its value, where the
 * value came from and what is allowed.
 */
public class NodeConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final transient List<SettingProblem> details;

    public NodeConfigurationException(List<SettingProblem> details) {
        super("Invalid Spillway node configuration (" + details.size() + " problem"
            + (details.size() == 1 ? "" : "s") + "):\n  "
            + String.join("\n  ", details.stream().map(SettingProblem::line).toList()));
        this.details = List.copyOf(details);
    }

    /** Every problem, as values. */
    public List<SettingProblem> details() {
        return details;
    }

    /** One line per problem, rendered from {@link #details()}. */
    public List<String> problems() {
        return details.stream().map(SettingProblem::line).toList();
    }
}
