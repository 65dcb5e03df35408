package dev.spillway.internal.placement;

import dev.spillway.internal.placement.PlacementPlanner.Topology;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Placement decisions on a writer's path, without Ignite: 256 chunks placed locality first, and under the N-1
 * failover model (backups). Beside the planner, in the plugin's tests, because they measure its machinery; run by
 * {@code ./spillway jmh} with the chunking benchmarks of the load tests (e.g. {@code ./spillway jmh Placement}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PlacementBenchmarks {
    @Param({"65536", "1048576"})
    public int chunkSize;

    private Topology topology;
    private FailoverModel failover;
    private Map<UUID, Long> room;
    private UUID origin;

    @Setup(Level.Trial)
    public void setUp() {
        // Four nodes, 128 partitions, one backup: partition p on node p % 4, backup on the next.
        UUID[] nodes = {new UUID(0, 1), new UUID(0, 2), new UUID(0, 3), new UUID(0, 4)};
        List<List<UUID>> owners = new ArrayList<>();
        for (int p = 0; p < 128; p++)
            owners.add(List.of(nodes[p % 4], nodes[(p + 1) % 4]));
        topology = Topology.of(owners);
        Map<UUID, UUID[][]> without = new HashMap<>();
        for (UUID lost : nodes) {
            UUID[][] after = new UUID[128][];
            for (int p = 0; p < 128; p++) {
                List<UUID> o = new ArrayList<>(owners.get(p));
                o.remove(lost);
                for (int k = 1; o.size() < 2; k++) {
                    UUID next = nodes[(p + k + 1) % 4];
                    if (!next.equals(lost) && !o.contains(next))
                        o.add(next);
                }
                after[p] = o.toArray(UUID[]::new);
            }
            without.put(lost, after);
        }
        room = new HashMap<>();
        Map<UUID, Long> used = new HashMap<>();
        Map<UUID, Long> limit = new HashMap<>();
        for (UUID n : nodes) {
            room.put(n, 4L << 30);
            used.put(n, 0L);
            limit.put(n, 8L << 30);
        }
        failover = new FailoverModel(topology.owners(), without, new long[128], new long[128], used, limit,
            Map.of());
        origin = nodes[0];
    }

    /** Places 256 chunks locality first, no failover model (no backups). */
    @Benchmark
    public int place256() {
        return PlacementPlanner.plan(origin, 256, chunkSize, topology, room).placed();
    }

    /** Places 256 chunks under the N-1 failover model (backups). */
    @Benchmark
    public int place256Failover() {
        return PlacementPlanner.plan(origin, 256, chunkSize, topology, room, failover.copy()).placed();
    }
}
