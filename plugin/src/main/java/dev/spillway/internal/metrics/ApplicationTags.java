package dev.spillway.internal.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code application} tag of per-application meters: the application's own name for the first {@code cap}
 * distinct applications seen, {@value #OTHER} for every other, so a node with many applications keeps a bounded
 * number of time series.
 */
final class ApplicationTags {
    /** The tag of applications past the cap. */
    static final String OTHER = "other";

    private final int cap;
    private final Set<String> named = ConcurrentHashMap.newKeySet();

    ApplicationTags(int cap) {
        this.cap = cap;
    }

    String tag(String application) {
        if (named.contains(application))
            return application;
        synchronized (this) {
            if (named.size() < cap) {
                named.add(application);
                return application;
            }
        }
        return named.contains(application) ? application : OTHER;
    }
}
