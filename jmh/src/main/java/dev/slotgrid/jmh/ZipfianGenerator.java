package dev.slotgrid.jmh;

import java.util.SplittableRandom;

/**
 * Draws integers in {@code [0, items)} with Zipfian popularity: item {@code i} has probability
 * {@code 1 / ((i + 1)^theta * zeta(items, theta))}, so item 0 is the most popular and popularity
 * falls with rank. The algorithm is YCSB's {@code ZipfianGenerator} (Gray et al., "Quickly
 * Generating Billion-Record Synthetic Databases", SIGMOD 1994), rewritten here: constant time per
 * draw after an {@code O(items)} set-up that computes {@code zeta}.
 *
 * <p>Not thread-safe (it owns its random source); give each thread its own, or precompute a
 * sequence as the benchmarks do. Deterministic for a given seed.
 */
public final class ZipfianGenerator {

    /** YCSB's default skew ("zipfian constant"). */
    public static final double DEFAULT_THETA = 0.99;

    private final long items;
    private final double theta;
    private final double zetaN;
    private final double alpha;
    private final double eta;
    private final double twoThreshold;
    private final SplittableRandom random;

    /**
     * A generator over {@code items} items, computing {@code zeta(items, theta)} (one
     * {@code Math.pow} per item: about 10 ms for a million items).
     *
     * @param items how many items, at least 2 and at most {@code 2^31 - 1} for the set-up loop
     * @param theta the skew, in {@code (0, 1)}; YCSB uses {@value #DEFAULT_THETA}
     * @param seed the random seed
     * @throws IllegalArgumentException if an argument is out of range
     */
    public ZipfianGenerator(long items, double theta, long seed) {
        this(items, theta, zeta(checkItems(items, Integer.MAX_VALUE), theta), seed);
    }

    /**
     * A generator whose {@code zeta(items, theta)} is known, so that it can span more items than a
     * set-up loop could visit (YCSB's scrambled generator draws from 10^10 items this way).
     */
    ZipfianGenerator(long items, double theta, double zetaN, long seed) {
        checkItems(items, Long.MAX_VALUE);
        if (!(theta > 0 && theta < 1)) {
            throw new IllegalArgumentException("theta must be in (0, 1), was " + theta);
        }
        this.items = items;
        this.theta = theta;
        this.zetaN = zetaN;
        this.alpha = 1.0 / (1.0 - theta);
        double zeta2 = zeta(2, theta);
        this.eta = (1 - Math.pow(2.0 / items, 1 - theta)) / (1 - zeta2 / zetaN);
        this.twoThreshold = 1.0 + Math.pow(0.5, theta);
        this.random = new SplittableRandom(seed);
    }

    private static long checkItems(long items, long max) {
        if (items < 2 || items > max) {
            throw new IllegalArgumentException("items must be in [2, " + max + "], was " + items);
        }
        return items;
    }

    /**
     * {@code sum over i in [1, n] of 1 / i^theta}.
     *
     * @param n the number of terms; the loop runs {@code n} times
     * @param theta the exponent
     * @return the generalized harmonic number
     */
    static double zeta(long n, double theta) {
        double sum = 0;
        for (long i = 1; i <= n; i++) {
            sum += 1 / Math.pow(i, theta);
        }
        return sum;
    }

    /** @return the next item, in {@code [0, items)} */
    public long nextLong() {
        double u = random.nextDouble();
        double uz = u * zetaN;
        if (uz < 1.0) {
            return 0;
        }
        if (uz < twoThreshold) {
            return 1;
        }
        long item = (long) (items * Math.pow(eta * u - eta + 1, alpha));
        return Math.min(item, items - 1); // u close to 1 can round up to items
    }

    /** @return the number of items */
    public long items() {
        return items;
    }

    /** @return the skew */
    public double theta() {
        return theta;
    }

    /** @return {@code zeta(items, theta)}: item 0 is drawn with probability {@code 1 / zetaN} */
    public double zetaN() {
        return zetaN;
    }
}
