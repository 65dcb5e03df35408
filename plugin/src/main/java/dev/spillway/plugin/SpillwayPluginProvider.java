package dev.spillway.plugin;

import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.SpillwayPlugin;
import dev.spillway.internal.capacity.QuorumValidator;
import dev.spillway.internal.ignite.NodeSecurity;
import dev.spillway.internal.security.ChunkTokens;
import dev.spillway.internal.security.SecurityFile;
import dev.spillway.wire.Layout;
import java.io.Serializable;
import java.util.Set;
import java.util.UUID;
import org.apache.ignite.IgniteCheckedException;
import org.apache.ignite.cluster.ClusterNode;
import org.apache.ignite.configuration.IgniteConfiguration;
import org.apache.ignite.plugin.CachePluginContext;
import org.apache.ignite.plugin.CachePluginProvider;
import org.apache.ignite.plugin.CacheTopologyValidatorProvider;
import org.apache.ignite.plugin.ExtensionRegistry;
import org.apache.ignite.plugin.PluginConfiguration;
import org.apache.ignite.plugin.PluginContext;
import org.apache.ignite.plugin.PluginProvider;
import org.jetbrains.annotations.Nullable;

/**
 * The Spillway plugin's entry point: found by {@code ServiceLoader} when {@code spillway-plugin} is on a node's
 * classpath, or given explicitly with {@code IgniteConfiguration.setPluginProviders(new
 * SpillwayPluginProvider(config))}. It only wires the lifecycle: the node's setup ({@code NodeSetup}) before Ignite
 * creates regions and caches, then the node's runtime ({@code NodeRuntime}).
 */
public class SpillwayPluginProvider implements PluginProvider<SpillwayConfiguration> {
    private final SpillwayConfiguration explicit;
    /**
     * The configuration as given, what nodes compare at join; the node runs with {@code NodeSetup.effective}'s
     * copy of it.
     */
    private SpillwayConfiguration config;
    private NodeRuntime runtime;
    /** The node's security file, read in initExtensions; null for an open cluster. */
    private SecurityFile security;
    /** What this node states of the identities it accepts ({@code JoinValidation.identities}). */
    private String identities = "";

    /** Takes its configuration from {@code IgniteConfiguration.getPluginConfigurations()}, else the defaults. */
    public SpillwayPluginProvider() {
        this(null);
    }

    public SpillwayPluginProvider(SpillwayConfiguration config) {
        this.explicit = config;
    }

    /** The configuration given to the constructor, or null when the node's configuration provides it. */
    public SpillwayConfiguration configuration() {
        return explicit;
    }

    @Override
    public String name() {
        return Spillway.PLUGIN_NAME;
    }

    @Override
    public String version() {
        return BuildVersion.VALUE;
    }

    @Override
    public String copyright() {
        return "Spillway authors";
    }

    @Override
    @SuppressWarnings("unchecked")
    public SpillwayPlugin plugin() {
        return runtime;
    }

    @Override
    public void initExtensions(PluginContext ctx, ExtensionRegistry registry) throws IgniteCheckedException {
        IgniteConfiguration cfg = ctx.igniteConfiguration();
        config = explicit != null ? explicit : fromNodeConfiguration(cfg);
        boolean server = !Boolean.TRUE.equals(cfg.isClientMode());
        SpillwayConfiguration effective = NodeSetup.effective(cfg, config, server);
        security = NodeSetup.security(effective, server);
        identities = JoinValidation.identities(security, server);
        if (server)
            NodeSetup.apply(cfg, effective);
        runtime = new NodeRuntime(ctx.grid(), effective, server,
            security == null ? null : new ChunkTokens(security.tableDigest()));
        registry.registerExtension(CacheTopologyValidatorProvider.class, QuorumValidator.provider(runtime.quorum(),
            Set.of(Layout.CHUNK_CACHE, Layout.CATALOG_CACHE, Layout.ADMISSION_CACHE),
            ctx.log(QuorumValidator.class)));
    }

    @Override
    public void start(PluginContext ctx) {
        // No-op: the runtime is built in initExtensions (Ignite asks for plugin() right after it) and started in
        // onIgniteStart, once the node has joined.
    }

    @Override
    public void onIgniteStart() {
        runtime.start();
    }

    @Override
    public void stop(boolean cancel) {
        // No-op: onIgniteStop closed the runtime.
    }

    @Override
    public void onIgniteStop(boolean cancel) {
        // First in the node's stop, so maintenance never runs against a stopping node.
        if (runtime != null)
            runtime.close();
    }

    @Override
    public @Nullable Serializable provideDiscoveryData(UUID nodeId) {
        return JoinValidation.discoveryData(config, runtime.quorum().expected(), identities);
    }

    @Override
    public void receiveDiscoveryData(UUID nodeId, Serializable data) {
        // A joining node learns the servers the cluster expects; joining nodes are checked in validateNewNode.
        runtime.quorum().join(JoinValidation.expectedServers(data));
    }

    @Override
    public void validateNewNode(ClusterNode node) {
        // No-op: the two-argument form below does the check.
    }

    @Override
    public void validateNewNode(ClusterNode node, Serializable data) {
        JoinValidation.check(config, identities, node, data);
    }

    @Override
    public @Nullable <T> T createComponent(PluginContext ctx, Class<T> cls) {
        return NodeSecurity.component(ctx, cls, security);
    }

    @Override
    public CachePluginProvider createCacheProvider(CachePluginContext ctx) {
        return null;
    }

    private static SpillwayConfiguration fromNodeConfiguration(IgniteConfiguration cfg) {
        if (cfg.getPluginConfigurations() != null) {
            for (PluginConfiguration pc : cfg.getPluginConfigurations()) {
                if (pc instanceof SpillwayConfiguration sc)
                    return sc;
            }
        }
        return new SpillwayConfiguration();
    }
}
