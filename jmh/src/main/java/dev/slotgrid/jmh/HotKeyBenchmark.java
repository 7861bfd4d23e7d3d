package dev.slotgrid.jmh;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.GridStats;
import dev.slotgrid.HotKeyPolicy;
import dev.slotgrid.HotKeyStats;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.SlotGridBuilder;
import java.util.Arrays;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Node-load skew under a celebrity key and under Zipf θ = 1.2, without hot-key handling and with
 * it; and the cost of detection on plain gets.
 *
 * <p><b>Hypothesis.</b> A key that takes half of all writes pins half of the load on its owner
 * (skew near 2 on 3 nodes: critical); salting it over 3 parts on 3 nodes, each caller writing the
 * part on its own node, brings the skew under 1.3 (healthy). Under Zipf θ = 1.2 with reads and
 * writes half and half, the top keys take about 18%, 8% and 5% of the calls: salting the
 * write-hot ones and near-caching read-hot ones brings the skew under 1.3 too. Detection samples
 * one call in 16 into a lock-free queue, so a plain get loses less than 5% with it on.
 *
 * <p>{@code skew_3t}: three threads, each entering through its own node, on a mergeable map
 * ({@code long-sum}) of 100,000 keys. {@code celebrity}: every other call is an {@code add} to one
 * key, the rest are uniform {@code add}s and {@code get}s; {@code zipf-1.2}: keys by Zipf θ = 1.2
 * rank, half {@code get}, half {@code add}. {@code handling=on} runs the default
 * {@link HotKeyPolicy} (warm-up leaves it time to act); {@link SkewCounters} reports the
 * iteration's skew (max over mean operations per node, times 1000) and the salted and near-cached
 * keys. {@code get_1t}: owner-local gets with {@code detection} off and on.
 *
 * <p>Run alone (from the repository root):
 *
 * <pre>
 * flock /tmp/slotgrid-mvn.lock mvn -B -q -pl jmh -am package -DskipTests
 * flock /tmp/slotgrid-mvn.lock java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar HotKeyBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class HotKeyBenchmark {

    private static final int KEYS = 100_000;

    /** {@code celebrity} or {@code zipf-1.2}; see the class comment. */
    @Param({"celebrity", "zipf-1.2"})
    public String workload;

    /** Hot-key handling: {@code off} (detection only) or {@code on} (the default policy acts). */
    @Param({"off", "on"})
    public String handling;

    /** Detection for {@code get_1t}: {@code off} or {@code on}. */
    @Param({"on"})
    public String detection;

    SlotGrid grid;
    private String[] keys;
    private int[] sequence;
    private boolean[] writes;
    private String[] ownerLocalKeys;

    /** Starts the grid and loads the keys. */
    @Setup(Level.Trial)
    public void setUp() {
        SlotGridBuilder builder = SlotGrid.builder().nodes(3).jmx(false).hotKeyDetection("on".equals(detection));
        if ("on".equals(handling)) {
            builder.hotKeyPolicy(HotKeyPolicy.defaults());
        }
        grid = builder.build();
        grid.declareMergeable("likes", "long-sum");
        keys = KeySets.keys(KEYS, key -> true);
        GridMap<String, Long> map = grid.map("likes");
        for (String key : keys) {
            map.put(key, 1L);
        }
        sequence = sequence(workload);
        writes = KeySets.writes(50);
        GridNode first = grid.nodes().get(0);
        ownerLocalKeys = Arrays.stream(keys).filter(k -> grid.table().ownerOf(dev.slotgrid.slot.KeySlot.of(k)) == first.id())
                .toArray(String[]::new);
    }

    /** Key indexes: every other one the celebrity (index 0), or Zipf θ = 1.2 ranks. */
    private static int[] sequence(String workload) {
        int[] sequence = new int[KeySets.SEQUENCE_LENGTH];
        SplittableRandom random = new SplittableRandom(20261121L);
        switch (workload) {
            case "celebrity":
                Arrays.setAll(sequence, i -> i % 2 == 0 ? 0 : 1 + random.nextInt(KEYS - 1));
                break;
            case "zipf-1.2": {
                double[] cdf = new double[KEYS];
                double total = 0;
                for (int rank = 0; rank < KEYS; rank++) {
                    total += 1 / Math.pow(rank + 1, 1.2);
                    cdf[rank] = total;
                }
                double sum = total;
                Arrays.setAll(sequence, i -> {
                    int at = Arrays.binarySearch(cdf, random.nextDouble() * sum);
                    return Math.min(KEYS - 1, at >= 0 ? at : -at - 1);
                });
                break;
            }
            default:
                throw new IllegalArgumentException("unknown workload '" + workload + "'; known: celebrity, zipf-1.2");
        }
        return sequence;
    }

    /**
     * The grid's stats at the iteration's end, for a {@link SkewCounters} whose own end-of-iteration
     * hook runs after the trial closed the grid (JMH orders a group's thread-scoped iteration
     * tear-downs and the shared trial tear-down loosely).
     */
    volatile GridStats statsAtIterationEnd;
    volatile HotKeyStats hotKeysAtIterationEnd;

    /** Keeps the iteration's final stats. */
    @TearDown(Level.Iteration)
    public void iterationEnd() {
        statsAtIterationEnd = grid.stats();
        hotKeysAtIterationEnd = grid.hotKeyStats();
    }

    /** Stops the grid. */
    @TearDown(Level.Trial)
    public void tearDown() {
        grid.close();
    }

    /** A thread's entry node and cursor. */
    @State(Scope.Thread)
    public static class Caller {
        GridMap<String, Long> map;
        int next;

        /**
         * Enters through the node of the thread's index.
         *
         * @param benchmark the benchmark
         * @param thread the thread's place
         */
        @Setup(Level.Trial)
        public void enter(HotKeyBenchmark benchmark, ThreadParams thread) {
            map = EntryNodes.mapFor(benchmark.grid, thread.getThreadIndex(), "likes");
            next = EntryNodes.cursorStart(thread.getThreadIndex());
        }
    }

    /**
     * @param caller the thread's entry and cursor
     * @param counters the skew per iteration
     * @return the value read, or null after an add
     */
    @Benchmark
    @Group("skew_3t")
    @GroupThreads(3)
    public Long skew_3t(Caller caller, SkewCounters counters) {
        int step = caller.next++ & KeySets.SEQUENCE_MASK;
        String key = keys[sequence[step]];
        boolean write = "celebrity".equals(workload) ? step % 2 == 0 || writes[step] : writes[step];
        if (write) {
            caller.map.add(key, 1L);
            return null;
        }
        return caller.map.get(key);
    }

    /**
     * Owner-local gets: the cost of detection ({@code -p detection=off,on -p handling=off}).
     *
     * @param caller the thread's entry (node-0) and cursor
     * @return the value read
     */
    @Benchmark
    @Group("get_1t")
    @GroupThreads(1)
    public Long get_1t(Caller caller) {
        int step = caller.next++ & KeySets.SEQUENCE_MASK;
        return caller.map.get(ownerLocalKeys[sequence[step] % ownerLocalKeys.length]);
    }

    /** The iteration's node-load skew and hot-key state, from the group's first thread. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class SkewCounters {
        /** Max over mean operations per node over the iteration, times 1000. */
        public long skewMilli;
        /** Keys salted at the iteration's end. */
        public long saltedKeys;
        /** Keys near-cached at the iteration's end. */
        public long nearCachedKeys;

        private HotKeyBenchmark benchmark;
        private GridStats before;

        /**
         * Takes the iteration's first snapshot.
         *
         * @param bench the benchmark
         * @param thread the thread's place
         */
        @Setup(Level.Iteration)
        public void snapshot(HotKeyBenchmark bench, ThreadParams thread) {
            skewMilli = 0;
            saltedKeys = 0;
            nearCachedKeys = 0;
            benchmark = thread.getThreadIndex() == 0 ? bench : null;
            before = benchmark == null ? null : bench.grid.stats();
        }

        /** Measures the iteration. */
        @TearDown(Level.Iteration)
        public void count() {
            if (benchmark == null) {
                return;
            }
            boolean closed = benchmark.grid.isClosed();
            GridStats after = closed ? benchmark.statsAtIterationEnd : benchmark.grid.stats();
            HotKeyStats hot = closed ? benchmark.hotKeysAtIterationEnd : benchmark.grid.hotKeyStats();
            skewMilli = Math.round(1000 * after.since(before).skew());
            saltedKeys = hot.saltedKeys();
            nearCachedKeys = hot.nearCachedKeys();
        }
    }
}
