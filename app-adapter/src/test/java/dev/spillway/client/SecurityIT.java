package dev.spillway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.AccessDeniedException;
import dev.spillway.CheckpointAction;
import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointStore;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.SecurityFiles;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import dev.spillway.InvalidArgumentException;
import dev.spillway.NodeCapacity;
import dev.spillway.QuotaExceededException;
import dev.spillway.CheckpointWriter;
import dev.spillway.wire.Begun;
import dev.spillway.wire.CheckpointService;
import dev.spillway.wire.ChunkKey;
import dev.spillway.wire.Layout;
import dev.spillway.wire.Manifest;
import dev.spillway.wire.Planned;
import dev.spillway.wire.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.apache.ignite.Ignite;
import org.apache.ignite.Ignition;
import org.apache.ignite.cache.query.ScanQuery;
import org.apache.ignite.client.ClientCache;
import org.apache.ignite.client.ClientAuthenticationException;
import org.apache.ignite.client.ClientAuthorizationException;
import org.apache.ignite.client.ClientException;
import org.apache.ignite.client.IgniteClient;
import org.apache.ignite.configuration.ClientConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Only who belongs gets in, on real nodes with Spillway's security file: thin clients and thick clients are
 * authenticated against the file's identities, each call is checked against its identity's application patterns
 * on every access path, and Spillway's caches stay closed to a client's own cache calls.
 */
class SecurityIT {
    private static final SecurityFiles FILES = new SecurityFiles(Path.of("target", "security", "SecurityIT")
        .toAbsolutePath())
        .identity("node", "node-secret", "role", "server", "save", "orders-*, shared-*", "restore", "orders-*, shared-*",
            "list", "orders-*, shared-*", "delete", "orders-*, shared-*")
        .identity("orders", "orders-secret", "save", "orders-*, shared-*", "restore", "orders-*, shared-*",
            "list", "orders-*, shared-*", "delete", "orders-*, shared-*")
        .identity("billing", "billing-secret", "save", "billing-*", "restore", "billing-*", "list", "billing-*",
            "delete", "billing-*")
        .identity("quota", "quota-secret", "save", "quota-*", "restore", "quota-*", "maxSessions", "1",
            "maxCheckpoint", "3MB")
        .identity("reserve", "reserve-secret", "save", "reserve-*", "maxReserved", "4MB");
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(32L << 20)
        .setChunkSize(256 << 10)
        // No backups: past the home server's budget, a save spills to the other server, which checks the tokens.
        .setBackups(0)
        .setPartitions(32)
        .setMetadataRegionSize(16L << 20)
        .setSecurityFile(FILES.server("node", "node-secret"));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(2, TestPorts.SECURITY_IT, CONFIG);

    private static SpillwayClient thin;
    private static Ignite thick;

    @BeforeAll
    static void connect() {
        thin = SpillwayClient.connect(credentials("orders", "orders-secret"));
        thick = cluster.startClient("thick", CONFIG.copy().setSecurityFile(FILES.client("orders", "orders-secret")));
    }

    @AfterAll
    static void close() {
        if (thin != null)
            thin.close();
    }

    private static ClientConfiguration credentials(String user, String password) {
        return new ClientConfiguration().setAddresses(cluster.thinAddress(0), cluster.thinAddress(1))
            .setUserName(user).setUserPassword(password);
    }

    @Test
    @DisplayName("a trusted identity saves, lists, restores and deletes on every access path; a thin client's save "
        + "spills to the other server, which checks each chunk")
    void trustedIdentitySavesAndRestores() {
        byte[] big = TestData.random(36 << 20, 6);
        CheckpointInfo spilled = thin.save("orders-big", big);
        assertThat(thin.placement("orders-big", spilled.checkpointId()).spilledChunks()).isPositive();
        assertThat(thin.restoreLatest("orders-big")).isEqualTo(big);
        thin.delete("orders-big", spilled.checkpointId());

        byte[] state = TestData.random(600 << 10, 7);
        for (CheckpointStore store : new CheckpointStore[] {Spillway.store(cluster.node(0)), Spillway.store(thick),
            thin}) {
            CheckpointInfo info = store.save("orders-eu", state);
            assertThat(store.list("orders-eu")).extracting(CheckpointInfo::checkpointId)
                .contains(info.checkpointId());
            assertThat(store.restoreLatest("orders-eu")).isEqualTo(state);
            store.delete("orders-eu", info.checkpointId());
        }
    }

