package dev.spillway.internal.capacity;

import dev.spillway.NoQuorumException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Split-brain protection: whether the servers a node sees hold a strict majority of those the cluster expects. Only
 * such a side changes Spillway's caches (saves, commits, deletes, removals), so two sides of a network partition
 * never both accept checkpoints, and a side that does not know whether it is the larger refuses.
 *
 * <p>The servers expected are every Spillway server the cluster has had, by consistent id (a node restarted under
 * its name is the same member), but those that left on purpose: a stopping server announces its departure in
 * discovery order, before its leave ({@link #departed}), and its node id is never counted again. A server that
 * fails or is cut off stays expected. A joining node starts from the expected servers of the nodes already there
 * ({@link #join}), and every node then sees the same topologies and departures in the same order, so every node of
 * one side comes to the same answer, which Ignite's topology validation requires.
 *
 * <p>The record of departures is what lets a planned restart of a two-node cluster go on saving: its one running
 * node is a majority of the one server expected.
 *
 * <p>Public for the engine ({@code internal.store}), which refuses saves with it, and the node's assembly, which
 * keeps one per node. Not API: see {@code dev.spillway.internal}.
 */
public final class ServerQuorum {
    /** A server as the quorum counts it: its node id (new at every start) and consistent id (its name). */
    public record Member(UUID id, String name) {
    }

    private final Set<String> expected = new TreeSet<>();
    private final Set<UUID> departed = new HashSet<>();
    /** The servers of the last topology observed, departed ones left out. */
    private List<String> visible = List.of();

    /**
     * Takes the servers of a topology: each becomes expected, unless it has announced its departure. Returns
     * whether they hold a strict majority of the servers expected.
     */
    public synchronized boolean observe(Collection<Member> servers) {
        List<String> names = new ArrayList<>();
        for (Member m : servers) {
            if (!departed.contains(m.id())) {
                names.add(m.name());
                expected.add(m.name());
            }
        }
        visible = List.copyOf(new TreeSet<>(names));
        return hasMajority();
    }

    /** A server is leaving on purpose: it is no longer expected, and never counted again under this node id. */
    public synchronized void departed(Member server) {
        departed.add(server.id());
        expected.remove(server.name());
        visible = visible.stream().filter(n -> !n.equals(server.name())).toList();
    }

    /** The servers expected by a node already in the cluster, taken in when this node joins. */
    public synchronized void join(Collection<String> theirs) {
        expected.addAll(theirs);
    }

    /** The servers this node expects, by consistent id: what it hands to a joining node. */
    public synchronized List<String> expected() {
        return List.copyOf(expected);
    }

    /** The servers expected and not in the last topology observed (lost, not departed on purpose), by name. */
    public synchronized List<String> missing() {
        return expected.stream().filter(n -> !visible.contains(n)).toList();
    }

    /** The servers last observed and those expected, for a log line. */
    public synchronized String describe() {
        return visible.size() + " of the " + expected.size() + " servers expected: " + visible + " of " + expected;
    }

    /** Whether the servers last observed hold a strict majority of those expected. */
    public synchronized boolean hasMajority() {
        return majority(visible.size(), expected.size());
    }

    /** The rule: {@code seen} servers are a strict majority of {@code expected}. */
    private static boolean majority(int seen, int expected) {
        return 2 * seen > expected;
    }

    /**
     * Refuses {@code action} unless {@code servers}, the servers there are now, hold a strict majority of those
     * expected (which they join, for this answer only: Ignite's validation of the topology is what changes what is
     * expected). The early, clear refusal of a save, commit or delete; Ignite's validation refuses any change to
     * Spillway's caches once it has seen a topology without a majority.
     *
     * @throws NoQuorumException naming the action, the servers there are and those expected
     */
    public synchronized void refuseUnlessMajority(String action, Collection<Member> servers) {
        Set<String> seen = new TreeSet<>();
        for (Member m : servers) {
            if (!departed.contains(m.id()))
                seen.add(m.name());
        }
        Set<String> all = new TreeSet<>(expected);
        all.addAll(seen);
        if (!majority(seen.size(), all.size()))
            throw new NoQuorumException(action, List.copyOf(seen), List.copyOf(all));
    }
}
