package dev.spillway.client;

import dev.spillway.SpillwayException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The JVM options the thin client needs on JDK 17: Ignite's client reaches into JDK internals (the address of a
 * direct buffer first), which JDK 17 refuses unless the packages are opened with {@code --add-opens}. Without them
 * Ignite fails deep in a static initializer ({@code ExceptionInInitializerError}: "module java.base does not opens
 * java.nio"); {@link #requireOpened} fails first, naming every option to add.
 */
final class JdkFlags {
    /** The options, one line, as the build wrote them from the parent pom ({@code spillway.jvm.opens}). */
    private static final String RESOURCE = "jvm-opens.txt";

    private JdkFlags() {
    }

    /** Every {@code --add-opens=module/package=ALL-UNNAMED} option the client needs. */
    static List<String> options() {
        try (InputStream in = JdkFlags.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IllegalStateException(RESOURCE + " is missing from spillway-app-adapter's jar");
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim().split("\\s+"))
                .filter(o -> !o.isBlank()).toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The options of {@code options} whose package this JVM has not opened to the client's code. */
    static List<String> missing(List<String> options) {
        Module client = JdkFlags.class.getModule();
        List<String> missing = new ArrayList<>();
        for (String option : options) {
            String[] target = option.substring(option.indexOf('=') + 1).split("[/=]");
            Optional<Module> module = ModuleLayer.boot().findModule(target[0]);
            // A module this runtime lacks (a jlink image without java.desktop) has nothing to open.
            if (module.isPresent() && !module.get().isOpen(target[1], client))
                missing.add(option);
        }
        return missing;
    }

    /**
     * Fails, naming every option to add, when this JVM lacks some of them.
     *
     * @throws SpillwayException when a package the client needs is not opened
     */
    static void requireOpened() {
        List<String> options = options();
        List<String> missing = missing(options);
        if (!missing.isEmpty())
            throw new SpillwayException("The Spillway thin client runs Ignite's, which on JDK 17 needs these JVM "
                + "options, " + missing.size() + " of them missing here. Start java with (or set JDK_JAVA_OPTIONS "
                + "to): " + String.join(" ", options));
    }
}
