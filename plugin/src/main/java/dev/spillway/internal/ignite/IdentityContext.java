package dev.spillway.internal.ignite;

import dev.spillway.internal.security.Grants;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.util.UUID;
import org.apache.ignite.internal.processors.security.SecurityContext;
import org.apache.ignite.plugin.security.SecuritySubject;
import org.apache.ignite.plugin.security.SecuritySubjectType;

/**
 * Who a call runs as, for Ignite: the authenticated subject and its identity's grants. Serializable because Ignite
 * keeps a node's context in a node attribute; it holds no credential.
 */
final class IdentityContext implements SecurityContext, Serializable {
    private static final long serialVersionUID = 1L;

    private final Subject subject;
    private final Grants grants;

    IdentityContext(UUID id, SecuritySubjectType type, Grants grants, InetSocketAddress address) {
        this.subject = new Subject(id, type, grants.identity(), address);
        this.grants = grants;
    }

    @Override
    public SecuritySubject subject() {
        return subject;
    }

    Grants grants() {
        return grants;
    }

    boolean thin() {
        return subject.type() == SecuritySubjectType.REMOTE_CLIENT;
    }

    @Override
    public String toString() {
        return (thin() ? "thin client " : "node ") + grants.identity();
    }

    private record Subject(UUID id, SecuritySubjectType type, String login, InetSocketAddress address)
        implements SecuritySubject {
    }
}
