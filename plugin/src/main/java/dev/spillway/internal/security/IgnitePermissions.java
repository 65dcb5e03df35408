package dev.spillway.internal.security;

import org.apache.ignite.plugin.security.SecurityPermission;

/**
 * Which of Ignite's own permissions an identity holds, by how it reached the cluster. A server identity holds all.
 * A thick client is a cluster member running Spillway's engine itself: it reads and writes Spillway's caches,
 * runs compute and calls services, but never joins as a server, deploys a service, administers the cluster or
 * creates or destroys a cache its {@code caches} patterns do not name. A thin client reaches Spillway only through
 * the checkpoint service, which checks it per application and per chunk: Spillway's caches are closed to its own
 * cache calls altogether, and it may use other caches only as its {@code caches} patterns allow.
 */
public final class IgnitePermissions {
    private static final String SPILLWAY_CACHES = "spillway-";

    private IgnitePermissions() {
    }

    /**
     * Why {@code grants} may not have {@code perm} on {@code name}, or null when it may.
     *
     * @param thin whether the caller is a thin client (else a node: server or thick client)
     * @param name the cache, task or service the permission is asked for; null for permissions of no object
     */
    public static String refusal(Grants grants, boolean thin, String name, SecurityPermission perm) {
        if (grants.role() == Grants.Role.SERVER)
            return null;
        switch (perm) {
            case CACHE_READ, CACHE_PUT, CACHE_REMOVE, CACHE_CREATE, CACHE_DESTROY:
                return cacheRefusal(grants, thin, name, perm);
            case SERVICE_INVOKE:
                return null;
            case TASK_EXECUTE, TASK_CANCEL, EVENTS_ENABLE, EVENTS_DISABLE:
                return thin ? "a thin client runs no compute and sees no events" : null;
            case JOIN_AS_SERVER:
                return "it is a client identity; only a server identity joins as a server node";
            default:
                return "only server identities hold " + perm;
        }
    }

    private static String cacheRefusal(Grants grants, boolean thin, String name, SecurityPermission perm) {
        if (name != null && name.startsWith(SPILLWAY_CACHES)) {
            boolean entryAccess = perm == SecurityPermission.CACHE_READ || perm == SecurityPermission.CACHE_PUT
                || perm == SecurityPermission.CACHE_REMOVE;
            if (!thin && entryAccess)
                return null;
            return "Spillway's caches are reached only through Spillway's own calls";
        }
        if (name != null && grants.allowsCache(name))
            return null;
        return "no caches pattern of the identity matches " + name;
    }
}
