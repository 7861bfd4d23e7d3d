package dev.slotgrid.soak;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * What the {@code kv} read check allows once the grid may serve a key from a near cache: a value
 * up to the near cache's TTL old, on a key the grid near-cached, and nothing else.
 *
 * <p><b>The rule.</b> A near cache serves a copy only while it is younger than the TTL, counted
 * from before its value was read at the owner ({@code dev.slotgrid.hotkey.NearCache}). So a read
 * that began at {@code R} and returned put {@code #s} although a later write was acknowledged is
 * allowed only if write {@code #s+1}, the one that replaced it, was applied after {@code R - TTL};
 * it was applied before its owner saw it acknowledged, so the check demands
 * {@code acked(#s+1) > R - TTL}, with the acknowledgement time rounded up and {@code R} rounded
 * down to the millisecond: no false alarm. The key must also be one the grid near-cached
 * ({@link #markNearCached}, from its hot-key actions); the action may be logged a moment after the
 * key's first copies are served, so a stale read of a key not (yet) known near-cached waits up to
 * {@link #DEFER_NANOS} for the action before it is reported.
 *
 * <p><b>Memory.</b> Each key's owner records the acknowledgement time of its last {@value #RING}
 * writes, one long each ({@code seq << 32 | milliseconds since the start, rounded up}). When
 * {@code #s+1} has left the ring, the oldest write still in it bounds its time from above: older
 * than the TTL means a violation for certain, otherwise the read is allowed and counted as
 * unverifiable.
 *
 * <p>Concurrency: {@link #recordAck} by a key's owner only, before it publishes the
 * acknowledgement; {@link #judge} and {@link #allow} from any reader; {@link #markNearCached} and
 * {@link #resolve} from the sampling thread. Every field is atomic or concurrent.
 */
final class NearCacheAllowance {

    /** Acknowledgement times kept per key. */
    static final int RING = 8;
    /** How long a stale read of a key not yet known near-cached waits for the grid's action. */
    static final long DEFER_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** Stale reads waiting for their key's action at most; beyond that they are reported at once. */
    static final int MAX_DEFERRED = 10_000;

    /** The verdict of the TTL rule on one stale read. */
    enum Verdict {
        /** The replacing write was acknowledged less than a TTL before the read began. */
        WITHIN_TTL,
        /** The replacing write left the ring of known times; its time cannot be bounded from below. */
        UNVERIFIABLE,
        /** The replacing write was acknowledged a TTL or more before the read began. */
        BEYOND_TTL
    }

    private record Deferred(int item, long atNanos, Verdict verdict, Invariant invariant, String detail) {
    }

    private final long ttlMillis;
    private final long startNanos;
    private final LongSupplier nanoClock;
    private final AtomicLongArray acks;
    private final AtomicIntegerArray nearCached;
    private final Queue<Deferred> deferred = new ConcurrentLinkedQueue<>();
    private final AtomicInteger deferredCount = new AtomicInteger();
    private final LongAdder withinTtl = new LongAdder();
    private final LongAdder unverifiable = new LongAdder();

    /**
     * @param keys keys of the map
     * @param ttlMillis the near cache's TTL
     * @param startNanos any moment before the first write, on {@code nanoClock}: times are kept relative to it
     * @param nanoClock {@link System#nanoTime} outside tests
     */
    NearCacheAllowance(int keys, long ttlMillis, long startNanos, LongSupplier nanoClock) {
        this.ttlMillis = ttlMillis;
        this.startNanos = startNanos;
        this.nanoClock = nanoClock;
        this.acks = new AtomicLongArray(keys * RING);
        this.nearCached = new AtomicIntegerArray(keys);
    }

    /** Records that write {@code seq} of a key was acknowledged now. Owner thread, before it publishes the ack. */
    void recordAck(int item, long seq) {
        long millis = Math.max(0, ceilMillis(nanoClock.getAsLong() - startNanos));
        acks.set(item * RING + (int) (seq % RING), (seq & 0xffff_ffffL) << 32 | (millis & 0xffff_ffffL));
    }

    /**
     * The TTL rule for a read that began at {@code readStartNanos} and returned write {@code staleSeq}
     * although a later one had been acknowledged.
     */
    Verdict judge(int item, long staleSeq, long readStartNanos) {
        long replacing = (staleSeq + 1) & 0xffff_ffffL;
        long readMillis = Math.floorDiv(readStartNanos - startNanos, 1_000_000L);
        long oldestNewer = Long.MAX_VALUE;
        long oldestNewerMillis = -1;
        for (int i = 0; i < RING; i++) {
            long entry = acks.get(item * RING + i);
            if (entry == 0) {
                continue;
            }
            long seq = entry >>> 32;
            long millis = entry & 0xffff_ffffL;
            if (seq == replacing) {
                return millis > readMillis - ttlMillis ? Verdict.WITHIN_TTL : Verdict.BEYOND_TTL;
            }
            if (seq > replacing && seq < oldestNewer) {
                oldestNewer = seq;
                oldestNewerMillis = millis;
            }
        }
        // #s+1 left the ring (or failed and was never acknowledged): a newer write's time bounds it from above
        if (oldestNewerMillis >= 0 && oldestNewerMillis <= readMillis - ttlMillis) {
            return Verdict.BEYOND_TTL;
        }
        return Verdict.UNVERIFIABLE;
    }

    /**
     * Whether a stale read is allowed now, or left to {@link #resolve} until the grid's action for
     * its key shows up. A read the rule forbids, or one that cannot wait, is reported at once.
     *
     * @return {@code false} if it was reported as {@code invariant}
     */
    boolean allow(int item, long staleSeq, long readStartNanos, Invariant invariant, String detail, ViolationLog log) {
        Verdict verdict = judge(item, staleSeq, readStartNanos);
        if (verdict == Verdict.BEYOND_TTL) {
            log.report(invariant, detail + ", older than the near cache's " + ttlMillis + " ms allow");
            return false;
        }
        if (nearCached.get(item) != 0) {
            (verdict == Verdict.WITHIN_TTL ? withinTtl : unverifiable).increment();
            return true;
        }
        if (deferredCount.incrementAndGet() > MAX_DEFERRED) {
            deferredCount.decrementAndGet();
            log.report(invariant, detail + " (and the key is not near-cached)");
            return false;
        }
        deferred.add(new Deferred(item, nanoClock.getAsLong(), verdict, invariant, detail + " (and the key was not near-cached "
                + "within " + TimeUnit.NANOSECONDS.toMillis(DEFER_NANOS) + " ms of the read)"));
        return true;
    }

    /** The grid near-cached this key (a {@code NEAR_CACHE_ON} action of {@code kv}). */
    void markNearCached(int item) {
        nearCached.set(item, 1);
    }

    boolean everNearCached(int item) {
        return nearCached.get(item) != 0;
    }

    /**
     * Settles the stale reads waiting for their key's action: allowed if the key is near-cached by
     * now, reported once they waited {@link #DEFER_NANOS} (at once when {@code last}).
     */
    void resolve(boolean last, ViolationLog log) {
        long now = nanoClock.getAsLong();
        int pending = deferredCount.get();
        for (int i = 0; i < pending; i++) {
            Deferred d = deferred.peek();
            if (d == null) {
                return;
            }
            boolean known = nearCached.get(d.item()) != 0;
            if (!known && !last && now - d.atNanos() < DEFER_NANOS) {
                return; // the queue is in time order: the rest waited less
            }
            deferred.poll();
            deferredCount.decrementAndGet();
            if (known) {
                (d.verdict() == Verdict.WITHIN_TTL ? withinTtl : unverifiable).increment();
            } else {
                log.report(d.invariant(), d.detail());
            }
        }
    }

    /** @return stale reads of near-cached keys allowed because their replacing write was younger than the TTL */
    long allowedWithinTtl() {
        return withinTtl.sum();
    }

    /** @return stale reads of near-cached keys allowed because the ring could not bound their age */
    long allowedUnverifiable() {
        return unverifiable.sum();
    }

    long ttlMillis() {
        return ttlMillis;
    }

    private static long ceilMillis(long nanos) {
        return -Math.floorDiv(-nanos, 1_000_000L);
    }
}
