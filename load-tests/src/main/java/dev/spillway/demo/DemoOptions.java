package dev.spillway.demo;

import java.nio.file.Path;

/**
 * The demo's command line.
 *
 * @param workDir absolute directory of the nodes' work directories; the results go to its parent
 * @param stateBytes the state size asked for with {@code --state-mb}, or 0 to choose it from the free space
 * @param rounds how many timing rounds the rates are the medians of
 * @param help whether only the usage was asked for
 */
record DemoOptions(Path workDir, long stateBytes, int rounds, boolean help) {
    static final int DEFAULT_ROUNDS = 3;
    static final int MAX_ROUNDS = 20;
    static final String USAGE = "usage: Demo [--work-dir DIR] [--state-mb N] [--rounds N]\n"
        + "  --work-dir DIR  the nodes' work directories (default: system property spillway.demo.dir, else "
        + "target/demo-work);\n"
        + "                  the results go to demo-results.json in its parent\n"
        + "  --state-mb N    save N MB instead of the size chosen from the cluster's free space\n"
        + "  --rounds N      timing rounds the rates are medians of, 1 to " + MAX_ROUNDS + " (default "
        + DEFAULT_ROUNDS + ")";

    /** @throws IllegalArgumentException for an unknown argument or a bad value */
    static DemoOptions parse(String[] args) {
        String dir = System.getProperty("spillway.demo.dir", "target/demo-work");
        long state = 0;
        int rounds = DEFAULT_ROUNDS;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    return new DemoOptions(null, 0, DEFAULT_ROUNDS, true);
                }
                case "--work-dir" -> dir = value(args, ++i);
                case "--state-mb" -> state = wholeNumber(args[i], value(args, ++i), 1 << 20, "MB") << 20;
                case "--rounds" -> rounds = (int)wholeNumber(args[i], value(args, ++i), MAX_ROUNDS, "rounds");
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
            }
        }
        return new DemoOptions(Path.of(dir).toAbsolutePath().normalize(), state, rounds, false);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length)
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }

    /** {@code s}, the value of {@code option}, as a whole number of {@code unit} from 1 to {@code max}. */
    private static long wholeNumber(String option, String s, long max, String unit) {
        try {
            long n = Long.parseLong(s);
            if (n >= 1 && n <= max)
                return n;
        }
        catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " " + s + " is not a whole number of " + unit + " from 1 to "
            + max);
    }
}
