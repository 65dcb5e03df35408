package dev.spillway;

import java.util.List;

/**
 * Split-brain protection refused a change: the node's side of the cluster does not hold a strict majority of the
 * Spillway servers the cluster expects, so the other side may hold the majority and accept checkpoints. Saves,
 * commits and deletes are refused on a minority side; restores of committed checkpoints still work there. Nothing
 * of a refused save becomes visible, and committed checkpoints are intact. Saves are accepted again once the side
 * holds a majority: the network heals and the nodes of the minority side are restarted to join the majority, or
 * the missing servers are started again.
 *
 * <p>The servers expected are every server the cluster has had (by consistent id) but those that left on purpose:
 * a node that fails or is cut off is still expected, a node that is stopped is not.
 */
public class NoQuorumException extends SpillwayException {
    private static final long serialVersionUID = 1L;

    private final List<String> visible;
    private final List<String> expected;

    public NoQuorumException(String action, List<String> visible, List<String> expected) {
        super(action + " refused by split-brain protection: this side of the cluster has " + visible.size() + " of "
            + "the " + expected.size() + " Spillway servers expected " + expected + " and needs a strict majority ("
            + (expected.size() / 2 + 1) + "); the others failed or are cut off, and may be accepting checkpoints. "
            + "Restores still work here. Saves resume once this side holds a majority again");
        this.visible = List.copyOf(visible);
        this.expected = List.copyOf(expected);
    }

    /** The Spillway servers this side of the cluster has, by consistent id. */
    public List<String> visibleServers() {
        return visible;
    }

    /** The Spillway servers the cluster expects, by consistent id: all it has had but those stopped on purpose. */
    public List<String> expectedServers() {
        return expected;
    }
}
