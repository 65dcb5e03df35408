package dev.spillway.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM started by a load-test JVM (node processes, the example application): this JVM's
 * java, its JDK module flags and IPv4 setting (the launcher gave them), its classpath, the heap and extra options
 * given, then the main class and its arguments.
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    public static List<String> command(String maxHeap, List<String> jvmOptions, String mainClass,
                                       List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports") || arg.startsWith("-Djava.net"))
                cmd.add(arg);
        }
        cmd.addAll(jvmOptions);
        cmd.add("-Xmx" + maxHeap);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        return cmd;
    }
}
