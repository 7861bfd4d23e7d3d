package dev.slotgrid.jmh;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.IndexDefinition;
import dev.slotgrid.IndexStats;
import dev.slotgrid.PartialResultPolicy;
import dev.slotgrid.QueryResult;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.spi.IndexExtractor;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
 * Secondary indexes (issue 7): the latency of an exact-match query through a LOCAL index
 * (scatter-gather over every node) versus a GLOBAL index (one index slot, then the matching base
 * entries), and the cost of a write to a map with no index, a LOCAL index or a GLOBAL index.
 *
 * <p><b>Hypothesis.</b> A GLOBAL exact match costs one scan of the value's index slot (one entry
 * per (value, key) pair: about {@code size / 16384} of them) plus one read per match (about
 * {@code size / values} of them), all on the caller's thread, whatever the node count. A LOCAL exact match hands one task per node to the query pool (a thread handoff,
 * about 30 µs here) and looks the value up in each of the node's slots (16384 / nodes skip-list
 * look-ups), so it grows with the node count, and its tail is the slowest node's. Goal of the
 * issue: GLOBAL beats LOCAL by at least the node count. {@code index=none} is the same query as a
 * scan of every entry, for scale. Writes: LOCAL adds a skip-list update in the key's atomic update
 * (a fraction of a µs); GLOBAL adds an outbox offer on the write path, and its real cost is the
 * drainer's work on another core (one base compute plus one index compute per changed value): the
 * {@code pendingAtEnd} counter shows whether the drainers kept up.
 *
 * <p><b>Data.</b> {@code size} entries {@code "k<i>" -> Item(i, group)} with {@code group = i %
 * values}, loaded before measuring; the indexes are on {@code group}. Queries draw the group
 * uniformly; writes overwrite a uniformly drawn key with a new group (so every indexed write
 * changes an index value). Entry through {@code node-0}.
 *
 * <p>Run alone (from the repository root); loading a million entries takes a few seconds per trial
 * (with a GLOBAL index, until the outboxes have drained):
 *
 * <pre>
 * flock /tmp/slotgrid-mvn.lock mvn -B -q -pl jmh -am package -DskipTests
 * flock /tmp/slotgrid-mvn.lock java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar IndexQueryBenchmark -prof gc
 * # the query comparison only:
 * ... -jar jmh/target/benchmarks.jar 'IndexQueryBenchmark.exactMatch' -p index=local,global
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx6g")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class IndexQueryBenchmark {

    /** A stored value: immutable, indexed by {@code group}. */
    public record Item(long id, int group) {
    }

    /** Nodes in the embedded grid. */
    @Param({"3", "8"})
    public int nodes;

    /** Entries loaded. */
    @Param("1000000")
    public int size;

    /** Distinct index values; each matches {@code size / values} entries. */
    @Param("100000")
    public int values;

    /** The index on {@code group}: {@code none}, {@code local} or {@code global}. */
    @Param({"none", "local", "global"})
    public String index;

    private SlotGrid grid;
    private GridNode entry;
    private GridMap<String, Item> map;
    private String[] keys;

    /** Starts the grid, adds the index, loads the entries and waits until a GLOBAL index has caught up. */
    @Setup(Level.Trial)
    public void setUp() {
        grid = SlotGrid.builder().nodes(nodes).jmx(false).build();
        grid.registerExtractor(IndexExtractor.of("group", value -> ((Item) value).group()));
        switch (index) {
            case "local" -> grid.addIndex("items", IndexDefinition.local("by-group", "group"));
            case "global" -> grid.addIndex("items", IndexDefinition.global("by-group", "group"));
            case "none" -> {
            }
            default -> throw new IllegalArgumentException("index must be none, local or global, was " + index);
        }
        entry = grid.node("node-0");
        map = entry.map("items");
        keys = new String[size];
        for (int i = 0; i < size; i++) {
            keys[i] = "k" + i;
            map.put(keys[i], new Item(i, i % values));
        }
        awaitIndexed();
    }

    private void awaitIndexed() {
        if (index.equals("global")) {
            // an empty query that waits for the outboxes: read-your-writes without reading anything
            grid.<String, Item>query("items").eq("by-group", -1).awaitIndexed(Duration.ofMinutes(5)).count();
        }
    }

    /** Lets the GLOBAL outboxes drain between iterations, so that no iteration inherits a backlog. */
    @TearDown(Level.Iteration)
    public void drain() {
        awaitIndexed();
    }

    /** Stops the grid. */
    @TearDown(Level.Trial)
    public void tearDown() {
        grid.close();
    }

    /** A thread's random draws. */
    @State(Scope.Thread)
    public static class Draws {
        private final SplittableRandom random = new SplittableRandom(42);

        int next(int bound) {
            return random.nextInt(bound);
        }
    }

    /** Where the GLOBAL index stands after each iteration's writes. */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Lag {
        /** Updates still waiting in the outboxes when the iteration ended. */
        public long pendingAtEnd;

        /** Records the lag as the iteration ends (before {@link IndexQueryBenchmark#drain}). */
        @TearDown(Level.Iteration)
        public void record(IndexQueryBenchmark benchmark) {
            IndexStats stats = benchmark.grid.indexStats();
            pendingAtEnd = stats.pending();
        }
    }

    /**
     * Entries whose group equals a random value: LOCAL scatter-gather, GLOBAL one index slot, or (none)
     * a scan of every entry.
     *
     * @param draws the thread's random draws
     * @return the query result, for JMH to consume
     */
    @Benchmark
    public QueryResult<String, Item> exactMatch(Draws draws) {
        int group = draws.next(values);
        if (index.equals("none")) {
            return entry.<String, Item>query("items").filter((k, v) -> v.group() == group)
                    .onPartial(PartialResultPolicy.FAIL).execute();
        }
        return entry.<String, Item>query("items").eq("by-group", group).execute();
    }

    /**
     * Overwrites a random key with a new group: the write path with the map's index.
     *
     * @param draws the thread's random draws
     * @param lag the GLOBAL index's outbox backlog at the end of each iteration
     * @return the value replaced
     */
    @Benchmark
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public Item write(Draws draws, Lag lag) {
        int i = draws.next(size);
        return map.put(keys[i], new Item(i, draws.next(values)));
    }
}
