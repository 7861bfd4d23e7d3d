package dev.slotgrid.soak;

import java.util.Map;

/**
 * The figures of one sampling interval: the report's time series are lists of these. Immutable.
 *
 * @param atSeconds the end of the interval, from the start of the run
 * @param seconds the interval's length
 * @param ops operations completed in the interval (all kinds)
 * @param latency the interval's latency over all kinds
 * @param latencyByKind the interval's latency per {@link LatencyRecorders.Kind} name
 * @param opsByNode operations each node executed as owner in the interval, by node name
 * @param skew the interval's skew: the busiest node's operations over the mean
 * @param epoch the slot table's epoch at the end of the interval
 * @param spikeActive whether the celebrity spike was on at the end of the interval
 * @param changesByOutcome membership changes and migrations that ended in the interval, by
 *     {@code action/outcome} (e.g. {@code join/REFUSED})
 * @param migration the grid's migration figures of the interval
 * @param redirects MOVED/FENCED redirects followed by operations in the interval (all entry nodes)
 * @param tryAgainRetries retries of writes that met a slot in its cutover window, in the interval
 * @param violationsSoFar invariant violations since the start
 * @param entries entries held by all nodes at the end of the interval
 * @param hotKeys the grid's hot-key figures of the interval
 * @param globalIndex the GLOBAL index lag at the end of the interval (all zero when the run has no index)
 */
record Sample(double atSeconds, double seconds, long ops, LatencyPoint latency, Map<String, LatencyPoint> latencyByKind,
        Map<String, Long> opsByNode, double skew, long epoch, boolean spikeActive, Map<String, Long> changesByOutcome,
        MigrationPoint migration, long redirects, long tryAgainRetries, long violationsSoFar, long entries,
        HotKeyPoint hotKeys, IndexPoint globalIndex) {

    /** @return operations per second in the interval */
    double opsPerSecond() {
        return seconds <= 0 ? 0 : ops / seconds;
    }

    /**
     * The grid's migration figures ({@link dev.slotgrid.MigrationStats}) for one interval.
     *
     * @param slotsDone slots whose migration completed in the interval (the planner's and the harness's)
     * @param slotsLeft slots still to move at the end of the interval (running and queued)
     * @param entriesMoved entries shipped in the interval
     * @param cutovers cutovers in the interval
     * @param cutoverP50Micros the median cutover window since the start (the grid keeps one histogram)
     * @param cutoverP99Micros the p99 cutover window since the start
     * @param cutoverMaxMicros the longest cutover window since the start
     */
    record MigrationPoint(long slotsDone, int slotsLeft, long entriesMoved, long cutovers, double cutoverP50Micros,
            double cutoverP99Micros, double cutoverMaxMicros) {
    }

    /**
     * The grid's hot-key figures ({@link dev.slotgrid.HotKeyStats}) for one interval.
     *
     * @param nearCacheHits reads served from a near-cache copy in the interval
     * @param nearCacheMisses reads of near-cached keys that went to the owner in the interval
     * @param coalescedReads reads that joined an identical read in flight, in the interval
     * @param saltedKeys keys salted at the end of the interval
     * @param nearCachedKeys keys near-cached at the end of the interval
     * @param celebrityKvShare the celebrity's {@code kv} share of its busiest node's operations as the
     *     detector estimates it (NaN: not among the node's hottest keys)
     * @param celebrityCounterShare the same for its {@code counters} key (parts count as the key)
     */
    record HotKeyPoint(long nearCacheHits, long nearCacheMisses, long coalescedReads, int saltedKeys,
            int nearCachedKeys, double celebrityKvShare, double celebrityCounterShare) {
    }

    /**
     * The GLOBAL index lag ({@link dev.slotgrid.IndexStats}): what the outboxes hold at the end of
     * an interval, and what they did in it.
     *
     * @param pending updates enqueued and not yet applied, all nodes
     * @param oldestPendingMillis how long the oldest of them has waited
     * @param applied updates applied in the interval
     * @param writerWaits writes that found an outbox full and waited for room, in the interval
     */
    record IndexPoint(long pending, double oldestPendingMillis, long applied, long writerWaits) {
    }

    /**
     * Latency percentiles of a set of operations, in microseconds.
     *
     * @param count operations measured
     * @param p50 median
     * @param p99 99th percentile
     * @param p999 99.9th percentile
     * @param max the slowest
     */
    record LatencyPoint(long count, double p50, double p99, double p999, double max) {

        static LatencyPoint of(org.HdrHistogram.Histogram h) {
            if (h.getTotalCount() == 0) {
                return new LatencyPoint(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            return new LatencyPoint(h.getTotalCount(), h.getValueAtPercentile(50) / 1e3,
                    h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3);
        }
    }
}
