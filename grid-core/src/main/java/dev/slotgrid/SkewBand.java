package dev.slotgrid;

/**
 * The health bands operators use for shard load skew (max over mean of operations per node).
 */
public enum SkewBand {
    /** Skew under 1.3: load is spread well. */
    HEALTHY,
    /** Skew from 1.3 up to 2.0: one node works noticeably harder; look at hot slots and keys. */
    WARNING,
    /** Skew above 2.0: one node carries more than twice its share; act. */
    CRITICAL;

    /** Upper bound (exclusive) of {@link #HEALTHY}. */
    public static final double WARNING_AT = 1.3;
    /** Upper bound (inclusive) of {@link #WARNING}. */
    public static final double CRITICAL_ABOVE = 2.0;

    /**
     * The band of a skew ratio.
     *
     * @param skew max over mean, {@code >= 1} (a smaller value is treated as perfectly balanced)
     * @return the band
     * @throws IllegalArgumentException if {@code skew} is NaN
     */
    public static SkewBand of(double skew) {
        if (Double.isNaN(skew)) {
            throw new IllegalArgumentException("skew must be a number, was NaN");
        }
        if (skew < WARNING_AT) {
            return HEALTHY;
        }
        return skew <= CRITICAL_ABOVE ? WARNING : CRITICAL;
    }
}
