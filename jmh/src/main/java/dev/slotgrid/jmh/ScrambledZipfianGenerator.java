package dev.slotgrid.jmh;

/**
 * Zipfian popularity with the popular items scattered over the key space instead of clustered at
 * its start, as YCSB's {@code ScrambledZipfianGenerator} (the generator behind its workloads and
 * Caffeine's {@code GetPutBenchmark}), rewritten here.
 *
 * <p>With the default skew it draws a Zipfian rank from 10^10 items (YCSB's {@code ITEM_COUNT},
 * whose {@code zeta} YCSB precomputes as {@value #ZETAN}) and maps it to
 * {@code fnv1a64(rank) mod items}. Many ranks share a bucket, so the hottest item is drawn about
 * 1/{@value #ZETAN}, that is 3.8%, of the time whatever {@code items} is. For any other skew YCSB
 * would compute {@code zeta} over 10^10 items (minutes); this class draws the rank from
 * {@code items} items instead and scrambles it the same way. One more deviation: YCSB takes
 * {@code Math.abs} of the hash, which is negative for {@code Long.MIN_VALUE}; this class clears the
 * sign bit.
 *
 * <p>Not thread-safe; deterministic for a given seed.
 */
public final class ScrambledZipfianGenerator {

    /** YCSB's rank space for the default skew. */
    static final long ITEM_COUNT = 10_000_000_000L;
    /** {@code zeta(ITEM_COUNT, 0.99)}, as YCSB precomputes it. */
    static final double ZETAN = 26.46902820178302;

    private static final long FNV_OFFSET_BASIS_64 = 0xCBF29CE484222325L;
    private static final long FNV_PRIME_64 = 1099511628211L;

    private final long items;
    private final ZipfianGenerator ranks;

    /**
     * A generator over {@code items} items with YCSB's default skew, 0.99.
     *
     * @param items how many items, at least 2
     * @param seed the random seed
     */
    public ScrambledZipfianGenerator(long items, long seed) {
        this(items, ZipfianGenerator.DEFAULT_THETA, seed);
    }

    /**
     * A generator over {@code items} items with any skew (see the class comment for how a
     * non-default skew differs from YCSB).
     *
     * @param items how many items, at least 2 ({@code 2^31 - 1} at most for a non-default skew)
     * @param theta the skew, in {@code (0, 1)}
     * @param seed the random seed
     * @throws IllegalArgumentException if an argument is out of range
     */
    public ScrambledZipfianGenerator(long items, double theta, long seed) {
        if (items < 2) {
            throw new IllegalArgumentException("items must be at least 2, was " + items);
        }
        this.items = items;
        this.ranks = theta == ZipfianGenerator.DEFAULT_THETA
                ? new ZipfianGenerator(ITEM_COUNT, theta, ZETAN, seed)
                : new ZipfianGenerator(items, theta, seed);
    }

    /** @return the next item, in {@code [0, items)} */
    public long nextLong() {
        return (fnv1a64(ranks.nextLong()) & Long.MAX_VALUE) % items;
    }

    /** @return the next item as an {@code int}; only for {@code items <= Integer.MAX_VALUE} */
    public int nextInt() {
        return Math.toIntExact(nextLong());
    }

    /** @return the number of items */
    public long items() {
        return items;
    }

    /**
     * FNV-1a over the eight bytes of {@code value}, low byte first, as YCSB's
     * {@code Utils.fnvhash64} (before its {@code Math.abs}).
     */
    static long fnv1a64(long value) {
        long hash = FNV_OFFSET_BASIS_64;
        for (int i = 0; i < 8; i++) {
            hash ^= value & 0xFF;
            hash *= FNV_PRIME_64;
            value >>= 8;
        }
        return hash;
    }
}
