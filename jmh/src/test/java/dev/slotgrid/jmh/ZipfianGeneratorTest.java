package dev.slotgrid.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ZipfianGeneratorTest {

    private static final int ITEMS = 1000;
    private static final int SAMPLES = 200_000;

    private static int[] histogram(ZipfianGenerator generator) {
        int[] counts = new int[ITEMS];
        for (int i = 0; i < SAMPLES; i++) {
            counts[(int) generator.nextLong()]++;
        }
        return counts;
    }

    private static double probability(int rank, double zetaN) {
        return 1 / (Math.pow(rank + 1, ZipfianGenerator.DEFAULT_THETA) * zetaN);
    }

    /** Five standard deviations of a binomial share: fails a correct generator about once in 10^6 runs. */
    private static double fiveSigma(double p) {
        return 5 * Math.sqrt(p * (1 - p) / SAMPLES);
    }

    @Test
    void theTwoMostPopularItems_areDrawnWithTheirExactZipfProbability() {
        ZipfianGenerator generator = new ZipfianGenerator(ITEMS, ZipfianGenerator.DEFAULT_THETA, 1);
        int[] counts = histogram(generator);

        for (int rank = 0; rank < 2; rank++) {
            double expected = probability(rank, generator.zetaN());
            assertThat(counts[rank] / (double) SAMPLES).as("share of rank %d", rank)
                    .isCloseTo(expected, within(fiveSigma(expected)));
        }
    }

    @Test
    void theHundredMostPopularItems_takeTheirZipfShare() {
        ZipfianGenerator generator = new ZipfianGenerator(ITEMS, ZipfianGenerator.DEFAULT_THETA, 2);
        int[] counts = histogram(generator);

        long top = 0;
        double expected = 0;
        for (int rank = 0; rank < 100; rank++) {
            top += counts[rank];
            expected += probability(rank, generator.zetaN());
        }
        // YCSB's algorithm approximates ranks >= 2; its error on this sum is about 1%.
        assertThat(top / (double) SAMPLES).isCloseTo(expected, within(0.02));
        assertThat(expected).as("the skew being tested").isGreaterThan(0.6);
    }

    @Test
    void popularity_fallsWithRank() {
        int[] counts = histogram(new ZipfianGenerator(ITEMS, ZipfianGenerator.DEFAULT_THETA, 3));

        assertThat(counts[0]).isGreaterThan(counts[1]);
        assertThat(counts[1]).isGreaterThan(counts[9]);
        assertThat(counts[9]).isGreaterThan(counts[99]);
        assertThat(counts[99]).isGreaterThan(counts[999]);
    }

    @Test
    void zeta_isTheGeneralizedHarmonicNumber() {
        assertThat(ZipfianGenerator.zeta(1, 0.99)).isEqualTo(1.0);
        assertThat(ZipfianGenerator.zeta(2, 0.5)).isCloseTo(1 + 1 / Math.sqrt(2), within(1e-12));
    }

    @Test
    void sameSeed_sameSequence() {
        ZipfianGenerator a = new ZipfianGenerator(ITEMS, 0.9, 42);
        ZipfianGenerator b = new ZipfianGenerator(ITEMS, 0.9, 42);
        for (int i = 0; i < 1000; i++) {
            assertThat(a.nextLong()).isEqualTo(b.nextLong());
        }
    }

    @Test
    void rejectsArgumentsOutOfRange() {
        assertThatThrownBy(() -> new ZipfianGenerator(1, 0.99, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("items");
        assertThatThrownBy(() -> new ZipfianGenerator(10, 1.0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("theta");
    }
}
