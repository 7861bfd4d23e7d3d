package dev.slotgrid.jmh;

import dev.slotgrid.SlotGrid;
import dev.slotgrid.TransportMode;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.PlacementPlanner;
import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the control plane's work costs as the member count grows, by in-JVM simulation: members of
 * one grid on the serializing transport (every message encoded, decoded and served on another
 * thread, as over a network, without the network's latency), at 3, 16, 64 and 256 members
 * (docs/scaling.md).
 *
 * <ul>
 *   <li>{@code migrateOneSlot}: one live migration of an empty slot, end to end: a dozen requests
 *       to its source and target and two table publications, each to every member.
 *   <li>{@code planJoin}: the planner's plan for one more member (the moves a join costs).
 * </ul>
 *
 * <pre>
 * java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar ScalingBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class ScalingBenchmark {

    /** Members of the grid. */
    @Param({"3", "16", "64", "256"})
    public int members;

    private SlotGrid grid;
    private int slot;
    private List<String> names;
    private SlotTable table;
    private List<NodeInfo> joined;

    @Setup(Level.Trial)
    public void setUp() {
        grid = SlotGrid.builder().nodes(members).transport(TransportMode.SERIALIZING).hotKeyDetection(false).jmx(false)
                .build();
        names = new ArrayList<>();
        grid.nodes().forEach(node -> names.add(node.name()));
        table = grid.table();
        joined = new ArrayList<>(table.nodes());
        joined.add(new NodeInfo(table.nextNodeId(), "joining", 1));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        grid.close();
    }

    @Benchmark
    public Object migrateOneSlot() {
        int moving = slot++ & (SlotTable.SLOTS - 1);
        String owner = grid.table().node(grid.table().ownerOf(moving)).name();
        String target = names.get((names.indexOf(owner) + 1) % names.size());
        grid.migrate(moving, target).join();
        return target;
    }

    @Benchmark
    public Object planJoin() {
        return PlacementPlanner.plan(table, joined).moves().size();
    }
}
