package dev.spillway.internal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.ignite.plugin.security.SecurityPermission.ADMIN_CLUSTER_STATE;
import static org.apache.ignite.plugin.security.SecurityPermission.CACHE_CREATE;
import static org.apache.ignite.plugin.security.SecurityPermission.CACHE_PUT;
import static org.apache.ignite.plugin.security.SecurityPermission.CACHE_READ;
import static org.apache.ignite.plugin.security.SecurityPermission.CACHE_REMOVE;
import static org.apache.ignite.plugin.security.SecurityPermission.JOIN_AS_SERVER;
import static org.apache.ignite.plugin.security.SecurityPermission.SERVICE_DEPLOY;
import static org.apache.ignite.plugin.security.SecurityPermission.TASK_EXECUTE;

import dev.spillway.CheckpointAction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IgnitePermissionsTest {
    private static final Grants CLIENT = new Grants("app", Grants.Role.CLIENT,
        Map.of(CheckpointAction.SAVE, List.of(Pattern.ANY)), List.of(new Pattern("scratch-*")), Quotas.NONE);

    private static boolean thin(String name, org.apache.ignite.plugin.security.SecurityPermission perm) {
        return IgnitePermissions.refusal(CLIENT, true, name, perm) == null;
    }

    private static boolean thick(String name, org.apache.ignite.plugin.security.SecurityPermission perm) {
        return IgnitePermissions.refusal(CLIENT, false, name, perm) == null;
    }

    @Test
    void aServerIdentityHoldsEveryPermission() {
        Grants server = Grants.server("node");
        assertThat(IgnitePermissions.refusal(server, false, null, JOIN_AS_SERVER)).isNull();
        assertThat(IgnitePermissions.refusal(server, false, "spillway-manifests", CACHE_REMOVE)).isNull();
        assertThat(IgnitePermissions.refusal(server, false, "anything", CACHE_CREATE)).isNull();
    }

    @Test
    void spillwaysCachesAreClosedToAThinClientsOwnCacheCalls() {
        assertThat(thin("spillway-chunks", CACHE_PUT)).isFalse();
        assertThat(thin("spillway-chunks", CACHE_READ)).isFalse();
        assertThat(thin("spillway-chunks", CACHE_REMOVE)).isFalse();
        assertThat(thin("spillway-manifests", CACHE_READ)).isFalse();
        assertThat(thin("spillway-admission", CACHE_PUT)).isFalse();
        assertThat(thin("spillway-chunks", CACHE_CREATE)).isFalse();
        assertThat(thin(null, TASK_EXECUTE)).isFalse();
        assertThat(thin(null, ADMIN_CLUSTER_STATE)).isFalse();
    }

    @Test
    void aThickClientRunsTheEngineButNeverJoinsAsAServerNorAdministers() {
        assertThat(thick("spillway-manifests", CACHE_PUT)).isTrue();
        assertThat(thick("spillway-admission", CACHE_REMOVE)).isTrue();
        assertThat(thick("spillway-chunks", CACHE_CREATE)).isFalse();
        assertThat(thick(null, TASK_EXECUTE)).isTrue();
        assertThat(IgnitePermissions.refusal(CLIENT, false, null, JOIN_AS_SERVER))
            .isEqualTo("it is a client identity; only a server identity joins as a server node");
        assertThat(thick(null, SERVICE_DEPLOY)).isFalse();
        assertThat(thick(null, ADMIN_CLUSTER_STATE)).isFalse();
    }

    @Test
    void otherCachesFollowTheIdentitysCachePatterns() {
        assertThat(thin("scratch-1", CACHE_CREATE)).isTrue();
        assertThat(thin("scratch-1", CACHE_PUT)).isTrue();
        assertThat(thin("filler", CACHE_CREATE)).isFalse();
        assertThat(thick("filler", CACHE_PUT)).isFalse();
    }
}
