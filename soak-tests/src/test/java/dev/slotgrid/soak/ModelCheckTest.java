package dev.slotgrid.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The models' verdicts on single answers, one per kind of wrong answer and the right ones beside them. */
class ModelCheckTest {

    private final String[] keys = {"key:0", "key:1", "key:2"};
    private KvModel kv;
    private CounterModel counters;
    private ViolationLog log;

    @BeforeEach
    void setUp() {
        kv = new KvModel(keys, 64, 1);
        counters = new CounterModel(keys);
        log = new ViolationLog(System.nanoTime());
    }

    /** Owner writes: put #1, put #2 acknowledged; returns the state after. */
    private long twoPuts(int item) {
        kv.ack(item, kv.begin(item, false));
        long second = kv.begin(item, false);
        kv.ack(item, second);
        return second;
    }

    @Test
    void values_encodeKeyAndSequence_andAnythingElseIsNotAValue() {
        String value = kv.value(1, 7);
        assertThat(value).hasSize(64).startsWith("1:7:");
        assertThat(kv.seqOfValue(1, value)).isEqualTo(7);
        assertThat(kv.seqOfValue(2, value)).as("another key's value").isEqualTo(-1);
        assertThat(kv.seqOfValue(1, value.substring(0, 63) + "!")).as("a damaged character").isEqualTo(-1);
        assertThat(kv.seqOfValue(1, "garbage")).isEqualTo(-1);
    }

    @Test
    void theIndexValue_isReadBackFromTheValue_asTheModelComputesIt() {
        for (int item = 0; item < keys.length; item++) {
            for (long seq = 1; seq < 50; seq++) {
                assertThat(IndexCheck.bucketOf(kv.value(item, seq))).isEqualTo(IndexCheck.bucket(item, seq))
                        .isBetween(0, IndexCheck.BUCKETS - 1);
            }
        }
        assertThat(IndexCheck.bucketOf("garbage")).isNull();
        assertThat(IndexCheck.bucketOf("x:1:aaaa")).isNull();
    }

    @Test
    void aRead_ofTheAcknowledgedValue_orOfAWriteInFlight_holds() {
        long acked = twoPuts(0);
        assertThat(kv.checkRead(0, acked, kv.value(0, 2), log, "get")).isTrue();
        kv.begin(0, false); // put #3 in flight
        assertThat(kv.checkRead(0, acked, kv.value(0, 3), log, "get")).isTrue();
        assertThat(log.total()).isZero();
    }

    @Test
    void aRead_olderThanTheAcknowledgedWrite_isStale() {
        long acked = twoPuts(0);
        assertThat(kv.checkRead(0, acked, kv.value(0, 1), log, "get")).isFalse();
        assertThat(log.count(Invariant.STALE_READ)).isEqualTo(1);
    }

    @Test
    void aValueFromTheFuture_orOfAnotherKey_isCorrupt() {
        long acked = twoPuts(0);
        assertThat(kv.checkRead(0, acked, kv.value(0, 9), log, "get")).isFalse();
        assertThat(kv.checkRead(0, acked, kv.value(1, 2), log, "get")).isFalse();
        assertThat(log.count(Invariant.CORRUPT_VALUE)).isEqualTo(2);
    }

    @Test
    void absent_afterAnAcknowledgedPut_isALostWrite_unlessARemovalStarted() {
        long acked = twoPuts(0);
        assertThat(kv.checkRead(0, acked, null, log, "get")).isFalse();
        assertThat(log.count(Invariant.LOST_WRITE)).isEqualTo(1);
        kv.begin(0, true); // remove #3 in flight
        assertThat(kv.checkRead(0, acked, null, log, "get")).isTrue();
        assertThat(log.total()).isEqualTo(1);
    }

