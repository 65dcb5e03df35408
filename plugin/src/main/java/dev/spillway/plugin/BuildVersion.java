package dev.spillway.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of the build this plugin comes from, as {@link SpillwayPluginProvider#version()} reports it: read
 * once from {@code version.properties} beside this class, which the build writes from the project's version.
 */
final class BuildVersion {
    /** Reported when the classes were not built by Maven (an IDE's output, say) and so carry no version. */
    static final String UNKNOWN = "unknown";

    /** This build's version, e.g. {@code 0.1.0-SNAPSHOT}, or {@link #UNKNOWN}. */
    static final String VALUE = read(BuildVersion.class.getResourceAsStream("version.properties"));

    private BuildVersion() {
    }

    /** The {@code version} property of {@code in} (closed here), or {@link #UNKNOWN} when absent or unfiltered. */
    static String read(InputStream in) {
        if (in == null)
            return UNKNOWN;
        Properties props = new Properties();
        try (in) {
            props.load(in);
        }
        catch (IOException e) {
            return UNKNOWN;
        }
        String v = props.getProperty("version", "").trim();
        return v.isEmpty() || v.contains("${") ? UNKNOWN : v;
    }
}
