package dev.spillway.config;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The command line of a Spillway server node: {@code --config FILE}, {@code --help}, and one option per
 * {@link NodeSetting} ({@code --name} also names the node). Built from the settings, so the options, their help and
 * the properties can never disagree.
 */
public final class NodeCommandLine {
    /** What a command line said. */
    public record Parsed(Path configFile, Map<NodeSetting, String> options, boolean help) {
    }

    private NodeCommandLine() {
    }

    /**
     * @throws NodeConfigurationException for an unknown option or a missing value
     */
    public static Parsed parse(String... args) {
        CommandSpec spec = spec();
        ParseResult result;
        try {
            result = new CommandLine(spec).parseArgs(args);
        }
        catch (CommandLine.ParameterException e) {
            throw new NodeConfigurationException(List.of(new SettingProblem("command line", null, null,
                "is refused: " + e.getMessage() + "; see --help", "the options --help lists")));
        }
        Map<NodeSetting, String> options = new EnumMap<>(NodeSetting.class);
        for (NodeSetting s : NodeSetting.values()) {
            if (result.hasMatchedOption(s.option()))
                options.put(s, result.matchedOptionValue(s.option(), ""));
        }
        String config = result.matchedOptionValue("--config", null);
        return new Parsed(config == null ? null : Path.of(config), options, result.isUsageHelpRequested());
    }

    /** The options, their defaults and their property and environment names. */
    public static String usage(String command) {
        CommandSpec spec = spec().name(command);
        return new CommandLine(spec).getUsageMessage(CommandLine.Help.Ansi.OFF);
    }

    private static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("spillway-node");
        spec.usageMessage().description("Starts one Spillway server node. Each setting is read from, in rising "
                + "precedence: its default, the properties file (--config), its environment variable, its option.")
            .sortOptions(false);
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(String.class)
            .description("a properties file of settings (keys as below)").build());
        for (NodeSetting s : NodeSetting.values()) {
            String[] names = s == NodeSetting.NODE_NAME ? new String[] {s.option(), "--name"} : new String[] {
                s.option()};
            String dflt = s.defaultValue() == null ? "" : " Default: " + s.defaultValue() + ".";
            spec.addOption(OptionSpec.builder(names).paramLabel(s.kind() == NodeSetting.Kind.SECRET ? "PASSWORD"
                    : s.kind().name()).type(String.class)
                .description(capitalize(s.description()) + "." + dflt + " (" + s.key() + ", " + s.environment() + ")")
                .build());
        }
        spec.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).description("this text").build());
        return spec;
    }

    private static String capitalize(String s) {
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
