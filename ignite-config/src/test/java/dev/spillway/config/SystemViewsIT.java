package dev.spillway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.CheckpointInfo;
import dev.spillway.CheckpointStore;
import dev.spillway.CheckpointWriter;
import dev.spillway.Spillway;
import dev.spillway.SpillwayConfiguration;
import dev.spillway.test.SpillwayCluster;
import dev.spillway.test.TestData;
import dev.spillway.test.TestPorts;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Spillway in the views Ignite operators already use (issue 15, item 3), on nodes with a query engine
 * ({@code ignite-indexing}, as the server distribution has): the SQL system views over Ignite's JDBC thin driver,
 * and the meters in Ignite's metric registry, read through {@code SYS.METRICS} and JMX.
 */
class SystemViewsIT {
    private static final SpillwayConfiguration CONFIG = new SpillwayConfiguration()
        .setRegionMaxSize(64L << 20)
        .setChunkSize(256 << 10)
        .setBackups(1)
        .setPartitions(64)
        .setMetadataRegionSize(16L << 20)
        .setLeaseTimeout(Duration.ofSeconds(30));

    @RegisterExtension
    static final SpillwayCluster cluster = SpillwayCluster.of(3, TestPorts.SYSTEM_VIEWS_IT, CONFIG);

    @Test
    @DisplayName("SYS.SPILLWAY_CHECKPOINTS and SYS.SPILLWAY_NODES over JDBC: every checkpoint and every server")
    void checkpointsAndNodes() throws SQLException {
        CheckpointInfo orders = Spillway.store(cluster.node(0)).save("views-orders", TestData.random(3 << 20, 1));
        CheckpointInfo billing = Spillway.store(cluster.node(1)).save("views-billing", TestData.random(1 << 20, 2));

        // Any node answers for the whole cluster: ask the one that wrote neither.
        List<Map<String, Object>> checkpoints = query(2, "SELECT * FROM SYS.SPILLWAY_CHECKPOINTS "
            + "WHERE APPLICATION IN ('views-orders', 'views-billing') ORDER BY APPLICATION");
        System.out.println("SYS.SPILLWAY_CHECKPOINTS: " + checkpoints);
        assertThat(checkpoints).hasSize(2);
        Map<String, Object> o = checkpoints.get(1);
        assertThat(o).containsEntry("APPLICATION", "views-orders")
            .containsEntry("CHECKPOINT_ID", orders.checkpointId())
            .containsEntry("SIZE", (long)(3 << 20))
            .containsEntry("CHUNKS", 12)
            .containsEntry("ORIGIN_NODE", orders.originNode())
            .containsEntry("LOCAL_BYTES", (long)(3 << 20))
            .containsEntry("SPILLED_BYTES", 0L)
            .containsEntry("PRIMARY_NODES", orders.originNode() + "=3 MB")
            .containsEntry("DAMAGED_CHUNKS", 0)
            .containsKeys("COMMITTED_AT", "DURATION_MILLIS");
        assertThat(checkpoints.get(0)).containsEntry("CHECKPOINT_ID", billing.checkpointId())
            .containsEntry("ORIGIN_NODE", billing.originNode());

        List<Map<String, Object>> nodes = query(2, "SELECT * FROM SYS.SPILLWAY_NODES ORDER BY NODE");
        System.out.println("SYS.SPILLWAY_NODES: " + nodes);
        assertThat(nodes).extracting(n -> n.get("NODE")).containsExactly(cluster.name(0), cluster.name(1),
            cluster.name(2));
        Map<String, Object> first = nodes.get(0);
        assertThat((Long)first.get("REGION_MAX_SIZE")).isEqualTo(64L << 20);
        assertThat((Long)first.get("USED")).isPositive();
        assertThat((Long)first.get("LOCAL_BYTES")).isGreaterThanOrEqualTo(3L << 20);
        assertThat((Integer)first.get("CHECKPOINTS")).isPositive();
        assertThat(first).containsKeys("BUDGET", "RESERVED", "FREE", "LEASES", "SAFE_HEADROOM", "APPLICATIONS",
            "SPILLED_BYTES");
    }

