package dev.slotgrid.soak;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The client's memory of the {@code counters} map: for every key, the sum of the increments
 * started and the sum of those the grid acknowledged. Every load thread may increment every key
 * ({@code merge(key, d, Long::sum)}).
 *
 * <p><b>Concurrency.</b> A writer adds {@code d} to {@code started[i]} before its merge and to
 * {@code acked[i]} after it returned. A checker reads {@code acked[i]} before its read and
 * {@code started[i]} after: the value must lie in {@code [acked before, started after]}; at
 * quiescence it must equal the acknowledged sum exactly (or lie in that range when a merge failed
 * and may or may not have been applied).
 */
final class CounterModel {

    private final String[] keys;
    private final AtomicLongArray started;
    private final AtomicLongArray acked;

    CounterModel(String[] keys) {
        this.keys = keys;
        this.started = new AtomicLongArray(keys.length);
        this.acked = new AtomicLongArray(keys.length);
    }

    String key(int item) {
        return keys[item];
    }

    long acked(int item) {
        return acked.get(item);
    }

    void begin(int item, long delta) {
        started.addAndGet(item, delta);
    }

    void ack(int item, long delta) {
        acked.addAndGet(item, delta);
    }

    /**
     * Checks a counter value read, or returned by a merge.
     *
     * @param floor the lowest value allowed: acked before the read (plus the merge's own delta)
     * @param value what the grid returned; {@code null} reads as 0
     * @return {@code true} when consistent
     */
    boolean check(int item, long floor, Long value, ViolationLog log, String how) {
        long ceiling = started.get(item);
        long v = value == null ? 0 : value;
        if (v >= floor && v <= ceiling) {
            return true;
        }
        log.report(Invariant.COUNTER_MISMATCH, how + " " + keys[item] + " = " + value + ", outside [" + floor + ", "
                + ceiling + "] (acknowledged increments before, increments started after)");
        return false;
    }

    /** Checks a counter at quiescence. */
    boolean checkFinal(int item, Long value, ViolationLog log) {
        return checkExact(item, value, log, "final check:");
    }

    /** Checks a counter at quiescence, the violation's detail starting with {@code how}. */
    boolean checkExact(int item, Long value, ViolationLog log, String how) {
        long v = value == null ? 0 : value;
        long sum = acked.get(item);
        long ceiling = started.get(item);
        if (v == sum || (ceiling != sum && v >= sum && v <= ceiling)) {
            return true;
        }
        log.report(Invariant.COUNTER_MISMATCH, how + " " + keys[item] + " = " + value
                + ", but acknowledged increments sum to " + sum + (ceiling != sum ? " (started: " + ceiling + ")" : ""));
        return false;
    }

    /** @return the sum of all acknowledged increments */
    long ackedTotal() {
        long total = 0;
        for (int i = 0; i < keys.length; i++) {
            total += acked.get(i);
        }
        return total;
    }

    /** @return counters with at least one acknowledged increment */
    long nonZeroCount() {
        long n = 0;
        for (int i = 0; i < keys.length; i++) {
            n += acked.get(i) > 0 ? 1 : 0;
        }
        return n;
    }

    /** @return whether some increment was started but never acknowledged */
    boolean anyUncertain() {
        for (int i = 0; i < keys.length; i++) {
            if (acked.get(i) != started.get(i)) {
                return true;
            }
        }
        return false;
    }
}
