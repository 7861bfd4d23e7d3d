package dev.slotgrid.jmh;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.GridStats;
import dev.slotgrid.MigrationStats;
import dev.slotgrid.NodeStats;
import dev.slotgrid.SlotGrid;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * A 95/5 get/put mix while slots migrate without pause, against the same mix on a still grid,
 * in one run.
 *
 * <p><b>Hypothesis.</b> Live migration costs the traffic little: readers never wait; a writer
 * takes no lock and pays one admission CAS pair per write (also without migration) plus, on a
 * migrating slot, one change-log append; only writes that meet a slot's cutover window (microseconds)
 * retry. The migration's copying runs on its own thread, throttled (the default 500,000 entries/s,
 * 2 slots in flight). So the mix keeps at least 0.9 of its still-grid throughput.
 *
 * <p>3 nodes, 100,000 keys of 15 characters spread over all 16384 slots (about 6 per slot), calls
 * entering through every node. {@code migration=continuous}: a background thread asks for the
 * moves of 64 random slots to other nodes, waits for them, and asks again, for the whole trial:
 * migrations run back to back at the grid's default throttle (500,000 entries/s, a slot counting
 * 256), about 1,900 slots a second ({@code -p throttle=100000}: about 390 a second, for the ratio
 * at a gentler rebalance). {@link MigrationCounters} reports
 * the handovers and the writes that retried a cutover per iteration.
 *
 * <p>Run alone (from the repository root):
 *
 * <pre>
 * flock /tmp/slotgrid-mvn.lock mvn -B -q -pl jmh -am package -DskipTests
 * flock /tmp/slotgrid-mvn.lock java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar MigrationBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MigrationBenchmark {

    private static final int KEYS = 100_000;

    /** {@code off}: a still grid; {@code continuous}: slots migrate back to back all along. */
    @Param({"off", "continuous"})
    public String migration;

    /** The grid's migration throttle, entries per second (each slot counts 256): the grid's default. */
    @Param("500000")
    public long throttle;

    SlotGrid grid;
    private String[] keys;
    private Long[] values;
    private int[] sequence;
    private boolean[] writes;
    private final AtomicBoolean stop = new AtomicBoolean();
    private Thread migrator;

    /** Starts the grid, loads it and, for {@code continuous}, the migrating thread. */
    @Setup(Level.Trial)
    public void setUp() {
        grid = SlotGrid.builder().nodes(3).jmx(false).migrationThrottle(throttle).build();
        keys = KeySets.keys(KEYS, key -> true);
        values = KeySets.values(KEYS);
        sequence = KeySets.sequence("uniform", KEYS);
        writes = KeySets.writes(5);
        GridMap<String, Long> map = grid.map("bench");
        for (int i = 0; i < KEYS; i++) {
            map.put(keys[i], values[i]);
        }
        if ("continuous".equals(migration)) {
            migrator = new Thread(this::migrateWithoutPause, "bench-migrator");
            migrator.setDaemon(true);
            migrator.start();
        } else if (!"off".equals(migration)) {
            throw new IllegalArgumentException("migration must be off or continuous, was " + migration);
        }
    }

    /** Asks for 64 moves of random slots at a time, as a rebalance does, and for the next 64 once they are done. */
    private void migrateWithoutPause() {
        SplittableRandom random = new SplittableRandom(7);
        while (!stop.get()) {
            List<GridNode> nodes = grid.nodes();
            CompletableFuture<?>[] moves = new CompletableFuture<?>[64];
            for (int i = 0; i < moves.length; i++) {
                int slot = random.nextInt(16384);
                int owner = grid.table().ownerOf(slot);
                GridNode target = nodes.get((nodes.indexOf(grid.nodes().get(owner)) + 1 + random.nextInt(nodes.size() - 1))
                        % nodes.size());
                moves[i] = grid.migrate(slot, target.name());
            }
            CompletableFuture.allOf(moves).join();
        }
    }

    /** Stops the migrating thread and the grid. */
    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        stop.set(true);
        if (migrator != null) {
            migrator.join(TimeUnit.SECONDS.toMillis(30));
        }
        grid.close();
    }

    /** A thread's entry node and position in the key sequence. */
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
        public void enter(MigrationBenchmark benchmark, ThreadParams thread) {
            map = EntryNodes.mapFor(benchmark.grid, thread.getThreadIndex(), "bench");
            next = EntryNodes.cursorStart(thread.getThreadIndex());
        }
    }

    private Long mix(Caller caller) {
        int step = caller.next++ & KeySets.SEQUENCE_MASK;
        int key = sequence[step];
        return writes[step] ? caller.map.put(keys[key], values[key]) : caller.map.get(keys[key]);
    }

    /**
     * @param caller the thread's entry and cursor
     * @param counters migrations per iteration
     * @return the value read or replaced
     */
    @Benchmark
    @Group("mix95_1t")
    @GroupThreads(1)
    public Long mix95_1t(Caller caller, MigrationCounters counters) {
        return mix(caller);
    }

    /**
     * @param caller the thread's entry and cursor
     * @param counters migrations per iteration
     * @return the value read or replaced
     */
    @Benchmark
    @Group("mix95_2t")
    @GroupThreads(2)
    public Long mix95_2t(Caller caller, MigrationCounters counters) {
        return mix(caller);
    }

    /**
     * Per iteration: slots handed over, and writes that met a cutover window and retried. Taken by
     * the group's first thread from the grid's stats.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class MigrationCounters {
        /** Slots handed over during the iteration. */
        public long handovers;
        /** Writes that retried because their slot was in its cutover window. */
        public long cutoverRetries;

        private MigrationBenchmark benchmark;
        private long handoversBefore;
        private GridStats before;

        /**
         * Takes the iteration's first snapshot.
         *
         * @param bench the benchmark
         * @param thread the thread's place
         */
        @Setup(Level.Iteration)
        public void snapshot(MigrationBenchmark bench, ThreadParams thread) {
            handovers = 0;
            cutoverRetries = 0;
            benchmark = thread.getThreadIndex() == 0 ? bench : null;
            if (benchmark != null) {
                MigrationStats m = bench.grid.migrationStats();
                handoversBefore = m.cutovers();
                before = bench.grid.stats();
            }
        }

        /** Counts the iteration. */
        @TearDown(Level.Iteration)
        public void count() {
            if (benchmark == null) {
                return;
            }
            handovers = benchmark.grid.migrationStats().cutovers() - handoversBefore;
            for (NodeStats node : benchmark.grid.stats().since(before).nodes()) {
                cutoverRetries += node.tryAgainRetries();
            }
        }
    }
}
