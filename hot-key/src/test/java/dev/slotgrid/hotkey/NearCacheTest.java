package dev.slotgrid.hotkey;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NearCacheTest {

    private final AtomicLong clock = new AtomicLong(5_000_000_000L);
    private final NearCache<String, String> cache = new NearCache<>(Duration.ofSeconds(2), 100, clock::get);

    private boolean load(String key, String value) {
        long stamp = cache.stamp();
        long expiry = cache.expiryForLoadStartingNow();
        return cache.install(key, value, stamp, expiry);
    }

    @Test
    void aCopy_isServedUntilTheTtl_andNeverAfter() {
        assertThat(load("k", "v1")).isTrue();
        clock.addAndGet(Duration.ofMillis(1999).toNanos());
        assertThat(cache.get("k")).isEqualTo("v1");
        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(cache.get("k")).isNull();
        assertThat(cache.hits()).isEqualTo(1);
        assertThat(cache.misses()).isEqualTo(1);
        assertThat(cache.size()).isZero();
    }

    @Test
    void theTtl_countsFromBeforeTheLoad() {
        long stamp = cache.stamp();
        long expiry = cache.expiryForLoadStartingNow();
        clock.addAndGet(Duration.ofMillis(1500).toNanos()); // a slow load at the owner
        assertThat(cache.install("k", "v", stamp, expiry)).isTrue();
        clock.addAndGet(Duration.ofMillis(600).toNanos());
        assertThat(cache.get("k")).as("2.1 s after the value was read").isNull();
    }

    @Test
    void aWrite_invalidates_andALoadThatRacedWithIt_isNotInstalled() {
        load("k", "old");
        cache.invalidate("k");
        assertThat(cache.get("k")).isNull();

        long stamp = cache.stamp();
        long expiry = cache.expiryForLoadStartingNow();
        // the owner answered "old" ... then a write elsewhere invalidated the key before installation
        cache.invalidate("k");
        assertThat(cache.install("k", "old", stamp, expiry)).isFalse();
        assertThat(cache.get("k")).isNull();
    }

    @Test
    void aFullCache_cachesNothingNew() {
        NearCache<Integer, Integer> small = new NearCache<>(Duration.ofSeconds(1), 2, clock::get);
        for (int i = 0; i < 3; i++) {
            small.install(i, i, small.stamp(), small.expiryForLoadStartingNow());
        }
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.get(2)).isNull();
    }
}
