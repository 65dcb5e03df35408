package dev.spillway.client;

import dev.spillway.InvalidArgumentException;
import dev.spillway.wire.Layout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.cluster.ClusterNode;

/**
 * Which server a thin client's checkpoints are placed on first. Named by consistent id, by thin-client
 * {@code host:port}, or by default the server of the first configured address that maps to a Spillway server.
 * A node is matched to an address by its thin-client port (the {@code clientListenerPort} attribute Ignite
 * publishes) and its IP addresses. The home is kept by consistent id, so a restarted home server is home again.
 */
final class HomeServer {
    private static final String CLIENT_PORT_ATTRIBUTE = "clientListenerPort";
    private static final int DEFAULT_THIN_PORT = 10800;

    private final Supplier<IgniteClient> client;
    private final Map<UUID, String> names;
    private final String consistentId;
    private final String[] addresses;
    private volatile ClusterNode cached;

    private HomeServer(Supplier<IgniteClient> client, Map<UUID, String> names, String consistentId,
                       String[] addresses) {
        this.client = client;
        this.names = names;
        this.consistentId = consistentId;
        this.addresses = addresses;
    }

    /**
     * @param client the thin client the calls go through now
     * @param names where the servers' consistent ids are learned by node id, each time they are listed
     */
    static HomeServer resolve(Supplier<IgniteClient> client, Map<UUID, String> names, String[] addresses,
                              String home) {
        Collection<ClusterNode> servers = servers(client.get(), names);
        if (servers.isEmpty())
            throw new IllegalStateException("No Spillway server node in the cluster: is the plugin on the servers?");
        if (home == null) {
            ClusterNode first = firstByAddress(servers, addresses);
            if (first == null)
                throw new InvalidArgumentException("home", "None of the configured addresses " + List.of(addresses)
                    + " maps to a Spillway server node; name the home server by consistent id");
            return new HomeServer(client, names, first.consistentId().toString(), addresses);
        }
        for (ClusterNode n : servers) {
            if (n.consistentId().toString().equals(home))
                return new HomeServer(client, names, home, addresses);
        }
        ClusterNode byAddress = firstByAddress(servers, new String[] {home});
        if (byAddress == null) {
            List<String> known = servers.stream().map(n -> n.consistentId() + " (thin port "
                + n.attribute(CLIENT_PORT_ATTRIBUTE) + ")").sorted().toList();
            throw new InvalidArgumentException("home", "home=\"" + home + "\" names no Spillway server node; "
                + "allowed: a consistent id or thin-client host:port of one of " + known);
        }
        return new HomeServer(client, names, byAddress.consistentId().toString(), addresses);
    }

    String consistentId() {
        return consistentId;
    }

    /**
     * The server control calls go to. The home server, once found, is kept without asking the cluster again until
     * a call to it fails ({@link #forget}); while the home is away, the cluster is asked every time, so the home is
     * used again as soon as it is back.
     */
    ClusterNode current() {
        ClusterNode n = cached;
        if (n != null)
            return n;
        n = resolve();
        if (n != null && n.consistentId().toString().equals(consistentId))
            cached = n;
        return n;
    }

    /** Whether the home server is in the cluster now (the cluster is asked). */
    boolean inCluster() {
        return home(servers(client.get(), names)) != null;
    }

    /** Forgets the server found last time, after a call to it failed: the next call looks again. */
    void forget() {
        cached = null;
    }

    /** The home server if it is in the cluster, else the server of the first address that is, else null. */
    private ClusterNode resolve() {
        Collection<ClusterNode> servers = servers(client.get(), names);
        ClusterNode home = home(servers);
        return home != null ? home : firstByAddress(servers, addresses);
    }

    /** The home server among {@code servers}, or null. */
    private ClusterNode home(Collection<ClusterNode> servers) {
        for (ClusterNode n : servers) {
            if (n.consistentId().toString().equals(consistentId))
                return n;
        }
        return null;
    }

    private static Collection<ClusterNode> servers(IgniteClient client, Map<UUID, String> names) {
        Collection<ClusterNode> servers = client.cluster().forAttribute(Layout.SERVER_ATTRIBUTE, "true").nodes();
        for (ClusterNode n : servers)
            names.put(n.id(), String.valueOf(n.consistentId()));
        return servers;
    }

    private static ClusterNode firstByAddress(Collection<ClusterNode> servers, String[] addresses) {
        if (addresses == null)
            return null;
        for (String address : addresses) {
            for (ClusterNode n : servers) {
                if (matches(n, address))
                    return n;
            }
        }
        return null;
    }

    /** Whether {@code address} ({@code host}, {@code host:port} or {@code host:from..to}) reaches node n. */
    private static boolean matches(ClusterNode n, String address) {
        Object port = n.attribute(CLIENT_PORT_ATTRIBUTE);
        if (!(port instanceof Integer p))
            return false;
        String host = address;
        int from = DEFAULT_THIN_PORT;
        int to = DEFAULT_THIN_PORT;
        int colon = address.lastIndexOf(':');
        if (colon > 0 && address.indexOf(':') == colon) {
            host = address.substring(0, colon);
            String ports = address.substring(colon + 1);
            int range = ports.indexOf("..");
            try {
                from = Integer.parseInt(range < 0 ? ports : ports.substring(0, range));
                to = range < 0 ? from : Integer.parseInt(ports.substring(range + 2));
            }
            catch (NumberFormatException e) {
                return false;
            }
        }
        if (p < from || p > to)
            return false;
        Set<String> nodeIps = new HashSet<>();
        for (String a : n.addresses())
            nodeIps.add(normalize(a));
        for (String ip : resolve(host)) {
            if (nodeIps.contains(ip))
                return true;
        }
        return false;
    }

    private static List<String> resolve(String host) {
        List<String> ips = new ArrayList<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(host))
                ips.add(normalize(a.getHostAddress()));
        }
        catch (UnknownHostException e) {
            // An address that does not resolve names no node.
        }
        return ips;
    }

    private static String normalize(String ip) {
        int zone = ip.indexOf('%');
        return zone < 0 ? ip : ip.substring(0, zone);
    }
}
