package dev.slotgrid.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScrambledZipfianTest {

    private static final int DRAWS = 1_000_000;

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.5, 0.99, 1.0, 1.2})
    void drawFrequencies_matchTheZipfProbabilities(double theta) {
        ScrambledZipfian zipf = new ScrambledZipfian(1000, theta, 7);
        long[] counts = new long[1000];
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < DRAWS; i++) {
            counts[zipf.next(random)]++;
        }
        for (int rank : new int[] {0, 1, 9, 99}) {
            double expected = zipf.probabilityOfRank(rank);
            double seen = counts[zipf.itemOfRank(rank)] / (double) DRAWS;
            double sigma = Math.sqrt(expected * (1 - expected) / DRAWS);
            assertThat(seen).as("rank %d at theta %s", rank, theta).isCloseTo(expected, within(5 * sigma + 1e-4));
        }
        assertThat(zipf.probabilityOfRank(0) / zipf.probabilityOfRank(9)).isCloseTo(Math.pow(10, theta), within(1e-9));
    }

    @Test
    void scrambling_isAPermutation_thatScattersTheHotItems_andDependsOnTheSeed() {
        ScrambledZipfian zipf = new ScrambledZipfian(10_000, 0.99, 1);
        boolean[] seen = new boolean[10_000];
        for (int rank = 0; rank < 10_000; rank++) {
            int item = zipf.itemOfRank(rank);
            assertThat(seen[item]).isFalse();
            seen[item] = true;
            assertThat(zipf.rankOfItem(item)).isEqualTo(rank);
        }
        int hotInFirstTenth = 0;
        for (int rank = 0; rank < 100; rank++) {
            hotInFirstTenth += zipf.itemOfRank(rank) < 1000 ? 1 : 0;
        }
        assertThat(hotInFirstTenth).as("the 100 hottest items are spread, not packed at the start").isBetween(2, 30);
        assertThat(new ScrambledZipfian(10_000, 0.99, 2).itemOfRank(0)).isNotEqualTo(zipf.itemOfRank(0));
        assertThat(new ScrambledZipfian(10_000, 0.99, 1).itemOfRank(0)).isEqualTo(zipf.itemOfRank(0));
    }

    @Test
    void badArguments_areRejected() {
        assertThatThrownBy(() -> new ScrambledZipfian(0, 0.99, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScrambledZipfian(10, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ScrambledZipfian(10, Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
