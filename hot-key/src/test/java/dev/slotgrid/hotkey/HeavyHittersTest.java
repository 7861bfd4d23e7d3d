package dev.slotgrid.hotkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeavyHittersTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    /** Advances the fake clock by one millisecond per 1,000 operations: 1M ops/s. */
    private void play(HeavyHitters hitters, Random random, int ops, double hotShare, boolean hotWrites) {
        for (int i = 0; i < ops; i++) {
            if (random.nextDouble() < hotShare) {
                hitters.record(7, "celebrity", hotWrites);
            } else {
                hitters.record(7, "key-" + random.nextInt(100_000), random.nextInt(10) == 0);
            }
            if (i % 1_000 == 999) {
                clock.addAndGet(1_000_000L);
            }
            if (i % 50_000 == 49_999) {
                hitters.top(1); // the maintenance thread's drain
            }
        }
    }

    @Test
    void aKeyWithAQuarterOfTheTraffic_isFirst_withItsShareRateAndMix() {
        // 2 s of traffic is 8 half-lives: the decayed counts have converged to the steady rate
        HeavyHitters hitters = new HeavyHitters(64, 4, Duration.ofMillis(250), clock::get);
        play(hitters, new Random(1), 2_000_000, 0.25, true);
        List<HotKey> top = hitters.top(3);
        HotKey first = top.get(0);
        assertThat(first.key()).isEqualTo("celebrity");
        assertThat(first.namespace()).isEqualTo(7);
        assertThat(first.share()).isBetween(0.20, 0.30);
        assertThat(first.opsPerSecond()).as("a quarter of 1M ops/s").isBetween(200_000.0, 300_000.0);
        assertThat(first.readFraction()).isZero();
        assertThat(first.readMostly()).isFalse();
        assertThat(top.size() < 2 || top.get(1).share() < 0.01).as("no other key is anywhere near").isTrue();
        assertThat(hitters.opsPerSecond()).isBetween(800_000.0, 1_200_000.0);
    }

    @Test
    void aKeyThatCoolsDown_fadesWithTheHalfLife() {
        HeavyHitters hitters = new HeavyHitters(64, 2, Duration.ofSeconds(1), clock::get);
        play(hitters, new Random(2), 500_000, 0.5, false);
        HotKey hot = hitters.top(1).get(0);
        assertThat(hot.key()).isEqualTo("celebrity");
        assertThat(hot.readMostly()).isTrue();
        play(hitters, new Random(3), 3_000_000, 0.0, false); // 3 s without the celebrity
        List<HotKey> after = hitters.top(64);
        double celebrity = after.stream().filter(k -> k.key().equals("celebrity")).mapToDouble(HotKey::share).sum();
        assertThat(celebrity).as("three half-lives later").isLessThan(hot.share() / 6);
    }

    @Test
    void uniformTraffic_hasNoKeyAboveItsFairShare() {
        HeavyHitters hitters = new HeavyHitters(64, 0, Duration.ofSeconds(1), clock::get);
        play(hitters, new Random(4), 300_000, 0.0, false);
        assertThat(hitters.top(5)).allSatisfy(k -> assertThat(k.share()).isLessThan(0.01));
    }

    @Test
    void badConfiguration_isNamed() {
        assertThatThrownBy(() -> new HeavyHitters(2, 0, Duration.ofSeconds(1), clock::get)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new HeavyHitters(64, 20, Duration.ofSeconds(1), clock::get)).hasMessageContaining("sampleShift");
        assertThatThrownBy(() -> new HeavyHitters(64, 0, Duration.ZERO, clock::get)).hasMessageContaining("halfLife");
    }
}
