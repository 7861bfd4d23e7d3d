package dev.slotgrid.soak;

import java.util.SplittableRandom;

/**
 * Draws item numbers in {@code [0, items)} whose popularity follows a Zipf law, with the popular
 * items scattered over the item space: the idea of YCSB's {@code ScrambledZipfianGenerator}.
 *
 * <p>Popularity by rank {@code r} (0 = hottest) is {@code (r + 1)^-theta / zeta(items, theta)}.
 * Where YCSB draws ranks with Gray et al.'s closed-form approximation (exact only for the top two
 * ranks, defined only for {@code theta < 1}), this class inverts the exact cumulative distribution
 * by binary search over a precomputed table: any {@code theta >= 0} works (issue 6 needs 1.2), and
 * every rank has exactly its Zipf probability. Where YCSB scrambles a rank by FNV-hashing it modulo
 * the item count (which maps some ranks onto the same item), this class maps ranks to items with a
 * seeded random permutation, so the scrambling keeps every probability intact.
 *
 * <p>Thread-safe after construction (immutable); each caller passes its own random source.
 * Cost: {@code O(items)} time and 12 bytes per item to build, {@code O(log items)} per draw.
 */
public final class ScrambledZipfian {

    private final double theta;
    private final double[] cumulative;
    private final int[] itemOfRank;
    private final int[] rankOfItem;

    /**
     * Builds the table and the permutation.
     *
     * @param items the number of items, 1 to {@link SoakConfig#MAX_KEYS}
     * @param theta the skew, {@code >= 0}; 0 is uniform
     * @param seed the seed of the rank-to-item permutation
     * @throws IllegalArgumentException if an argument is out of range
     */
    public ScrambledZipfian(int items, double theta, long seed) {
        if (items < 1 || items > SoakConfig.MAX_KEYS) {
            throw new IllegalArgumentException("items must be 1.." + SoakConfig.MAX_KEYS + ", was " + items);
        }
        if (!(theta >= 0)) {
            throw new IllegalArgumentException("theta must be >= 0, was " + theta);
        }
        this.theta = theta;
        this.cumulative = new double[items];
        double sum = 0;
        for (int rank = 0; rank < items; rank++) {
            sum += Math.pow(rank + 1, -theta);
            cumulative[rank] = sum;
        }
        for (int rank = 0; rank < items; rank++) {
            cumulative[rank] /= sum;
        }
        cumulative[items - 1] = 1.0;
        this.itemOfRank = new int[items];
        this.rankOfItem = new int[items];
        for (int i = 0; i < items; i++) {
            itemOfRank[i] = i;
        }
        SplittableRandom shuffle = new SplittableRandom(seed);
        for (int i = items - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            int t = itemOfRank[i];
            itemOfRank[i] = itemOfRank[j];
            itemOfRank[j] = t;
        }
        for (int rank = 0; rank < items; rank++) {
            rankOfItem[itemOfRank[rank]] = rank;
        }
    }

    /** @return the number of items */
    public int items() {
        return itemOfRank.length;
    }

    /** @return the skew parameter */
    public double theta() {
        return theta;
    }

    /**
     * Draws an item.
     *
     * @param random the caller's random source
     * @return an item number in {@code [0, items)}
     */
    public int next(SplittableRandom random) {
        return itemOfRank[rankOf(random.nextDouble())];
    }

    /** The smallest rank whose cumulative probability exceeds {@code u}. */
    int rankOf(double u) {
        int lo = 0;
        int hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * The item with a popularity rank.
     *
     * @param rank 0 (hottest) to {@code items - 1}
     * @return the item
     */
    public int itemOfRank(int rank) {
        return itemOfRank[rank];
    }

    /**
     * The popularity rank of an item.
     *
     * @param item an item number
     * @return its rank, 0 for the hottest
     */
    public int rankOfItem(int item) {
        return rankOfItem[item];
    }

    /**
     * The exact probability that {@link #next} returns the item of a rank.
     *
     * @param rank 0 to {@code items - 1}
     * @return the probability
     */
    public double probabilityOfRank(int rank) {
        return rank == 0 ? cumulative[0] : cumulative[rank] - cumulative[rank - 1];
    }
}
