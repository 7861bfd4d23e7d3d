package dev.slotgrid.jmh;

import dev.slotgrid.GridMap;
import dev.slotgrid.HotKeyStats;
import dev.slotgrid.SlotGrid;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Request batching on and off: asynchronous gets issued in windows of {@value #WINDOW}, as a
 * service fanning out one request's look-ups would.
 *
 * <p><b>Hypothesis.</b> The batcher ({@code MicroBatcher}) flat-combines: a call bound for an
 * owner joins a batch only if it arrives while another caller is combining for that owner; a call
 * that finds nobody combining runs at once as a batch of one (no timer, no linger). On an
 * in-JVM cluster a batch of one executes in about a microsecond, so calls rarely meet: batches
 * should carry about one request each, and batching should cost only its bookkeeping (a queue
 * offer, a CAS, a list). Its saving (one message per owner instead of one per key) needs a remote
 * transport, where a batch in flight lasts long enough for others to join. The counters show how
 * many requests each batch carried.
 *
 * <p>3 nodes, 100,000 keys over all slots, uniform keys; each thread enters through its own node
 * ({@link EntryNodes}), so about two thirds of the calls are bound for another node.
 *
 * <p>Run alone (from the repository root):
 *
 * <pre>
 * flock /tmp/slotgrid-mvn.lock mvn -B -q -pl jmh -am package -DskipTests
 * flock /tmp/slotgrid-mvn.lock java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar CoalescingBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CoalescingBenchmark {

    private static final int KEYS = 100_000;
    /** Asynchronous gets issued before the first is awaited. */
    static final int WINDOW = 32;

    /** Per-owner batching of asynchronous calls: {@code off} or {@code on}. */
    @Param({"off", "on"})
    public String batching;

    SlotGrid grid;
    private String[] keys;
    private int[] sequence;

    /** Starts the grid and loads it. */
    @Setup(Level.Trial)
    public void setUp() {
        if (!"on".equals(batching) && !"off".equals(batching)) {
            throw new IllegalArgumentException("batching must be on or off, was " + batching);
        }
        grid = SlotGrid.builder().nodes(3).jmx(false).batching("on".equals(batching)).build();
        keys = KeySets.keys(KEYS, key -> true);
        Long[] values = KeySets.values(KEYS);
        sequence = KeySets.sequence("uniform", KEYS);
        GridMap<String, Long> map = grid.map("bench");
        for (int i = 0; i < KEYS; i++) {
            map.put(keys[i], values[i]);
        }
    }

    /**
     * The iteration's final hot-key stats, for a counter whose iteration hook runs after the trial
     * closed the grid (JMH orders thread-scoped iteration tear-downs and the trial's loosely).
     */
    volatile HotKeyStats statsAtIterationEnd;

    /** Keeps the iteration's final stats. */
    @TearDown(Level.Iteration)
    public void iterationEnd() {
        statsAtIterationEnd = grid.hotKeyStats();
    }

    /** Stops the grid. */
    @TearDown(Level.Trial)
    public void tearDown() {
        grid.close();
    }

    /** A thread's entry node, cursor and window of futures. */
    @State(Scope.Thread)
    public static class Caller {
        GridMap<String, Long> map;
        int next;
        @SuppressWarnings("unchecked")
        final CompletableFuture<Long>[] window = new CompletableFuture[WINDOW];

        /**
         * Enters through the node of the thread's index.
         *
         * @param benchmark the benchmark
         * @param thread the thread's place
         */
        @Setup(Level.Trial)
        public void enter(CoalescingBenchmark benchmark, ThreadParams thread) {
            map = EntryNodes.mapFor(benchmark.grid, thread.getThreadIndex(), "bench");
            next = EntryNodes.cursorStart(thread.getThreadIndex());
        }
    }

    private long window(Caller caller) {
        for (int i = 0; i < WINDOW; i++) {
            caller.window[i] = caller.map.getAsync(keys[sequence[caller.next++ & KeySets.SEQUENCE_MASK]]);
        }
        long sum = 0;
        for (int i = 0; i < WINDOW; i++) {
            sum += caller.window[i].join();
        }
        return sum;
    }

    /**
     * @param caller the thread's entry, cursor and window
     * @param counters batches per iteration
     * @return the sum of the values read
     */
    @Benchmark
    @Group("getAsync_1t")
    @GroupThreads(1)
    @OperationsPerInvocation(WINDOW)
    public long getAsync_1t(Caller caller, BatchCounters counters) {
        return window(caller);
    }

    /**
     * @param caller the thread's entry, cursor and window
     * @param counters batches per iteration
     * @return the sum of the values read
     */
    @Benchmark
    @Group("getAsync_2t")
    @GroupThreads(2)
    @OperationsPerInvocation(WINDOW)
    public long getAsync_2t(Caller caller, BatchCounters counters) {
        return window(caller);
    }

    /** Per iteration: batches sent and the requests they carried, from the grid's hot-key stats. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class BatchCounters {
        /** Batches sent to an owner during the iteration. */
        public long batches;
        /** Requests carried in those batches. */
        public long batchedRequests;

        private CoalescingBenchmark benchmark;
        private HotKeyStats before;

        /**
         * Takes the iteration's first snapshot (the group's first thread only).
         *
         * @param bench the benchmark
         * @param thread the thread's place
         */
        @Setup(Level.Iteration)
        public void snapshot(CoalescingBenchmark bench, ThreadParams thread) {
            batches = 0;
            batchedRequests = 0;
            benchmark = thread.getThreadIndex() == 0 ? bench : null;
            if (benchmark != null) {
                before = bench.grid.hotKeyStats();
            }
        }

        /** Counts the iteration. */
        @TearDown(Level.Iteration)
        public void count() {
            if (benchmark == null) {
                return;
            }
            HotKeyStats after = benchmark.grid.isClosed() ? benchmark.statsAtIterationEnd : benchmark.grid.hotKeyStats();
            batches = after.batches() - before.batches();
            batchedRequests = after.batchedRequests() - before.batchedRequests();
        }
    }
}
