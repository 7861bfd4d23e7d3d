package dev.slotgrid.soak;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts failed operations by cause: the operation and the exception's class, with the first
 * message seen for each cause. Thread-safe.
 */
final class FailureLog {

    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, String> firstMessage = new ConcurrentHashMap<>();
    private final KillWindow kills;

    FailureLog() {
        this(null);
    }

    /** A log that excuses what {@code kills} excuses (or nothing, if {@code null}). */
    FailureLog(KillWindow kills) {
        this.kills = kills;
    }

    /**
     * Counts a failure that a member's kill explains ({@link KillWindow#excuses}) under
     * {@code "<operation> during a kill: <exception>"}; the caller then reports no violation.
     *
     * @return whether it was excused (and counted); if not, nothing was counted
     */
    boolean excused(String operation, Throwable failure) {
        if (kills == null || !kills.excuses(failure)) {
            return false;
        }
        record(operation + " during a kill", failure);
        return true;
    }

    /**
     * Counts one failure.
     *
     * @return the cause's key, e.g. {@code "put: IllegalStateException"}
     */
    String record(String operation, Throwable failure) {
        String cause = operation + ": " + failure.getClass().getSimpleName();
        counts.computeIfAbsent(cause, k -> new LongAdder()).increment();
        firstMessage.putIfAbsent(cause, String.valueOf(failure.getMessage()));
        return cause;
    }

    long total() {
        long total = 0;
        for (LongAdder count : counts.values()) {
            total += count.sum();
        }
        return total;
    }

    /** @return cause to count, sorted by cause */
    Map<String, Long> byCause() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((cause, count) -> out.put(cause, count.sum()));
        return out;
    }

    /** @return cause to its first message, sorted by cause */
    Map<String, String> firstMessages() {
        return new TreeMap<>(firstMessage);
    }
}
