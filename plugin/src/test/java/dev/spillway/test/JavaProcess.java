package dev.spillway.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of a child {@code java} process that runs a main class of the tests: this JVM's JDK and
 * classpath, the JDK 17 flags Ignite needs (the system property {@code spillway.jvm.opens}, set by Failsafe from the
 * parent pom), loopback over IPv4, and the heap given.
 */
public final class JavaProcess {
    private JavaProcess() {
    }

    public static List<String> command(String maxHeap, Class<?> main, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opens = System.getProperty("spillway.jvm.opens", "").trim();
        if (opens.isEmpty() || opens.startsWith("${"))
            throw new IllegalStateException("System property spillway.jvm.opens is not set: run under Failsafe, "
                + "which passes it from the parent pom");
        cmd.addAll(Arrays.asList(opens.split("\\s+")));
        cmd.addAll(List.of("-Xmx" + maxHeap, "-XX:+UseG1GC", "-DIGNITE_UPDATE_NOTIFIER=false",
            "-Djava.net.preferIPv4Stack=true", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        return cmd;
    }
}