    @Test
    @DisplayName("a call on an application the identity is not granted is refused, with the same message on "
        + "every path")
    void otherApplicationsAreRefused() {
        byte[] state = TestData.random(64 << 10, 8);
        CheckpointInfo billing;
        try (SpillwayClient owner = SpillwayClient.connect(credentials("billing", "billing-secret"))) {
            billing = owner.save("billing-eu", state);
        }
        checkRefusals(Spillway.store(cluster.node(0)), "node", billing);
        checkRefusals(Spillway.store(thick), "orders", billing);
        checkRefusals(thin, "orders", billing);
        try (SpillwayClient owner = SpillwayClient.connect(credentials("billing", "billing-secret"))) {
            assertThat(owner.restoreLatest("billing-eu")).isEqualTo(state);
            owner.delete("billing-eu", billing.checkpointId());
        }
    }

    private static void checkRefusals(CheckpointStore store, String identity, CheckpointInfo billing) {
        refused(identity, CheckpointAction.SAVE, s -> s.save("billing-eu", new byte[10]), store);
        refused(identity, CheckpointAction.RESTORE, s -> s.restoreLatest("billing-eu"), store);
        refused(identity, CheckpointAction.RESTORE, s -> s.restore("billing-eu", billing.checkpointId()), store);
        refused(identity, CheckpointAction.LIST, s -> s.list("billing-eu"), store);
        refused(identity, CheckpointAction.LIST, s -> s.placement("billing-eu", billing.checkpointId()), store);
        refused(identity, CheckpointAction.DELETE, s -> {
            s.delete("billing-eu", billing.checkpointId());
            return null;
        }, store);
        assertThat(store.status().checkpoints()).noneMatch(c -> c.info().application().equals("billing-eu"));
    }

    private static void refused(String identity, CheckpointAction action, Function<CheckpointStore, ?> call,
                                CheckpointStore store) {
        assertThatThrownBy(() -> call.apply(store))
            .isInstanceOf(AccessDeniedException.class)
            .hasMessage("Identity '" + identity + "' may not " + action.label() + " checkpoints of application "
                + "'billing-eu': the security file grants it no " + action.label() + " pattern that matches")
            .satisfies(e -> {
                AccessDeniedException d = (AccessDeniedException)e;
                assertThat(d.identity()).isEqualTo(identity);
                assertThat(d.action()).isEqualTo(action);
                assertThat(d.application()).isEqualTo("billing-eu");
            });
    }

    @Test
    @DisplayName("a thin client with no, a wrong or an unknown credential is refused at the handshake")
    void badCredentialsAreRefusedAtTheHandshake() {
        assertThatThrownBy(() -> Ignition.startClient(new ClientConfiguration().setAddresses(cluster.thinAddress(0))))
            .isInstanceOf(ClientAuthenticationException.class)
            .hasMessageContaining("gave no user name");
        assertThatThrownBy(() -> Ignition.startClient(credentials("orders", "wrong")))
            .isInstanceOf(ClientAuthenticationException.class)
            .hasMessageContaining("identity 'orders' is unknown or its password is wrong");
        assertThatThrownBy(() -> Ignition.startClient(credentials("mallory", "orders-secret")))
            .isInstanceOf(ClientAuthenticationException.class)
            .hasMessageContaining("identity 'mallory' is unknown or its password is wrong");
        assertThatThrownBy(() -> SpillwayClient.connect(credentials("orders", "wrong")))
            .hasMessageContaining("identity 'orders' is unknown or its password is wrong");
    }

    @Test
    @DisplayName("a thick client with a wrong password is refused at join")
    void thickClientWithWrongPasswordIsRefused() {
        assertThatThrownBy(() -> cluster.startClient("intruder",
            CONFIG.copy().setSecurityFile(FILES.client("orders", "wrong"))))
            .hasStackTraceContaining("Authentication failed");
    }

