package dev.spillway.plugin;

import dev.spillway.SpillwayConfiguration;
import dev.spillway.internal.security.Digests;
import dev.spillway.internal.security.SecurityFile;
import java.io.Serializable;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.plugin.PluginValidationException;

/**
 * Keeps a cluster's Spillway configuration uniform: each node sends its cluster-wide properties as configured
 * ({@link SpillwayConfiguration#clusterWide()}: a limit left unset is sent as unset, not as what the node's pages
 * made of it) in its discovery data, and a joining node whose properties differ, or a server node without the
 * plugin, is refused.
 */
final class JoinValidation {
    private JoinValidation() {
    }

    /**
     * What a node sends in its discovery data: its cluster-wide properties, the servers it expects (split-brain
     * protection), which a joining node takes in, and a digest of the identities its security file accepts (empty
     * on a client, or without security).
     */
    record JoinData(LinkedHashMap<String, String> clusterWide, ArrayList<String> expectedServers, String identities)
        implements Serializable {
    }

    static Serializable discoveryData(SpillwayConfiguration config, List<String> expectedServers, String identities) {
        return new JoinData(new LinkedHashMap<>(config.clusterWide()), new ArrayList<>(expectedServers), identities);
    }

    /**
     * What a node states of the identities it accepts: a digest of its identity table when it is a server with a
     * security file (the table itself stays on the node), else empty.
     */
    static String identities(SecurityFile security, boolean server) {
        if (security == null || !server)
            return "";
        return HexFormat.of().formatHex(Digests.sha256(security.tableDigest()));
    }

    /** The servers expected by the node that sent {@code data}. */
    static List<String> expectedServers(Serializable data) {
        return data instanceof JoinData d ? d.expectedServers() : List.of();
    }

    /**
     * @param identities this node's {@link #identities}
     * @throws PluginValidationException naming every differing property, its value there and here
     */
    static void check(SpillwayConfiguration local, String identities, ClusterNode joining, Serializable data) {
        if (data == null) {
            if (joining.isClient())
                return;
            String msg = "Spillway refused server node " + joining.consistentId() + ": it does not run the "
                + "Spillway plugin [plugin=spillway, classpath=spillway-plugin]";
            throw new PluginValidationException(msg, msg, joining.id());
        }
        if (!(data instanceof JoinData joinData)) {
            String msg = "Spillway refused node " + joining.consistentId() + ": it runs another version of the "
                + "Spillway plugin (its join data is a " + data.getClass().getName() + "; this node runs "
                + BuildVersion.VALUE + ")";
            throw new PluginValidationException(msg, msg, joining.id());
        }
        Map<String, String> theirs = joinData.clusterWide();
        List<String> diffs = new ArrayList<>();
        for (Map.Entry<String, String> e : local.clusterWide().entrySet()) {
            String other = theirs.get(e.getKey());
            if (!e.getValue().equals(other))
                diffs.add("spillway." + e.getKey() + "=" + other + " (cluster: " + e.getValue() + ")");
        }
        if (!identities.isEmpty() && !joining.isClient() && !identities.equals(joinData.identities())) {
            diffs.add("identities=" + shortDigest(joinData.identities()) + " (cluster: " + shortDigest(identities)
                + "; every server's security file must accept the same identities)");
        }
        if (!diffs.isEmpty()) {
            String msg = "Spillway configuration of joining node " + joining.consistentId()
                + " differs from the cluster's [" + String.join(", ", diffs) + "]";
            throw new PluginValidationException(msg, msg, joining.id());
        }
    }

    /** The start of a digest, enough to tell two apart in a message. */
    private static String shortDigest(String digest) {
        return digest == null || digest.isEmpty() ? "none" : digest.substring(0, Math.min(12, digest.length()));
    }
}
