package dev.slotgrid;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A token bucket shared by every migration of a grid: at most {@code entriesPerSecond} entries
 * shipped per second, with a burst of one tenth of a second. Control plane only (migration
 * threads); thread-safe.
 */
final class Throttle {

    private final long entriesPerSecond;
    private final double burst;
    private double tokens;
    private long refilledAtNanos = System.nanoTime();

    Throttle(long entriesPerSecond) {
        this.entriesPerSecond = entriesPerSecond;
        this.burst = Math.max(1, entriesPerSecond / 10.0);
        this.tokens = burst;
    }

    long entriesPerSecond() {
        return entriesPerSecond;
    }

    /** Waits until {@code entries} may be shipped; returns early, unfinished, if interrupted. */
    void acquire(int entries) {
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= entries; // may go negative: the debt is paid by waiting
            waitNanos = tokens >= 0 ? 0 : (long) (-tokens * TimeUnit.SECONDS.toNanos(1) / entriesPerSecond);
        }
        long deadline = System.nanoTime() + waitNanos;
        for (long left = waitNanos; left > 0 && !Thread.currentThread().isInterrupted(); left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private void refill() {
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - refilledAtNanos) * (double) entriesPerSecond / TimeUnit.SECONDS.toNanos(1));
        refilledAtNanos = now;
    }
}
