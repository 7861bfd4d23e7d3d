package dev.slotgrid.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ScrambledZipfianGeneratorTest {

    private static final int ITEMS = 100_000;
    private static final int SAMPLES = 1_000_000;

    private static int[] histogram(ScrambledZipfianGenerator generator) {
        int[] counts = new int[ITEMS];
        for (int i = 0; i < SAMPLES; i++) {
            counts[generator.nextInt()]++;
        }
        return counts;
    }

    private static double topShare(int[] counts, int items) {
        int[] sorted = counts.clone();
        Arrays.sort(sorted);
        long top = 0;
        for (int i = 0; i < items; i++) {
            top += sorted[sorted.length - 1 - i];
        }
        return top / (double) SAMPLES;
    }

    @Test
    void hottestItem_takesAboutOneOverZetaOfTheCalls() {
        int[] counts = histogram(new ScrambledZipfianGenerator(ITEMS, 1));

        // rank 0 alone is 1/26.47 = 3.78%; other ranks that hash to the same item add a little
        assertThat(topShare(counts, 1)).isBetween(0.035, 0.045);
    }

    @Test
    void onePercentOfTheItems_takeAboutAThirdOfTheCalls() {
        int[] counts = histogram(new ScrambledZipfianGenerator(ITEMS, 2));

        // uniform keys would give the top 1% about 1%; YCSB's scrambled Zipfian gives about 30%
        assertThat(topShare(counts, ITEMS / 100)).isBetween(0.25, 0.36);
    }

    @Test
    void hottestItem_isWhereFnvHashPutsRankZero() {
        int[] counts = histogram(new ScrambledZipfianGenerator(ITEMS, 3));
        int hottest = 0;
        for (int item = 1; item < ITEMS; item++) {
            if (counts[item] > counts[hottest]) {
                hottest = item;
            }
        }

        // fnv1a64(0) = 0xa8c7f832281a39c5; with the sign bit cleared, mod 100000 = 98597
        assertThat(hottest).isEqualTo(98_597);
    }

    @Test
    void fnv1a64_matchesAnIndependentImplementation() {
        // values from a Python FNV-1a over the 8 little-endian bytes
        assertThat(ScrambledZipfianGenerator.fnv1a64(0)).isEqualTo(0xa8c7f832281a39c5L);
        assertThat(ScrambledZipfianGenerator.fnv1a64(1)).isEqualTo(0x89cd31291d2aefa4L);
        assertThat(ScrambledZipfianGenerator.fnv1a64(123_456_789)).isEqualTo(0xdf604ac5d726ce19L);
        assertThat(ScrambledZipfianGenerator.fnv1a64(-1)).isEqualTo(0x8cf51a8bfca3883dL);
    }

    @Test
    void nonDefaultSkew_isLessSkewedAndStaysInRange() {
        ScrambledZipfianGenerator generator = new ScrambledZipfianGenerator(ITEMS, 0.8, 4);
        int[] counts = histogram(generator);

        assertThat(Arrays.stream(counts).sum()).isEqualTo(SAMPLES); // every draw landed in [0, ITEMS)
        assertThat(topShare(counts, 1)).isBetween(0.01, 0.035);
    }
}
