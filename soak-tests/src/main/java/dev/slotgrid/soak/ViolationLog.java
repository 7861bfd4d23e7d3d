package dev.slotgrid.soak;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts invariant violations by {@link Invariant} and keeps the first few of each with their
 * details, for the report.
 *
 * <p>Concurrency: any thread may report; counts are atomic, the kept examples are guarded by the
 * instance's monitor (violations are rare, so the lock is never hot).
 */
final class ViolationLog {

    /** Examples kept per invariant; later violations are only counted. */
    static final int EXAMPLES_PER_INVARIANT = 5;

    /** One kept example. */
    record Example(double atSeconds, String detail) {
    }

    private volatile long startNanos;
    private final AtomicLongArray counts = new AtomicLongArray(Invariant.values().length);
    private final Map<Invariant, List<Example>> examples = new EnumMap<>(Invariant.class);

    ViolationLog(long startNanos) {
        this.startNanos = startNanos;
    }

    /** Measures the time of later examples from {@code nanos} (the start of the load). */
    void restartClock(long nanos) {
        startNanos = nanos;
    }

    void report(Invariant invariant, String detail) {
        long n = counts.incrementAndGet(invariant.ordinal());
        if (n <= EXAMPLES_PER_INVARIANT) {
            Example example = new Example((System.nanoTime() - startNanos) / 1e9, detail);
            synchronized (this) {
                examples.computeIfAbsent(invariant, k -> new ArrayList<>()).add(example);
            }
        }
    }

    long count(Invariant invariant) {
        return counts.get(invariant.ordinal());
    }

    long total() {
        long total = 0;
        for (int i = 0; i < counts.length(); i++) {
            total += counts.get(i);
        }
        return total;
    }

    synchronized List<Example> examples(Invariant invariant) {
        return List.copyOf(examples.getOrDefault(invariant, List.of()));
    }
}
