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

    /**
     * A reader that starts after a write's invalidation returned never sees a copy older than that
     * write, even while loads that began before the write race to install their older value: the
     * stamp check and the install are one atomic step. (An install that put its copy first and
     * checked the stamp after exposed the stale copy for an instant: this test and the cross-member
     * ClusteredHotKeysTest caught it.) Bounded by a count of writes and a time limit.
     */
    @Test
    void noReaderAfterAnInvalidation_seesAnOlderCopy_whileLoadsRace() throws Exception {
        NearCache<String, Long> racing = new NearCache<>(Duration.ofMinutes(1), 10, System::nanoTime);
        AtomicLong owner = new AtomicLong(); // the value at the key's owner
        AtomicLong acked = new AtomicLong(); // the newest write whose invalidation returned
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ConcurrentLinkedQueue<String> stale = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Thread loader = new Thread(() -> {
            while (!done.get()) {
                long stamp = racing.stamp();
                long expiry = racing.expiryForLoadStartingNow();
                racing.install("k", owner.get(), stamp, expiry);
            }
        });
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                long floor = acked.get();
                Long copy = racing.get("k");
                if (copy != null && copy < floor && stale.size() < 10) {
                    stale.add("read " + copy + " after write " + floor + " was acknowledged");
                }
            }
        });
        loader.start();
        reader.start();
        try {
            for (long v = 1; v <= 2_000_000 && System.nanoTime() - deadline < 0 && stale.isEmpty(); v++) {
                owner.set(v);
                racing.invalidate("k");
                acked.set(v);
            }
        } finally {
            done.set(true);
            loader.join(10_000);
            reader.join(10_000);
        }
        assertThat(stale).isEmpty();
    }
}
