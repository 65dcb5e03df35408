package dev.spillway.internal.ignite;

import dev.spillway.internal.security.Digests;
import dev.spillway.internal.security.Grants;
import dev.spillway.internal.security.IgnitePermissions;
import dev.spillway.internal.security.SecurityFile;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.internal.GridKernalContext;
import org.apache.ignite.internal.IgniteNodeAttributes;
import org.apache.ignite.internal.processors.GridProcessorAdapter;
import org.apache.ignite.internal.processors.authentication.IgniteAccessControlException;
import org.apache.ignite.internal.processors.security.GridSecurityProcessor;
import org.apache.ignite.internal.processors.security.SecurityContext;
import org.apache.ignite.plugin.security.AuthenticationContext;
import org.apache.ignite.plugin.security.SecurityCredentials;
import org.apache.ignite.plugin.security.SecurityException;
import org.apache.ignite.plugin.security.SecurityPermission;
import org.apache.ignite.plugin.security.SecuritySubject;
import org.apache.ignite.plugin.security.SecuritySubjectType;

/**
 * Spillway's security for Ignite, given to the node by the plugin when a security file is configured: it
 * authenticates server nodes and thick clients when they join and thin clients at their handshake, against the
 * identities of the file, and answers Ignite's permission checks from each identity's grants.
 *
 * <p>A thin client's subject id is derived from its identity, so every server node resolves it from its own file:
 * a call a thin client started on one node may run on another (a service call the first relays, a put the first
 * forwards to the primary) under the same subject. Node subjects are Ignite's: a node's context travels in its
 * attributes.
 */
final class SpillwaySecurity extends GridProcessorAdapter implements GridSecurityProcessor {
    private final SecurityFile file;
    /** Credentials that passed lately ({@link #seenKey}): how long a passed check is remembered, and how many. */
    private static final Duration REMEMBERED = Duration.ofMinutes(10);
    private static final int REMEMBERED_CREDENTIALS = 1_000;
    private final Cache<String, Boolean> recentlyVerified = Caffeine.newBuilder().expireAfterWrite(REMEMBERED)
        .maximumSize(REMEMBERED_CREDENTIALS).build();
    /** The thin-client context of every identity of the file, by its subject id. */
    private final Map<UUID, IdentityContext> thinContexts = new HashMap<>();

    SpillwaySecurity(GridKernalContext ctx, SecurityFile file) {
        super(ctx);
        this.file = file;
        file.identities().forEach((name, id) -> {
            UUID subject = thinSubjectId(name);
            thinContexts.put(subject, new IdentityContext(subject, SecuritySubjectType.REMOTE_CLIENT, id.grants(),
                null));
        });
    }

    /** Name-based (version 3) UUIDs are thin clients' subject ids; Ignite's node ids are random (version 4). */
    private static final int THIN_SUBJECT_VERSION = 3;

