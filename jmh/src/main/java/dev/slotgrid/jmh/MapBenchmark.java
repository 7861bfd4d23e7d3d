package dev.slotgrid.jmh;

import java.util.concurrent.TimeUnit;
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

/**
 * Single-key {@code get}, {@code put} and read/write mixes on SlotGrid and its peers, in one run.
 *
 * <p><b>Hypothesis.</b> A SlotGrid call whose key is owned by the entry node costs a CRC16 of the
 * key, two array reads and one per-slot {@code ConcurrentHashMap} operation, so its {@code get}
 * reaches at least half of a plain {@code ConcurrentHashMap}'s. A key owned by another node of the
 * same JVM costs about the same, since the owner's code runs on the caller's thread. Both are at
 * least 100 times faster than Hazelcast's embedded {@code IMap}, whose every call is handed to a
 * partition thread (and, with 3 members, mostly crosses the loopback network). Chronicle Map sits
 * between: off-heap, with serialization on every call.
 *
 * <p><b>Workloads</b>, each a {@code @Group} whose size is its thread count ({@code _1t},
 * {@code _2t}): {@code get}, {@code put} (overwriting a present key), {@code mix95} (95% get, 5%
 * put) and {@code mix50} (50/50), where each thread mixes per operation so the ratio holds at any
 * thread count; and {@code readWrite_2t}, one pure reader beside one pure writer (Caffeine's
 * {@code GetPutBenchmark} shape), which reports each side's throughput under the other's
 * interference. Keys: {@code size} keys of 15 ASCII characters, drawn uniformly or from a scrambled
 * Zipfian (YCSB's, theta 0.99: the hottest key takes about 4% of the calls). Every implementation
 * replays the same sequence of key indexes. SlotGrid's routing is reported by {@link RoutingCounters}.
 *
 * <p><b>Implementations</b> ({@code impl}): {@code chm} (ceiling), {@code slotgrid-local} (3 nodes,
 * entering through the key's owner), {@code slotgrid-remote} (3 nodes, keys owned by the two other
 * nodes), {@code slotgrid-serializing} (the same remote keys through the serializing transport:
 * every message encoded and decoded, the owner on another thread), {@code hazelcast-1} and
 * {@code hazelcast-3} (members in this JVM on 127.0.0.1),
 * {@code chronicle} (off-heap). Set-up per trial: about 1 s for SlotGrid, 3 to 8 s for Hazelcast.
 *
 * <p>Run alone (from the repository root; {@code @jmh/target/jvm.flags} hands the root pom's JVM
 * flags to every fork):
 *
 * <pre>
 * flock /tmp/slotgrid-mvn.lock mvn -B -q -pl jmh -am package -DskipTests
 * flock /tmp/slotgrid-mvn.lock java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar MapBenchmark -prof gc
 * # one workload, some implementations:
 * ... -jar jmh/target/benchmarks.jar 'MapBenchmark.get_1t' -p impl=chm,slotgrid-local -p keys=uniform
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MapBenchmark {

    /** The implementation under test; see the class comment. */
    @Param({"chm", "slotgrid-local", "slotgrid-remote", "slotgrid-serializing", "hazelcast-1", "hazelcast-3", "chronicle"})
    public String impl;

    /** How keys are drawn: {@code uniform} or {@code zipfian}. */
    @Param({"uniform", "zipfian"})
    public String keys;

    /** How many keys the map holds (all loaded before measuring). */
    @Param("100000")
    public int size;

    private Workload workload;
    private boolean[] writes95;
    private boolean[] writes50;

    /** Starts the implementation, picks its keys and loads them. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = Workload.start(impl, keys, size);
        writes95 = KeySets.writes(5);
        writes50 = KeySets.writes(50);
    }

    /** Stops the implementation. */
    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }

    MapTarget target() {
        return workload.target();
    }

    private Long get(Cursor cursor) {
        return workload.get(cursor.advance());
    }

    private Long put(Cursor cursor) {
        return workload.put(cursor.advance());
    }

    private Long mix(Cursor cursor, boolean[] writes) {
        int step = cursor.advance();
        return writes[step] ? workload.put(step) : workload.get(step);
    }

    // ---------------------------------------------------------------- workloads

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value read, for JMH to consume
     */
    @Benchmark
    @Group("get_1t")
    @GroupThreads(1)
    public Long get_1t(Cursor cursor, RoutingCounters routing) {
        return get(cursor);
    }

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value read
     */
    @Benchmark
    @Group("get_2t")
    @GroupThreads(2)
    public Long get_2t(Cursor cursor, RoutingCounters routing) {
        return get(cursor);
    }

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value replaced
     */
    @Benchmark
    @Group("put_1t")
    @GroupThreads(1)
    public Long put_1t(Cursor cursor, RoutingCounters routing) {
        return put(cursor);
    }

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value replaced
     */
    @Benchmark
    @Group("put_2t")
    @GroupThreads(2)
    public Long put_2t(Cursor cursor, RoutingCounters routing) {
        return put(cursor);
    }

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value read or replaced
     */
    @Benchmark
    @Group("mix95_1t")
    @GroupThreads(1)
    public Long mix95_1t(Cursor cursor, RoutingCounters routing) {
        return mix(cursor, writes95);
    }

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value read or replaced
     */
    @Benchmark
    @Group("mix95_2t")
    @GroupThreads(2)
    public Long mix95_2t(Cursor cursor, RoutingCounters routing) {
        return mix(cursor, writes95);
    }

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value read or replaced
     */
    @Benchmark
    @Group("mix50_1t")
    @GroupThreads(1)
    public Long mix50_1t(Cursor cursor, RoutingCounters routing) {
        return mix(cursor, writes50);
    }

    /**
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value read or replaced
     */
    @Benchmark
    @Group("mix50_2t")
    @GroupThreads(2)
    public Long mix50_2t(Cursor cursor, RoutingCounters routing) {
        return mix(cursor, writes50);
    }

    /**
     * The reader of {@code readWrite_2t}.
     *
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value read
     */
    @Benchmark
    @Group("readWrite_2t")
    @GroupThreads(1)
    public Long readWrite_2t_get(Cursor cursor, RoutingCounters routing) {
        return get(cursor);
    }

    /**
     * The writer of {@code readWrite_2t}.
     *
     * @param cursor the thread's key sequence
     * @param routing SlotGrid's routing counters
     * @return the value replaced
     */
    @Benchmark
    @Group("readWrite_2t")
    @GroupThreads(1)
    public Long readWrite_2t_put(Cursor cursor, RoutingCounters routing) {
        return put(cursor);
    }
}
