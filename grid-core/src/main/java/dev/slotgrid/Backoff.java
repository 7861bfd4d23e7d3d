package dev.slotgrid;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** How the grid's threads wait for a short-lived condition: never a bare sleep, never a lock. */
final class Backoff {

    private static final int SPINS = 64;
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Backoff() {
    }

    /**
     * One pause of a waiting loop: spin for the first 64 attempts, yield for the next 64, then park
     * for a growing pause of at most 1 ms (a long wait leaves the core to others).
     *
     * @param attempt 0 for the first pause of a wait
     */
    static void pause(int attempt) {
        if (attempt < SPINS) {
            Thread.onSpinWait();
        } else if (attempt < 2 * SPINS) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, 1_000L << Math.min(10, attempt - 2 * SPINS)));
        }
    }

    /** Whether {@link #pause} parks at this attempt: where a waiting loop checks its deadline. */
    static boolean parks(int attempt) {
        return attempt >= 2 * SPINS;
    }
}
