package dev.slotgrid.soak;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latency of every operation, by kind, in nanoseconds: HdrHistogram {@link Recorder}s that load
 * threads write to without waiting, and whose interval histograms the sampler swaps out.
 *
 * <p>Concurrency: {@link #record} is wait-free and may be called by any thread;
 * {@link #takeInterval} is called by the sampler thread only.
 */
final class LatencyRecorders {

    /** The operation kinds measured, in the order of the arrays. */
    enum Kind {
        /** get of a kv key or a counter. */
        READ,
        /** An owner's put, putIfAbsent, replace, compute or remove on kv. */
        WRITE,
        /** A counter increment. */
        MERGE
    }

    static final int SIGNIFICANT_DIGITS = 3;
    /** One minute: a longer operation is recorded as one minute. */
    static final long HIGHEST_NANOS = 60_000_000_000L;

    private final Recorder[] recorders = new Recorder[Kind.values().length];
    private final Histogram[] recycled = new Histogram[Kind.values().length];
    private final Histogram[] cumulative = new Histogram[Kind.values().length];

    LatencyRecorders() {
        for (Kind kind : Kind.values()) {
            recorders[kind.ordinal()] = new Recorder(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
            cumulative[kind.ordinal()] = new Histogram(HIGHEST_NANOS, SIGNIFICANT_DIGITS);
        }
    }

    void record(Kind kind, long nanos) {
        recorders[kind.ordinal()].recordValue(Math.min(Math.max(nanos, 1), HIGHEST_NANOS));
    }

    /**
     * Swaps out the histograms of the interval since the last call, adds them to the run's totals.
     *
     * @return one histogram per {@link Kind}; valid until the next call
     */
    Histogram[] takeInterval() {
        Histogram[] interval = new Histogram[recorders.length];
        for (int k = 0; k < recorders.length; k++) {
            interval[k] = recorders[k].getIntervalHistogram(recycled[k]);
            recycled[k] = interval[k];
            cumulative[k].add(interval[k]);
        }
        return interval;
    }

    /** @return the whole run's histogram of a kind (sampler thread, or after the run) */
    Histogram cumulative(Kind kind) {
        return cumulative[kind.ordinal()];
    }
}