    @Test
    void anOlderValue_afterAnAcknowledgedRemove_isAResurrection() {
        twoPuts(0);
        long removed = kv.begin(0, true);
        kv.ack(0, removed);
        assertThat(kv.checkRead(0, removed, null, log, "get")).isTrue();
        assertThat(kv.checkRead(0, removed, kv.value(0, 2), log, "get")).isFalse();
        assertThat(log.count(Invariant.RESURRECTED_KEY)).isEqualTo(1);
        assertThat(kv.checkFinal(0, kv.value(0, 2), log)).isFalse();
        assertThat(log.count(Invariant.RESURRECTED_KEY)).isEqualTo(2);
    }

    @Test
    void theOwnersPreviousValue_mustBeExact_butEitherIsAcceptedAfterAFailedWrite() {
        long acked = twoPuts(0);
        assertThat(kv.checkPrevious(0, acked, acked, kv.value(0, 2), "put")).isNull();
        assertThat(kv.checkPrevious(0, acked, acked, kv.value(0, 1), "put")).contains("returned previous");
        assertThat(kv.checkPrevious(0, acked, acked, null, "put")).contains("put #2");
        long failed = kv.begin(0, false); // put #3 threw: applied or not, nobody knows
        assertThat(kv.checkPrevious(0, acked, failed, kv.value(0, 3), "put")).isNull();
        assertThat(kv.checkPrevious(0, acked, failed, kv.value(0, 2), "put")).isNull();
    }

    @Test
    void theFinalValue_mustBeTheLastAcknowledged() {
        twoPuts(0);
        assertThat(kv.checkFinal(0, kv.value(0, 2), log)).isTrue();
        assertThat(kv.checkFinal(0, kv.value(0, 1), log)).isFalse();
        assertThat(kv.checkFinal(0, null, log)).isFalse();
        assertThat(log.count(Invariant.LOST_WRITE)).isEqualTo(2);
        assertThat(kv.checkFinal(1, null, log)).as("never written").isTrue();
    }

    /** Two writes in a row failed (a kill): the first may be the one applied, never one before the acknowledged. */
    @Test
    void afterFailedWrites_theFinalValue_mayBeAnyOfThem_butNothingOlder() {
        twoPuts(0);
        kv.begin(0, false); // put #3 applied on the owner, its backup did not confirm: it failed
        kv.begin(0, true); // remove #4 never sent: it failed too
        kv.begin(0, false); // put #5 failed
        assertThat(kv.checkFinal(0, kv.value(0, 3), log)).as("put #3").isTrue();
        assertThat(kv.checkFinal(0, null, log)).as("remove #4").isTrue();
        assertThat(kv.checkFinal(0, kv.value(0, 5), log)).as("put #5").isTrue();
        assertThat(kv.checkFinal(0, kv.value(0, 2), log)).as("the acknowledged put #2").isTrue();
        assertThat(kv.checkFinal(0, kv.value(0, 1), log)).as("put #1, older than the acknowledged").isFalse();
        assertThat(kv.checkPrevious(0, kv.ackedState(0), kv.startedState(0), kv.value(0, 3), "put")).isNull();
        assertThat(kv.checkPrevious(0, kv.ackedState(0), kv.startedState(0), kv.value(0, 1), "put")).isNotNull();
        kv.ack(0, kv.begin(0, false)); // put #6 acknowledged: the failures before it no longer matter
        assertThat(kv.checkFinal(0, kv.value(0, 3), log)).as("put #3 after #6 was acknowledged").isFalse();
        assertThat(kv.checkFinal(1, null, log)).as("never written").isTrue();
    }

    @Test
    void counters_mustLieBetweenAcknowledgedAndStartedIncrements_andEqualTheSumAtTheEnd() {
        counters.begin(0, 5);
        counters.ack(0, 5);
        counters.begin(0, 3); // in flight
        assertThat(counters.check(0, 5, 5L, log, "get")).isTrue();
        assertThat(counters.check(0, 5, 8L, log, "get")).isTrue();
        assertThat(counters.check(0, 5, 4L, log, "get")).as("an increment lost").isFalse();
        assertThat(counters.check(0, 5, 9L, log, "get")).as("an increment applied twice").isFalse();
        counters.ack(0, 3);
        assertThat(counters.checkFinal(0, 8L, log)).isTrue();
        assertThat(counters.checkFinal(0, 7L, log)).isFalse();
        assertThat(counters.checkFinal(1, null, log)).isTrue();
        assertThat(log.count(Invariant.COUNTER_MISMATCH)).isEqualTo(3);
    }
    // ---------------------------------------------------------------- a near cache's allowance

