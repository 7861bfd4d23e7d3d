package dev.slotgrid.soak;

/**
 * The celebrity spike: from {@code startNanos} to {@code endNanos} one key's share of all
 * operations jumps to {@code multiple} times its normal Zipf share.
 *
 * <p>The load is closed-loop (each thread issues its next operation when the last returns), so
 * the spike moves traffic rather than adding it: each operation goes to the celebrity with
 * probability {@link #redirectShare()} {@code q}, chosen so that {@code q + (1 - q) p = multiple * p}
 * where {@code p} is the celebrity's normal share. The share is capped at {@value #MAX_SHARE};
 * {@link #effectiveMultiple()} says what was reached. Immutable.
 *
 * @param item the celebrity key's item number
 * @param rank its popularity rank
 * @param normalShare its normal share of operations {@code p}
 * @param redirectShare {@code q}, 0 when there is no spike
 * @param startNanos {@link System#nanoTime()} when it starts
 * @param endNanos when it ends
 */
record Spike(int item, int rank, double normalShare, double redirectShare, long startNanos, long endNanos) {

    /** The most of all operations the celebrity may take. */
    static final double MAX_SHARE = 0.95;

    static Spike plan(SoakConfig config, ScrambledZipfian zipf, long runStartNanos) {
        int rank = config.spikeRank();
        double p = zipf.probabilityOfRank(rank);
        double target = Math.min(MAX_SHARE, config.spikeMultiple() * p);
        double q = config.hasSpike() && target > p ? (target - p) / (1 - p) : 0;
        long start = runStartNanos + config.spikeAt().toNanos();
        return new Spike(zipf.itemOfRank(rank), rank, p, q, start, start + config.spikeFor().toNanos());
    }

    boolean isActive(long nowNanos) {
        return redirectShare > 0 && nowNanos >= startNanos && nowNanos < endNanos;
    }

    /** @return the celebrity's share during the spike */
    double spikeShare() {
        return redirectShare + (1 - redirectShare) * normalShare;
    }

    /** @return the multiple of its normal traffic the celebrity gets during the spike */
    double effectiveMultiple() {
        return redirectShare == 0 ? 1 : spikeShare() / normalShare;
    }
}
