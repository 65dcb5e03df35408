package dev.spillway.internal.ignite;

import dev.spillway.internal.security.Grants;
import dev.spillway.internal.security.SecurityFile;
import java.util.function.Supplier;
import org.apache.ignite.Ignite;
import org.apache.ignite.internal.IgniteEx;
import org.apache.ignite.internal.processors.security.GridSecurityProcessor;
import org.apache.ignite.internal.processors.security.IgniteSecurity;
import org.apache.ignite.internal.processors.security.OperationSecurityContext;
import org.apache.ignite.plugin.PluginContext;

/**
 * Where Spillway meets Ignite's security: the processor the plugin gives a node, who the current call runs as,
 * and running Spillway's own work as the node rather than as the caller.
 */
public final class NodeSecurity {
    private NodeSecurity() {
    }

    /**
     * The component the plugin answers Ignite's {@code createComponent(cls)} with: Spillway's security processor
     * when {@code cls} asks for one and {@code file} is given, else null.
     */
    public static <T> T component(PluginContext ctx, Class<T> cls, SecurityFile file) {
        if (file == null || !cls.equals(GridSecurityProcessor.class))
            return null;
        return cls.cast(new SpillwaySecurity(((IgniteEx)ctx.grid()).context(), file));
    }

    /** The grants of the identity the current call runs as; null when the node runs without Spillway security. */
    public static Grants caller(Ignite ignite) {
        IgniteSecurity security = ((IgniteEx)ignite).context().security();
        if (!security.enabled())
            return null;
        return SpillwaySecurity.grants(security.securityContext());
    }

    /**
     * Runs {@code work} as this node, not as the caller: Spillway's own reads and writes of its caches, which a
     * thin client's identity may not do itself. Checks of the caller come first.
     */
    public static <T> T asNode(Ignite ignite, Supplier<T> work) {
        IgniteSecurity security = ((IgniteEx)ignite).context().security();
        if (!security.enabled() || security.isDefaultContext())
            return work.get();
        try (OperationSecurityContext ignored = security.withContext(ignite.cluster().localNode().id())) {
            return work.get();
        }
    }
}