    private static final long MS = 1_000_000L;
    private static final long TTL_MS = 2000;
    private final AtomicLong clock = new AtomicLong();

    /** A model whose reads may be up to {@value #TTL_MS} ms old on near-cached keys; the clock is the test's. */
    private NearCacheAllowance nearCache() {
        NearCacheAllowance allowance = new NearCacheAllowance(keys.length, TTL_MS, 0, clock::get);
        kv.allowNearCache(allowance);
        return allowance;
    }

    @Test
    void aNearCachedKey_mayBeReadUpToTheTtlOld_butNoOlder() {
        NearCacheAllowance allowance = nearCache();
        allowance.markNearCached(0);
        clock.set(1000 * MS);
        twoPuts(0); // put #2, which replaced #1, acknowledged at 1,000 ms
        long acked = kv.ackedState(0);

        assertThat(kv.checkRead(0, acked, 2999 * MS, kv.value(0, 1), log, "get")).as("1,999 ms after #2").isTrue();
        assertThat(allowance.allowedWithinTtl()).isEqualTo(1);
        assertThat(kv.checkRead(0, acked, 3000 * MS, kv.value(0, 1), log, "get")).as("a TTL after #2").isFalse();
        assertThat(log.count(Invariant.STALE_READ)).isEqualTo(1);
        assertThat(kv.checkRead(0, acked, kv.value(0, 1), log, "get")).as("the strict check").isFalse();
        assertThat(log.count(Invariant.STALE_READ)).isEqualTo(2);
    }

    @Test
    void aStaleRead_ofAKeyNeverNearCached_isReported_afterWaitingForTheGridsAction() {
        NearCacheAllowance allowance = nearCache();
        long acked = twoPuts(0);
        long acked1 = twoPuts(1);

        assertThat(kv.checkRead(0, acked, 10 * MS, kv.value(0, 1), log, "get")).as("left to resolve").isTrue();
        assertThat(kv.checkRead(1, acked1, 10 * MS, kv.value(1, 1), log, "get")).isTrue();
        allowance.markNearCached(1); // the grid's action for key 1 shows up a moment later
        allowance.resolve(false, log);
        assertThat(log.total()).as("key 0 may still be near-cached").isZero();

        clock.set(NearCacheAllowance.DEFER_NANOS + 1);
        allowance.resolve(false, log);
        assertThat(log.count(Invariant.STALE_READ)).as("key 0 never was").isEqualTo(1);
        assertThat(allowance.allowedWithinTtl()).as("key 1 was").isEqualTo(1);
    }

    @Test
    void aReadOlderThanTheRing_isReported_whenEvenANewerWriteIsOlderThanTheTtl() {
        NearCacheAllowance allowance = nearCache();
        allowance.markNearCached(0);
        long acked = 0;
        for (int i = 0; i < 2 * NearCacheAllowance.RING; i++) {
            clock.set(i * 100 * MS);
            acked = kv.begin(0, false);
            kv.ack(0, acked);
        }
        // put #1 was replaced at 100 ms; the ring's oldest write (#9) was acknowledged at 800 ms
        assertThat(kv.checkRead(0, acked, 2700 * MS, kv.value(0, 1), log, "get")).as("cannot tell").isTrue();
        assertThat(allowance.allowedUnverifiable()).isEqualTo(1);
        assertThat(kv.checkRead(0, acked, 2800 * MS, kv.value(0, 1), log, "get")).as("older for certain").isFalse();
        assertThat(log.count(Invariant.STALE_READ)).isEqualTo(1);
    }
}
