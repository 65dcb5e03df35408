package dev.spillway.internal.capacity;

import dev.spillway.internal.capacity.ServerQuorum.Member;
import dev.spillway.wire.Layout;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.ignite.IgniteLogger;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.TopologyValidator;
import org.apache.ignite.plugin.CacheTopologyValidatorProvider;

/**
 * Ignite's side of split-brain protection: Spillway's caches accept changes (puts, removes, entry processors,
 * streamers) only while the node's topology holds a majority of the servers expected ({@link ServerQuorum}). Ignite
 * runs the validator on every node at the end of every topology change, and a write started on a node whose last
 * validation failed is refused there ("cache topology is not valid"), so a write that raced a partition's
 * detection is refused once the node has seen it, wherever it was planned. Reads are never refused.
 *
 * <p>Provided through the plugin's extensions ({@link #provider}), not the cache configuration, so that it reaches
 * the node's own quorum rather than a copy Ignite deserialized.
 *
 * <p>Public for the plugin provider ({@code dev.spillway.plugin}), which registers it. Not API: see {@code
 * dev.spillway.internal}.
 */
public final class QuorumValidator implements TopologyValidator {
    private static final long serialVersionUID = 1L;

    private final transient ServerQuorum quorum;
    private final transient IgniteLogger log;

    private QuorumValidator(ServerQuorum quorum, IgniteLogger log) {
        this.quorum = quorum;
        this.log = log;
    }

    /**
     * The validator of each of {@code caches}, over {@code quorum}; no validator for other caches. It logs to
     * {@code log} when the node's side gains or loses its majority.
     */
    public static CacheTopologyValidatorProvider provider(ServerQuorum quorum, Set<String> caches, IgniteLogger log) {
        QuorumValidator validator = new QuorumValidator(quorum, log);
        return cache -> caches.contains(cache) ? validator : null;
    }

    /** The Spillway servers among {@code nodes}, as the quorum counts them. */
    public static List<Member> servers(Collection<ClusterNode> nodes) {
        return nodes.stream().filter(n -> "true".equals(n.attribute(Layout.SERVER_ATTRIBUTE)))
            .map(n -> new Member(n.id(), String.valueOf(n.consistentId()))).toList();
    }

    @Override
    public boolean validate(Collection<ClusterNode> nodes) {
        boolean before = quorum.hasMajority();
        boolean now = quorum.observe(servers(nodes));
        if (now != before && log != null) {
            if (now) {
                if (log.isInfoEnabled())
                    log.info("Spillway split-brain protection: this side of the cluster holds a majority ("
                        + quorum.describe() + "); it accepts saves");
            }
            else
                log.warning("Spillway split-brain protection: this side of the cluster does not hold a majority ("
                    + quorum.describe() + "); it refuses saves, commits and deletes until it does");
        }
        return now;
    }
}