    @Test
    @DisplayName("SYS.SPILLWAY_WRITE_SESSIONS over JDBC: a checkpoint being written shows on its node until commit")
    void writeSessions() throws SQLException {
        CheckpointStore store = Spillway.store(cluster.node(0));
        String sql = "SELECT * FROM SYS.SPILLWAY_WRITE_SESSIONS WHERE APPLICATION = 'views-writing'";
        try (CheckpointWriter writer = store.begin("views-writing")) {
            writer.write(TestData.random(1 << 20, 3));
            List<Map<String, Object>> open = query(0, sql);
            System.out.println("SYS.SPILLWAY_WRITE_SESSIONS: " + open);
            assertThat(open).hasSize(1);
            assertThat(open.get(0)).containsEntry("NODE", cluster.name(0))
                .containsEntry("ORIGIN_NODE", cluster.name(0))
                .containsEntry("CHUNK_SIZE", 256 << 10)
                .containsKeys("CHECKPOINT_ID", "STARTED_AT", "LAST_USED", "PLANNED_CHUNKS");
            assertThat((Integer)open.get(0).get("PLANNED_CHUNKS")).isPositive();
            assertThat(query(1, sql)).as("another node's sessions").isEmpty();
            writer.commit();
        }
        assertThat(query(0, sql)).as("after the commit").isEmpty();
    }

    @Test
    @DisplayName("the meters in Ignite's registry custom.spillway: SYS.METRICS and JMX")
    void igniteMetrics() throws Exception {
        Spillway.store(cluster.node(1)).save("views-metrics", TestData.random(2 << 20, 4));
        List<Map<String, Object>> metrics = query(1, "SELECT NAME, VALUE FROM SYS.METRICS "
            + "WHERE NAME LIKE 'custom.spillway.%' ORDER BY NAME");
        System.out.println("SYS.METRICS: " + metrics);
        Map<String, String> byName = new LinkedHashMap<>();
        metrics.forEach(m -> byName.put((String)m.get("NAME"), (String)m.get("VALUE")));
        assertThat(Long.parseLong(byName.get("custom.spillway.checkpoint.save.count"))).isPositive();
        assertThat(Long.parseLong(byName.get("custom.spillway.checkpoint.bytes.local"))).isGreaterThanOrEqualTo(2L << 20);
        assertThat(Long.parseLong(byName.get("custom.spillway.region.used"))).isPositive();
        assertThat(byName).containsKeys("custom.spillway.region.safe.headroom", "custom.spillway.capacity.refusals.budget",
            "custom.spillway.reservation.leases.granted", "custom.spillway.write.sessions",
            "custom.spillway.scrub.damaged.unrepaired", "custom.spillway.checkpoint.restore.maxMillis");

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        // Ignite names a registry's MBean by its first name part (group) and the rest (name).
        Set<ObjectName> names = jmx.queryNames(new ObjectName("org.apache:group=custom,name=spillway,*"), null);
        ObjectName node1 = names.stream().filter(n -> n.toString().contains(cluster.node(1).name())).findFirst()
            .orElseThrow(() -> new AssertionError("no MBean of custom.spillway for node 1 among " + names));
        assertThat((Long)jmx.getAttribute(node1, "checkpoint.save.count")).isPositive();
    }

    /** The rows of {@code sql} run over the JDBC thin driver against node {@code node}, column name to value. */
    private static List<Map<String, Object>> query(int node, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:ignite:thin://" + cluster.thinAddress(node));
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            ResultSetMetaData meta = r.getMetaData();
            while (r.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= meta.getColumnCount(); i++)
                    row.put(meta.getColumnName(i), r.getObject(i));
                rows.add(row);
            }
        }
        return rows;
    }
}
