package dev.slotgrid.jmh;

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
 * Where the time of an owner-local SlotGrid {@code get} goes, one step at a time from a plain
 * {@code ConcurrentHashMap} (a factorial experiment behind the 0.5x goal of
 * {@code docs/benchmarks.md}):
 *
 * <ol>
 *   <li>{@code chm}: one map, every candidate key;
 *   <li>{@code chm-owner-keys}: one map holding only {@code slotgrid-local}'s keys (every third
 *       candidate key, so the live keys sit further apart in memory);
 *   <li>{@code chm-crc16}: the same, plus the CRC16 slot of every key and an array read;
 *   <li>{@code chm-slots}: a map per slot: the floor of a slot-sharded design;
 *   <li>{@code slotgrid-local}: the grid, entering through the key's owner: what routing, writer
 *       admission and stats add.
 * </ol>
 *
 * <p><b>Hypothesis.</b> Each step costs a few ns and the grid's own share (step 5) is the largest.
 * With {@code size=1000} everything is in cache and the steps measure instructions; with
 * {@code size=100000} and uniform keys they also measure cache misses, and how many of them the
 * CPU overlaps across consecutive calls.
 *
 * <p>Run alone (from the repository root):
 *
 * <pre>
 * flock /tmp/slotgrid-mvn.lock mvn -B -q -pl jmh -am package -DskipTests
 * flock /tmp/slotgrid-mvn.lock java @jmh/target/jvm.flags -jar jmh/target/benchmarks.jar GetCostBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GetCostBenchmark {

    /** The step; see the class comment. */
    @Param({"chm", "chm-owner-keys", "chm-crc16", "chm-slots", "slotgrid-local"})
    public String impl;

    /** How keys are drawn: {@code uniform} or {@code zipfian}. */
    @Param("uniform")
    public String keys;

    /** How many keys the map holds: in cache, or mostly not. */
    @Param({"1000", "100000"})
    public int size;

    private Workload workload;

    /** Starts the implementation, picks its keys and loads them. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = Workload.start(impl, keys, size);
    }

    /** Stops the implementation. */
    @TearDown(Level.Trial)
    public void tearDown() {
        workload.close();
    }

    /**
     * @param cursor the thread's key sequence
     * @return the value read
     */
    @Benchmark
    public Long get(Cursor cursor) {
        return workload.get(cursor.advance());
    }
}
