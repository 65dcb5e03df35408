package dev.spillway.demo;

import java.nio.file.Path;

/**
 * The demo's command line.
 *
 * @param workDir absolute directory of the nodes' work directories; the results go to its parent
 * @param stateBytes the state size asked for with {@code --state-mb}, or 0 to choose it from the free space
 * @param help whether only the usage was asked for
 */
record DemoOptions(Path workDir, long stateBytes, boolean help) {
    static final String USAGE = "usage: Demo [--work-dir DIR] [--state-mb N]\n"
        + "  --work-dir DIR  the nodes' work directories (default: system property spillway.demo.dir, else "
        + "target/demo-work);\n"
        + "                  the results go to demo-results.json in its parent\n"
        + "  --state-mb N    save N MB instead of the size chosen from the cluster's free space";

    /** @throws IllegalArgumentException for an unknown argument or a bad value */
    static DemoOptions parse(String[] args) {
        String dir = System.getProperty("spillway.demo.dir", "target/demo-work");
        long state = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    return new DemoOptions(null, 0, true);
                }
                case "--work-dir" -> dir = value(args, ++i);
                case "--state-mb" -> state = megabytes(value(args, ++i));
                default -> throw new IllegalArgumentException("Unknown argument: " + args[i]);
            }
        }
        return new DemoOptions(Path.of(dir).toAbsolutePath().normalize(), state, false);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length)
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        return args[i];
    }

    private static long megabytes(String s) {
        try {
            long mb = Long.parseLong(s);
            if (mb >= 1 && mb <= 1 << 20)
                return mb << 20;
        }
        catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--state-mb " + s + " is not a whole number of MB from 1 to 1048576");
    }
}