    @Test
    @DisplayName("a client identity cannot join as a server node, nor can a server whose identities differ, nor a "
        + "node without security")
    void onlyServerIdentitiesJoinAsServers() {
        SecurityFiles rogue = new SecurityFiles(Path.of("target", "security", "SecurityIT-rogue").toAbsolutePath())
            .identity("orders", "orders-secret", "role", "server");
        try {
            assertThatThrownBy(() -> cluster.start(2, CONFIG.copy().setSecurityFile(rogue.server("orders",
                "orders-secret")), cfg -> { }))
                .hasStackTraceContaining("Node is not authorized to join as a server node");
            // The same server identity, but a table with one identity more: every server must accept the same ones.
            SecurityFiles more = new SecurityFiles(Path.of("target", "security", "SecurityIT-more").toAbsolutePath())
                .identity("node", "node-secret", "role", "server").identity("extra", "extra-secret");
            assertThatThrownBy(() -> cluster.start(2, CONFIG.copy().setSecurityFile(more.server("node",
                "node-secret")), cfg -> { }))
                .hasStackTraceContaining("every server's security file must accept the same identities");
            // The coordinator logs why: "it presented no identity".
            assertThatThrownBy(() -> cluster.start(2, CONFIG.copy().setSecurityFile(null), cfg -> { }))
                .hasStackTraceContaining("Authentication failed");
        }
        finally {
            cluster.stop(2);
        }
        assertThat(cluster.node(0).cluster().forServers().nodes()).hasSize(2);
    }

    @Test
    @DisplayName("a thin client's own cache calls cannot touch Spillway's catalog or admission caches, nor clear "
        + "chunks, nor create a cache: each is refused and the checkpoints stay as they were")
    void internalCachesAreClosedToThinClients() {
        byte[] state = TestData.random(300 << 10, 9);
        CheckpointInfo kept = thin.save("orders-kept", state);
        try (IgniteClient raw = Ignition.startClient(credentials("orders", "orders-secret"))) {
            for (String cache : new String[] {Layout.CATALOG_CACHE, Layout.ADMISSION_CACHE}) {
                assertThatThrownBy(() -> raw.cache(cache).get("orders-kept")).as(cache)
                    .isInstanceOf(ClientAuthorizationException.class);
                assertThatThrownBy(() -> raw.cache(cache).put("orders-kept", "x")).as(cache)
                    .isInstanceOf(ClientAuthorizationException.class);
                assertThatThrownBy(() -> raw.cache(cache).remove("orders-kept")).as(cache)
                    .isInstanceOf(ClientAuthorizationException.class);
                // A clear runs as a job on every server, which refuses it there: the client sees the job fail.
                assertThatThrownBy(() -> raw.cache(cache).clear()).as(cache).isInstanceOf(ClientException.class);
            }
            assertThatThrownBy(() -> raw.cache(Layout.CHUNK_CACHE).clear()).isInstanceOf(ClientException.class);
            assertThatThrownBy(() -> raw.cache(Layout.CHUNK_CACHE).removeAll())
                .isInstanceOf(ClientException.class);
            assertThatThrownBy(() -> raw.createCache("filler")).isInstanceOf(ClientAuthorizationException.class);
            assertThatThrownBy(() -> raw.getOrCreateCache("filler"))
                .isInstanceOf(ClientAuthorizationException.class);
            assertThat(raw.cacheNames()).doesNotContain("filler");
        }
        assertThat(thin.list("orders-kept")).containsExactly(kept);
        assertThat(thin.restoreLatest("orders-kept")).isEqualTo(state);
        thin.delete("orders-kept", kept.checkpointId());
    }

    private static CheckpointService serviceOn(IgniteClient client, UUID node) {
        return client.services(client.cluster().forNodeId(node)).serviceProxy(CheckpointService.NAME,
            CheckpointService.class);
    }

