package dev.slotgrid.hotkey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "every bad input named": each public method of the hot-key module rejects a bad
 * argument with an exception whose message names it (a bare {@code NullPointerException} with
 * message {@code null} fails these tests), and a rejected call changes nothing.
 */
class BadInputTest {

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);

    private static void rejects(ThrowingCallable call, Class<? extends Throwable> type, String message) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(message);
    }

    private static void rejectsNull(ThrowingCallable call, String message) {
        rejects(call, NullPointerException.class, message);
    }

    // ---------------------------------------------------------------- HeavyHitters

    @Test
    void heavyHitters_constructor_eachBadArgument_isNamed() {
        rejects(() -> new HeavyHitters(7, 0, Duration.ofSeconds(1), clock::get), IllegalArgumentException.class,
                "capacity must be between 8 and 4096, was 7");
        rejects(() -> new HeavyHitters(64, -1, Duration.ofSeconds(1), clock::get), IllegalArgumentException.class,
                "sampleShift must be between 0 and 16, was -1");
        rejectsNull(() -> new HeavyHitters(64, 0, null, clock::get), "halfLife must not be null");
        rejects(() -> new HeavyHitters(64, 0, Duration.ofSeconds(-1), clock::get), IllegalArgumentException.class,
                "halfLife must be positive");
        rejectsNull(() -> new HeavyHitters(64, 0, Duration.ofSeconds(1), null), "nanoClock must not be null");
    }

    @Test
    void heavyHittersRecord_nullKey_isNamed_andRecordsNothing() {
        HeavyHitters hitters = new HeavyHitters(64, 0, Duration.ofSeconds(1), clock::get);
        rejectsNull(() -> hitters.record(1, null, false), "key must not be null");
        assertThat(hitters.top(10)).isEmpty();
    }

    @Test
    void heavyHittersTop_negativeCount_isNamed() {
        HeavyHitters hitters = new HeavyHitters(64, 0, Duration.ofSeconds(1), clock::get);
        hitters.record(1, "k", false);
        rejects(() -> hitters.top(-1), IllegalArgumentException.class, "top count must not be negative, was -1");
        assertThat(hitters.top(0)).isEmpty();
    }

    // ---------------------------------------------------------------- NearCache

    @Test
    void nearCache_constructor_eachBadArgument_isNamed() {
        rejectsNull(() -> new NearCache<String, String>(null, 10, clock::get), "near cache TTL must not be null");
        rejects(() -> new NearCache<String, String>(Duration.ZERO, 10, clock::get), IllegalArgumentException.class,
                "near cache TTL must be positive");
        rejects(() -> new NearCache<String, String>(Duration.ofSeconds(1), 0, clock::get), IllegalArgumentException.class,
                "near cache maxEntries must be positive, was 0");
        rejectsNull(() -> new NearCache<String, String>(Duration.ofSeconds(1), 10, null), "nanoClock must not be null");
    }

    @Test
    void nearCacheGet_nullKey_isNamed_andCountsNothing() {
        NearCache<String, String> cache = new NearCache<>(Duration.ofSeconds(1), 10, clock::get);
        rejectsNull(() -> cache.get(null), "key must not be null");
        assertThat(cache.misses()).isZero();
    }

    @Test
    void nearCacheInstall_nullKeyOrValue_isNamed_andInstallsNothing() {
        NearCache<String, String> cache = new NearCache<>(Duration.ofSeconds(1), 10, clock::get);
        long stamp = cache.stamp();
        long expiry = cache.expiryForLoadStartingNow();
        rejectsNull(() -> cache.install(null, "v", stamp, expiry), "key must not be null");
        rejectsNull(() -> cache.install("k", null, stamp, expiry), "value must not be null");
        assertThat(cache.size()).isZero();
    }

    @Test
    void nearCacheInvalidate_nullKey_isNamed_andInvalidatesNothing() {
        NearCache<String, String> cache = new NearCache<>(Duration.ofSeconds(1), 10, clock::get);
        long stamp = cache.stamp();
        rejectsNull(() -> cache.invalidate(null), "key must not be null");
        assertThat(cache.stamp()).as("no load was failed by the rejected call").isEqualTo(stamp);
    }

    // ---------------------------------------------------------------- SingleFlight

    @Test
    void singleFlightLoad_nullKeyOrLoader_isNamed_andRunsNothing() {
        SingleFlight<String, String> flight = new SingleFlight<>();
        rejectsNull(() -> flight.load(null, () -> "v"), "key must not be null");
        rejectsNull(() -> flight.load("k", null), "loader must not be null");
        assertThat(flight.loads()).isZero();
        assertThat(flight.inFlight()).isZero();
    }

    @Test
    void singleFlightForget_nullKey_isNamed() {
        rejectsNull(() -> new SingleFlight<String, String>().forget(null), "key must not be null");
    }

    // ---------------------------------------------------------------- MicroBatcher

    @Test
    void microBatcher_constructor_badSizeOrNullExecutor_isNamed() {
        rejects(() -> new MicroBatcher<String>(0, batch -> { }), IllegalArgumentException.class,
                "maxBatch must be positive, was 0");
        rejectsNull(() -> new MicroBatcher<String>(4, null), "executor must not be null");
    }

    @Test
    void microBatcherSubmit_nullRequest_isNamed_andQueuesNothing() {
        List<List<String>> executed = new ArrayList<>();
        MicroBatcher<String> batcher = new MicroBatcher<>(4, executed::add);
        rejectsNull(() -> batcher.submit(null), "request must not be null");
        assertThat(batcher.requests()).isZero();
        batcher.submit("r");
        assertThat(executed).containsExactly(List.of("r"));
    }

    // ---------------------------------------------------------------- SaltedKey

    @Test
    void saltedKeyOf_nullKeyOrSlots_orNoPart_isNamed() {
        rejectsNull(() -> SaltedKey.of(null, new int[] {1}), "key must not be null");
        rejectsNull(() -> SaltedKey.of("k", null), "partSlots must not be null");
        rejects(() -> SaltedKey.of("k", new int[0]), IllegalArgumentException.class, "a salted key has at least one part");
    }

    @Test
    void saltedKeyWithWriteParts_negativeParts_orBadSlots_isNamed() {
        SaltedKey v1 = SaltedKey.of("k", new int[] {1, 2});
        rejects(() -> v1.withWriteParts(-1, new int[0]), IllegalArgumentException.class,
                "write parts must not be negative, was -1");
        rejectsNull(() -> v1.withWriteParts(3, null), "moreSlots must not be null");
        rejects(() -> v1.withWriteParts(3, new int[0]), IllegalArgumentException.class, "needs 1 new slots, not 0");
        assertThat(v1.withWriteParts(0, new int[0]).writeParts()).as("0: writes go to the base entry").isZero();
    }

    // ---------------------------------------------------------------- mergers

    @Test
    void longSumMerge_nullValue_isNamed() {
        LongSumMerger merger = new LongSumMerger();
        rejectsNull(() -> merger.merge(null, 1L), "long-sum: a must not be null");
        rejectsNull(() -> merger.merge(1L, null), "long-sum: b must not be null");
    }

    @Test
    void setUnionMerge_nullSetOrNullElement_isNamed() {
        SetUnionMerger merger = new SetUnionMerger();
        rejectsNull(() -> merger.merge(null, Set.of(1)), "set-union: a must not be null");
        rejectsNull(() -> merger.merge(Set.of(1), null), "set-union: b must not be null");
        Set<Object> withNull = new HashSet<>(Arrays.asList(2, null));
        rejectsNull(() -> merger.merge(Set.of(1), withNull), "set-union: the sets must not contain null");
        rejectsNull(() -> merger.merge(withNull, Set.of(3)), "set-union: the sets must not contain null");
    }
}
