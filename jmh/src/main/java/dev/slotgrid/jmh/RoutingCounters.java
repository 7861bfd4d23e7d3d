package dev.slotgrid.jmh;

import dev.slotgrid.GridStats;
import dev.slotgrid.NodeStats;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * SlotGrid's routing counters per iteration, reported beside the throughput as JMH auxiliary
 * counters: redirects followed, cutover retries, and where the operations ran (on the entry node
 * or on another node). They check the benchmark as much as they measure the grid: "owner-local"
 * must run everything on the entry node, "same-JVM remote" nothing, and a stable grid never
 * redirects. For implementations other than SlotGrid they stay 0 (not measured).
 *
 * <p>The counts are the grid's deltas over the iteration (warm-down included), taken from
 * {@code SlotGrid.stats()} snapshots by the group's first thread only, so that a 2-thread
 * benchmark does not count them twice.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.EVENTS)
public class RoutingCounters {

    /** MOVED or FENCED answers the entry node followed. */
    public long redirects;
    /** Retries of writes that met a slot in its cutover window. */
    public long tryAgainRetries;
    /** Operations executed by the entry node, the owner of the key. */
    public long executedOnEntryNode;
    /** Operations executed by another node, on the caller's thread. */
    public long executedOnOtherNodes;

    private SlotGridTarget grid;
    private GridStats before;

    /**
     * Takes the iteration's first snapshot.
     *
     * @param benchmark the benchmark whose target is measured
     * @param thread this thread's place in the benchmark
     */
    @Setup(Level.Iteration)
    public void snapshot(MapBenchmark benchmark, ThreadParams thread) {
        redirects = 0;
        tryAgainRetries = 0;
        executedOnEntryNode = 0;
        executedOnOtherNodes = 0;
        boolean reporter = thread.getThreadIndex() == 0 && benchmark.target() instanceof SlotGridTarget;
        grid = reporter ? (SlotGridTarget) benchmark.target() : null;
        before = grid == null ? null : grid.stats();
    }

    /** Counts what happened since {@link #snapshot}. */
    @TearDown(Level.Iteration)
    public void count() {
        if (grid == null) {
            return;
        }
        GridStats delta = grid.stats().since(before);
        for (NodeStats node : delta.nodes()) {
            redirects += node.redirectsFollowed();
            tryAgainRetries += node.tryAgainRetries();
            if (node.nodeId() == grid.entryNodeId()) {
                executedOnEntryNode += node.operationsTotal();
            } else {
                executedOnOtherNodes += node.operationsTotal();
            }
        }
    }
}