    @Test
    @DisplayName("chunk bytes reach the chunk cache only as planned: a thin client's own chunk puts, reads and scans "
        + "are refused, and so is a store with a forged token, in an unplanned partition, over the chunk size, over "
        + "a stored chunk, or once its session ended")
    void chunksAreStoredOnlyAsPlanned() {
        int chunk = CONFIG.getChunkSize();
        try (IgniteClient raw = Ignition.startClient(credentials("orders", "orders-secret"))) {
            ClientCache<ChunkKey, byte[]> chunks = raw.cache(Layout.CHUNK_CACHE);
            ChunkKey any = new ChunkKey(0, "orders-eu", 1, 0);
            assertThatThrownBy(() -> chunks.put(any, new byte[10])).isInstanceOf(ClientAuthorizationException.class);
            assertThatThrownBy(() -> chunks.putAll(Map.of(any, new byte[10])))
                .isInstanceOf(ClientAuthorizationException.class);
            assertThatThrownBy(() -> chunks.get(any)).isInstanceOf(ClientAuthorizationException.class);
            assertThatThrownBy(() -> chunks.query(new ScanQuery<>()).getAll()).isInstanceOf(ClientException.class);

            UUID home = cluster.node(0).cluster().localNode().id();
            Begun begun = Reply.value(serviceOn(raw, home).begin("orders-tokens", 4L * chunk));
            Planned planned = begun.planned();
            CheckpointService first = serviceOn(raw, planned.server(0));
            long cp = begun.checkpointId();
            byte[] bytes = TestData.random(chunk, 1);
            Map<String, Integer> leasesBefore = leases();

            assertThatThrownBy(() -> Reply.value(first.store("orders-tokens", cp, 0, planned.partition(0),
                begun.writer(), planned.lease(0), planned.token(0) ^ 1, bytes)))
                .hasMessageContaining("its token is not the one its write session planned it with");
            int other = (planned.partition(0) + 1) % CONFIG.getPartitions();
            assertThatThrownBy(() -> Reply.value(first.store("orders-tokens", cp, 0, other, begun.writer(),
                planned.lease(0), planned.token(0), bytes)))
                .hasMessageContaining("its token is not the one its write session planned it with");
            assertThatThrownBy(() -> Reply.value(first.store("orders-tokens", cp, 0, planned.partition(0),
                begun.writer(), planned.lease(0), planned.token(0), new byte[chunk + 1])))
                .isInstanceOf(InvalidArgumentException.class);
            assertThatThrownBy(() -> Reply.value(first.store("billing-eu", cp, 0, planned.partition(0),
                begun.writer(), planned.lease(0), planned.token(0), bytes))).isInstanceOf(AccessDeniedException.class);
            assertThat(TestData.chunkKeys(cluster.node(0), "orders-tokens", cp)).isEmpty();

            Reply.value(first.store("orders-tokens", cp, 0, planned.partition(0), begun.writer(), planned.lease(0), planned.token(0),
                bytes));
            Reply.value(first.store("orders-tokens", cp, 0, planned.partition(0), begun.writer(), planned.lease(0), planned.token(0),
                bytes));
            assertThatThrownBy(() -> Reply.value(first.store("orders-tokens", cp, 0, planned.partition(0),
                begun.writer(), planned.lease(0), planned.token(0), TestData.random(chunk, 2))))
                .hasMessageContaining("other bytes are stored under it already");

            // Another identity cannot call into the session; the session's own caller aborts it.
            try (IgniteClient billing = Ignition.startClient(credentials("billing", "billing-secret"))) {
                assertThatThrownBy(() -> Reply.value(serviceOn(billing, home).abort(begun.session(), 1)))
                    .hasMessageContaining("is not open on this node");
                assertThatThrownBy(() -> Reply.value(serviceOn(billing, home).partitions(begun.session(), 0)))
                    .hasMessageContaining("is not open on this node");
            }
            assertThat(leases()).isEqualTo(leasesBefore);
            assertThat((Boolean)Reply.value(serviceOn(raw, home).abort(begun.session(), 1))).isTrue();
            assertThat(TestData.chunkKeys(cluster.node(0), "orders-tokens", cp)).isEmpty();
            // Another session of the same home holds leases on that server now: the ended session's tokens name
            // its own lease, which is gone.
            Begun second = Reply.value(serviceOn(raw, home).begin("orders-other", 4L * chunk));
            assertThat(second.planned().server(0)).isEqualTo(planned.server(1));
            assertThatThrownBy(() -> Reply.value(first.store("orders-tokens", cp, 1, planned.partition(1),
                begun.writer(), planned.lease(1), planned.token(1), bytes)))
                .hasMessageContaining("holds no live lease on this server");
            assertThat(TestData.chunkKeys(cluster.node(0), "orders-tokens", cp)).isEmpty();
            assertThat((Boolean)Reply.value(serviceOn(raw, home).abort(second.session(), 0))).isTrue();
        }
    }

    /** Leases held per server. */
    private static Map<String, Integer> leases() {
        Map<String, Integer> leases = new HashMap<>();
        for (NodeCapacity c : Spillway.store(cluster.node(0)).capacity())
            leases.put(c.node(), c.leases());
        return leases;
    }

    @Test
    @DisplayName("a chunk of another identity's application cannot be read through the checkpoint service")
    void chunksOfOtherApplicationsCannotBeRead() {
        CheckpointInfo billing;
        try (SpillwayClient owner = SpillwayClient.connect(credentials("billing", "billing-secret"))) {
            billing = owner.save("billing-read", TestData.random(1000, 3));
            Manifest m = Reply.value(serviceOn(owner.thinClient(), cluster.node(0).cluster().localNode().id())
                .manifest("billing-read", billing.checkpointId()));
            try (IgniteClient raw = Ignition.startClient(credentials("orders", "orders-secret"))) {
                assertThatThrownBy(() -> Reply.value(serviceOn(raw, cluster.node(1).cluster().localNode().id())
                    .chunk("billing-read", billing.checkpointId(), 0, m.partition(0))))
                    .isInstanceOf(AccessDeniedException.class)
                    .hasMessageContaining("may not restore checkpoints of application 'billing-read'");
            }
            owner.delete("billing-read", billing.checkpointId());
        }
    }

