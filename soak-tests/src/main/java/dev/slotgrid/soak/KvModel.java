package dev.slotgrid.soak;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The client's exact memory of the {@code kv} map: for every key, the newest write its owner
 * started and the newest one the grid acknowledged.
 *
 * <p><b>Ownership.</b> Key {@code i} is written only by load thread {@code i % threads}, which
 * numbers its writes to that key 1, 2, 3, ... A put's value encodes the key and that sequence
 * number ({@link #value}); a remove has a number too. A key's <em>state</em> is one long,
 * {@code seq << 1 | removed}.
 *
 * <p><b>Concurrency.</b> The owner sets {@code started[i]} (volatile write) before it issues a
 * write and {@code acked[i]} after the grid returned. A checker reads {@code acked[i]} before its
 * {@code get} and {@code started[i]} (and the newest removal started) after it. Since a write's
 * acknowledgement happens-before the checker's {@code get} begins, a linearizable map must answer
 * with that write's value or a later one, and no value newer than the newest write started: any
 * other answer is a violation, with no false alarm under any interleaving.
 *
 * <p><b>Invariants checked</b> ({@link Invariant}): stale read, lost write, resurrected key,
 * corrupt value, and the owner's exact previous value on every write.
 *
 * <p><b>Near cache.</b> With hot-key handling on, the grid may serve a read-hot key from a copy up
 * to its near cache's TTL old. A {@link NearCacheAllowance} then records when each write was
 * acknowledged, and a read older than the acknowledged state is allowed exactly when the key was
 * near-cached and the write that replaced the value read was acknowledged less than a TTL before
 * the read began; everything else is checked as above.
 */
final class KvModel {

    /** The state of a key that was never written or was removed (sequence 0 means never). */
    static final long ABSENT = 1;

    private final String[] keys;
    private final int valueSize;
    private final int threads;
    private final AtomicLongArray started;
    private final AtomicLongArray acked;
    private final AtomicLongArray removalStarted;
    /** Set before any load thread starts, or never (no near cache: every read is held to linearizability). */
    private NearCacheAllowance nearCache;

    KvModel(String[] keys, int valueSize, int threads) {
        this.keys = keys;
        this.valueSize = valueSize;
        this.threads = threads;
        this.started = new AtomicLongArray(keys.length);
        this.acked = new AtomicLongArray(keys.length);
        this.removalStarted = new AtomicLongArray(keys.length);
        for (int i = 0; i < keys.length; i++) {
            started.set(i, ABSENT);
            acked.set(i, ABSENT);
        }
    }

    /** Allows reads up to a near cache's TTL old on near-cached keys; call before the first write. */
    void allowNearCache(NearCacheAllowance allowance) {
        this.nearCache = allowance;
    }

    /** @return the near-cache allowance, or {@code null} */
    NearCacheAllowance nearCache() {
        return nearCache;
    }

    static long state(long seq, boolean removed) {
        return seq << 1 | (removed ? 1 : 0);
    }

    static long seqOf(long state) {
        return state >>> 1;
    }

    static boolean isRemoved(long state) {
        return (state & 1) != 0;
    }

    int owner(int item) {
        return item % threads;
    }

    String key(int item) {
        return keys[item];
    }

    int size() {
        return keys.length;
    }

    /**
     * The value of put number {@code seq} to key {@code item}: {@code "<item>:<seq>:"} padded to
     * the value size with a character that depends on both, so a value of another write, another
     * key or with damaged characters never equals it.
     */
    String value(int item, long seq) {
        String head = item + ":" + seq + ":";
        char pad = (char) ('a' + Math.floorMod(item * 31L + seq * 17L, 26));
        StringBuilder out = new StringBuilder(Math.max(valueSize, head.length())).append(head);
        while (out.length() < valueSize) {
            out.append(pad);
        }
        return out.toString();
    }

    /** The expected value of a state: {@code null} when removed or never written. */
    String valueOf(int item, long state) {
        return isRemoved(state) ? null : value(item, seqOf(state));
    }

    /** The sequence number a value encodes, or -1 if it is not a value written to {@code item}. */
    long seqOfValue(int item, String value) {
        int first = value.indexOf(':');
        int second = first < 0 ? -1 : value.indexOf(':', first + 1);
        if (second < 0) {
            return -1;
        }
        try {
            if (Integer.parseInt(value, 0, first, 10) != item) {
                return -1;
            }
            long seq = Long.parseLong(value, first + 1, second, 10);
            return seq > 0 && value.equals(value(item, seq)) ? seq : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    // ---------------------------------------------------------------- the owner's side

    /** @return the newest acknowledged state (owner: the state the key holds unless a write failed) */
    long ackedState(int item) {
        return acked.get(item);
    }

    /** @return the newest started state */
    long startedState(int item) {
        return started.get(item);
    }

    /**
     * Starts write number {@code seq(started) + 1} to a key. Owner thread only.
     *
     * @return the new state
     */
    long begin(int item, boolean remove) {
        long next = state(seqOf(started.get(item)) + 1, remove);
        if (remove) {
            removalStarted.set(item, seqOf(next));
        }
        started.set(item, next);
        return next;
    }

    /** Acknowledges a write the grid completed. Owner thread only. */
    void ack(int item, long state) {
        if (nearCache != null) {
            nearCache.recordAck(item, seqOf(state)); // before the ack is published: a reader who sees it finds its time
        }
        acked.set(item, state);
    }

    /**
     * Checks the previous value a write returned against what the key's only writer knows.
     *
     * @param before the acked state read by the owner before {@link #begin}
     * @param startedBefore the started state read by the owner before {@link #begin}; differs from
     *     {@code before} only when the last write failed, and then either is accepted
     * @return {@code null} when it matches, else the violation's detail
     */
    String checkPrevious(int item, long before, long startedBefore, String previous, String operation) {
        if (matches(item, before, previous) || maybeApplied(item, before, startedBefore, previous)) {
            return null;
        }
        return operation + " " + keys[item] + " returned previous " + describe(previous) + ", but the model holds "
                + describeState(item, before);
    }

    /**
     * Whether {@code value} is what one of the writes after {@code ackedState}, up to
     * {@code startedState}, left: those writes failed, and each may or may not have been applied
     * (a failure after the owner applied it), so any of them may be the last one applied.
     */
    private boolean maybeApplied(int item, long ackedState, long startedState, String value) {
        long floor = seqOf(ackedState);
        long top = seqOf(startedState);
        if (top <= floor) {
            return false;
        }
        if (value == null) {
            long removal = removalStarted.get(item);
            return removal > floor && removal <= top;
        }
        long seq = seqOfValue(item, value);
        return seq > floor && seq <= top;
    }

    private boolean matches(int item, long state, String value) {
        String expected = valueOf(item, state);
        return expected == null ? value == null : expected.equals(value);
    }

    // ---------------------------------------------------------------- any thread's check of a read

    /**
     * Checks a value read from the grid, allowing no near-cache staleness.
     *
     * @param ackedBefore {@link #ackedState} read before the read was issued
     * @param value what the grid returned
     * @param log where a violation goes
     * @return {@code true} when the read is consistent with the model
     */
    boolean checkRead(int item, long ackedBefore, String value, ViolationLog log, String how) {
        return checkRead(item, ackedBefore, Long.MIN_VALUE, value, log, how);
    }

    /**
     * Checks a value read from the grid; with a {@link NearCacheAllowance}, a value up to its TTL
     * old on a near-cached key is allowed (or left to the allowance to settle).
     *
     * @param ackedBefore {@link #ackedState} read before the read was issued
     * @param readStartNanos {@link System#nanoTime()} taken after {@code ackedBefore}, before the read;
     *     {@link Long#MIN_VALUE} allows no staleness
     * @param value what the grid returned
     * @param log where a violation goes
     * @return {@code true} when the read is consistent with the model, or allowed so far
     */
    boolean checkRead(int item, long ackedBefore, long readStartNanos, String value, ViolationLog log, String how) {
        long startedAfter = started.get(item);
        long removalAfter = removalStarted.get(item);
        long floor = seqOf(ackedBefore);
        if (value == null) {
            if (isRemoved(ackedBefore) || removalAfter > floor) {
                return true;
            }
            log.report(Invariant.LOST_WRITE, how + " " + keys[item] + " read absent, but put #" + floor
                    + " was acknowledged before the read and no removal followed");
            return false;
        }
        long seq = seqOfValue(item, value);
        if (seq < 0 || seq > seqOf(startedAfter) || (seq == floor && isRemoved(ackedBefore))) {
            log.report(Invariant.CORRUPT_VALUE, how + " " + keys[item] + " read " + describe(value)
                    + ", never written to this key; the model holds " + describeState(item, ackedBefore));
            return false;
        }
        if (seq < floor) {
            Invariant invariant = isRemoved(ackedBefore) ? Invariant.RESURRECTED_KEY : Invariant.STALE_READ;
            String detail = how + " " + keys[item] + " read put #" + seq + ", older than the acknowledged "
                    + describeState(item, ackedBefore);
            if (nearCache != null && readStartNanos != Long.MIN_VALUE) {
                return nearCache.allow(item, seq, readStartNanos, invariant, detail, log);
            }
            log.report(invariant, detail);
            return false;
        }
        return true;
    }

    /**
     * Checks a key at quiescence: the value must be exactly the last acknowledged one (or that of a
     * write started after it, which failed and so may or may not have been applied).
     */
    boolean checkFinal(int item, String value, ViolationLog log) {
        long ackedState = acked.get(item);
        long startedState = started.get(item);
        if (matches(item, ackedState, value) || maybeApplied(item, ackedState, startedState, value)) {
            return true;
        }
        long seq = value == null ? 0 : seqOfValue(item, value);
        Invariant invariant;
        if (seq < 0) {
            invariant = Invariant.CORRUPT_VALUE;
        } else if (value != null && isRemoved(ackedState)) {
            invariant = Invariant.RESURRECTED_KEY;
        } else {
            invariant = Invariant.LOST_WRITE;
        }
        log.report(invariant, "final check: " + keys[item] + " holds " + describe(value) + ", the model "
                + describeState(item, ackedState));
        return false;
    }

    /** @return keys whose acknowledged state is present */
    long presentCount() {
        long present = 0;
        for (int i = 0; i < keys.length; i++) {
            present += isRemoved(acked.get(i)) ? 0 : 1;
        }
        return present;
    }

    /** @return whether any key has a write that was started but never acknowledged */
    boolean anyUncertain() {
        for (int i = 0; i < keys.length; i++) {
            if (acked.get(i) != started.get(i)) {
                return true;
            }
        }
        return false;
    }

    private String describeState(int item, long state) {
        long seq = seqOf(state);
        if (seq == 0) {
            return "never written";
        }
        return isRemoved(state) ? "remove #" + seq : "put #" + seq;
    }

    private static String describe(String value) {
        if (value == null) {
            return "absent";
        }
        return "'" + (value.length() > 40 ? value.substring(0, 40) + "...(" + value.length() + " chars)" : value) + "'";
    }
}
