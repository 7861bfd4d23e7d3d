package dev.slotgrid;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A token bucket shared by every migration of a grid: at most {@code entriesPerSecond} entries
 * shipped per second, averaged over a tenth of a second (the burst, and the debt allowed). Control plane only (migration
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

    /**
     * Takes {@code entries} tokens; once the debt exceeds a burst, waits until it is paid back. Few,
     * longer waits rather than one short park per call: each park costs a context switch, which
     * on a small machine the traffic pays for. Returns early, unfinished, if interrupted.
     */
    void acquire(int entries) {
        long waitNanos;
        synchronized (this) {
            refill();
            tokens -= entries;
            waitNanos = tokens >= -burst ? 0 : (long) (-tokens * TimeUnit.SECONDS.toNanos(1) / entriesPerSecond);
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