    @Test
    @DisplayName("quotas: a checkpoint past maxCheckpoint, a session past maxSessions, bytes past maxReserved are "
        + "refused with QuotaExceededException, on the thin and the thick path; a session's place comes back when it "
        + "ends, and when it lapses")
    void quotasRefuseAndGiveBack() {
        try (SpillwayClient quota = SpillwayClient.connect(credentials("quota", "quota-secret"))) {
            assertThatThrownBy(() -> quota.save("quota-a", new byte[4 << 20]))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.identity()).isEqualTo("quota");
                    assertThat(e.quota()).isEqualTo("maxCheckpoint");
                    assertThat(e.limit()).isEqualTo(3L << 20);
                    assertThat(e.wanted()).isEqualTo(4L << 20);
                })
                .hasMessage("Identity 'quota' may save checkpoints of at most 3 MB (its quota maxCheckpoint); this "
                    + "checkpoint of quota-a would have 4 MB");
            // Streamed, with no size given: refused once its chunks would pass the quota.
            assertThatThrownBy(() -> {
                try (CheckpointWriter w = quota.begin("quota-a")) {
                    w.write(new byte[4 << 20]);
                    w.commit();
                }
            }).isInstanceOf(QuotaExceededException.class).hasMessageContaining("(its quota maxCheckpoint)");

            CheckpointWriter open = quota.begin("quota-a");
            assertThatThrownBy(() -> quota.save("quota-b", new byte[1000]))
                .isInstanceOf(QuotaExceededException.class)
                .hasMessage("Identity 'quota' may have at most 1 write session(s) open at once (its quota "
                    + "maxSessions), and 1 are open: a save of quota-b begins once one of them ends");
            open.close();
            CheckpointInfo saved = quota.save("quota-b", TestData.random(1000, 4));
            assertThat(quota.restoreLatest("quota-b")).isEqualTo(TestData.random(1000, 4));
            assertThat(saved.size()).isEqualTo(1000);

            // A writer that stops calling: its session lapses with its lease, and its place with it.
            UUID home = cluster.node(0).cluster().localNode().id();
            Reply.value(serviceOn(quota.thinClient(), home).begin("quota-c", 1000));
            assertThatThrownBy(() -> quota.save("quota-d", new byte[10])).isInstanceOf(QuotaExceededException.class);
            cluster.clock().advance(CONFIG.getLeaseTimeout().plusSeconds(1));
            SpillwayCluster.awaitCondition("the idle session's place given back", Duration.ofSeconds(15), () -> {
                try {
                    quota.save("quota-d", new byte[10]);
                    return true;
                }
                catch (QuotaExceededException e) {
                    return false;
                }
            });
        }
        try (SpillwayClient reserve = SpillwayClient.connect(credentials("reserve", "reserve-secret"))) {
            CheckpointWriter first = reserve.begin("reserve-a", 3L << 20);
            assertThatThrownBy(() -> reserve.begin("reserve-b", 2L << 20))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.quota())
                    .isEqualTo("maxReserved"))
                .hasMessage("Identity 'reserve' may have at most 4 MB planned and not yet committed (its quota "
                    + "maxReserved); its open write sessions hold 3 MB, and this checkpoint of reserve-b would take "
                    + "it to 2 MB of its own");
            first.close();
            reserve.begin("reserve-b", 2L << 20).close();
        }
        Ignite quotaThick = cluster.startClient("quota-thick", CONFIG.copy().setSecurityFile(FILES.client("quota",
            "quota-secret")));
        assertThatThrownBy(() -> Spillway.store(quotaThick).save("quota-e", new byte[4 << 20]))
            .isInstanceOf(QuotaExceededException.class)
            .hasMessage("Identity 'quota' may save checkpoints of at most 3 MB (its quota maxCheckpoint); this "
                + "checkpoint of quota-e would have 4 MB");
        try (CheckpointWriter held = Spillway.store(quotaThick).begin("quota-e")) {
            assertThatThrownBy(() -> Spillway.store(quotaThick).save("quota-f", new byte[10]))
                .isInstanceOf(QuotaExceededException.class).hasMessageContaining("(its quota maxSessions)");
        }
    }
}