    static UUID thinSubjectId(String identity) {
        return UUID.nameUUIDFromBytes(("spillway thin client " + identity).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void start() {
        // What this node presents when it joins; Ignite keeps it out of the attributes other nodes see.
        ctx.addNodeAttribute(IgniteNodeAttributes.ATTR_SECURITY_CREDENTIALS,
            new SecurityCredentials(file.nodeIdentity(), new String(file.nodePassword())));
    }

    @Override
    public SecurityContext authenticateNode(ClusterNode node, SecurityCredentials cred) {
        String login = cred == null || cred.getLogin() == null ? null : cred.getLogin().toString();
        SecurityFile.Identity identity = verified(login, cred == null ? null : cred.getPassword());
        if (identity == null) {
            log.warning("Refused node " + node.id() + " at " + node.addresses() + (login == null
                ? ": it presented no identity" : ": identity '" + login + "' is unknown or its password is wrong"));
            return null;
        }
        return new IdentityContext(node.id(), SecuritySubjectType.REMOTE_NODE, identity.grants(), null);
    }

    @Override
    public boolean isGlobalNodeAuthentication() {
        // Only the coordinator checks a joining node: thick clients hold no identities to check against.
        return false;
    }

    @Override
    public SecurityContext authenticate(AuthenticationContext authCtx) throws IgniteCheckedException {
        SecurityCredentials cred = authCtx.credentials();
        String login = cred == null || cred.getLogin() == null ? null : cred.getLogin().toString();
        if (login == null || login.isEmpty()) {
            throw new IgniteAccessControlException("Spillway refused the connection from " + authCtx.address()
                + ": it gave no user name; this cluster requires an identity and its password "
                + "(ClientConfiguration.setUserName and setUserPassword)");
        }
        SecurityFile.Identity identity = verified(login, cred.getPassword());
        if (identity == null) {
            log.warning("Refused a thin client at " + authCtx.address() + ": identity '" + login
                + "' is unknown or its password is wrong");
            throw new IgniteAccessControlException("Spillway refused the connection: identity '" + login
                + "' is unknown or its password is wrong");
        }
        return thinContexts.get(thinSubjectId(login));
    }

    private SecurityFile.Identity verified(String login, Object password) {
        if (login == null || password == null)
            return null;
        SecurityFile.Identity identity = file.identities().get(login);
        if (identity == null)
            return null;
        // A credential that passed lately passes again without PBKDF2's cost (a client's connection to each server,
        // a reconnect); a wrong one pays it every time.
        String seen = seenKey(login, identity, password.toString());
        if (recentlyVerified.getIfPresent(seen) != null)
            return identity;
        if (!identity.password().matches(password.toString().toCharArray()))
            return null;
        recentlyVerified.put(seen, Boolean.TRUE);
        return identity;
    }

    /** A digest of the identity, its stored hash and the password given: what a passed check is remembered by. */
    private static String seenKey(String login, SecurityFile.Identity identity, String password) {
        return HexFormat.of().formatHex(Digests.sha256((login + "\0" + identity.password() + "\0")
            .getBytes(StandardCharsets.UTF_8), password.getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Collection<SecuritySubject> authenticatedSubjects() {
        Collection<SecuritySubject> subjects = new ArrayList<>();
        thinContexts.values().forEach(c -> subjects.add(c.subject()));
        return subjects;
    }

    @Override
    public SecuritySubject authenticatedSubject(UUID subjId) {
        IdentityContext c = thinContexts.get(subjId);
        return c == null ? null : c.subject();
    }

    @Override
    public SecurityContext securityContext(UUID subjId) {
        IdentityContext c = thinContexts.get(subjId);
        if (c != null || subjId.version() != THIN_SUBJECT_VERSION)
            // Null for a node id: Ignite then takes the node's context from its attributes.
            return c;
        // A thin client's id this node has no identity for: a thick client's file holds none, yet it handles
        // cluster-wide messages a thin client caused (a binary type it registered). It may do nothing here.
        return new IdentityContext(subjId, SecuritySubjectType.REMOTE_CLIENT, Grants.none("(a thin client)"), null);
    }

    @Override
    public void authorize(String name, SecurityPermission perm, SecurityContext securityCtx) throws SecurityException {
        if (!(securityCtx instanceof IdentityContext c))
            throw new SecurityException("Spillway refused " + perm + (name == null ? "" : " on " + name)
                + ": the caller has no Spillway identity (" + securityCtx + ")");
        String refusal = IgnitePermissions.refusal(c.grants(), c.thin(), name, perm);
        if (refusal != null) {
            throw new SecurityException("Identity '" + c.grants().identity() + "' may not " + perm
                + (name == null ? "" : " on " + name) + ": " + refusal);
        }
    }

    @Override
    public void onSessionExpired(UUID subjId) {
        // Nothing to forget: a thin client's context is its identity's, shared by its connections and nodes.
    }

    @Override
    @SuppressWarnings("deprecation")
    public boolean enabled() {
        return true;
    }

    /** The grants of the identity {@code ctx} runs as, or null when it is not one of Spillway's. */
    static Grants grants(SecurityContext ctx) {
        return ctx instanceof IdentityContext c ? c.grants() : null;
    }
}
