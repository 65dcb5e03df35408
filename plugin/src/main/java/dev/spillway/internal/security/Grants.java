package dev.spillway.internal.security;

import dev.spillway.CheckpointAction;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What one identity may do: its role, and per checkpoint action the application patterns it may do it on. Carries
 * no credential: Ignite keeps a node's grants in a node attribute every member can read.
 *
 * @param identity the identity's name in the security file
 * @param role whether it may join as a server node
 * @param actions per action, the application patterns it may do it on (an action left out: none)
 * @param caches patterns of the caches besides Spillway's a client of this identity may use, create and destroy
 * @param quotas its quotas
 */
public record Grants(String identity, Role role, Map<CheckpointAction, List<Pattern>> actions, List<Pattern> caches,
                     Quotas quotas) implements Serializable {

    /** What an identity joins or connects as. */
    public enum Role {
        /** A server node: holds checkpoint data, may do everything. */
        SERVER,
        /** An application, over a thick or a thin client: may do what its patterns allow. */
        CLIENT
    }

    public Grants {
        actions = actions.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(actions));
        caches = List.copyOf(caches);
    }

    /** Grants of a server identity: every action on every application, every cache. */
    public static Grants server(String identity) {
        Map<CheckpointAction, List<Pattern>> all = new EnumMap<>(CheckpointAction.class);
        for (CheckpointAction a : CheckpointAction.values())
            all.put(a, List.of(Pattern.ANY));
        return new Grants(identity, Role.SERVER, all, List.of(Pattern.ANY), Quotas.NONE);
    }

    /** Grants of an identity that may do nothing. */
    public static Grants none(String identity) {
        return new Grants(identity, Role.CLIENT, Map.of(), List.of(), Quotas.NONE);
    }

    /** Whether this identity may do {@code action} on {@code application}'s checkpoints. */
    public boolean allows(CheckpointAction action, String application) {
        return Pattern.anyMatches(actions.getOrDefault(action, List.of()), application);
    }

    /** Whether a client of this identity may use cache {@code name}, which is not Spillway's. */
    public boolean allowsCache(String name) {
        return Pattern.anyMatches(caches, name);
    }
}
