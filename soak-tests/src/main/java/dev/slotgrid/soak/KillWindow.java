package dev.slotgrid.soak;

import dev.slotgrid.IndeterminateOperationException;
import dev.slotgrid.MemberUnavailableException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When a member was killed ({@code --kill-every}) recently enough to excuse a failed call: a call
 * that reached the dead member, or whose backup was the dead member, fails with
 * {@link MemberUnavailableException} (not applied) or {@link IndeterminateOperationException}
 * (applied on the owner, not confirmed) until the grid has promoted its copies and every member
 * knows; the models then allow either outcome of such a write. Any other failure, and these two
 * outside a window, stay violations.
 *
 * <p>A window is open from the kill until the grid has a copy of every slot again, plus the call
 * timeout (a call sent before the end may still be answered after it). Thread-safe.
 */
final class KillWindow {

    /** Longer than a member's call timeout (30 s), so a call sent inside the window is judged by it. */
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(35);

    private final AtomicInteger open = new AtomicInteger();
    private volatile long closedAtNanos = Long.MIN_VALUE / 2;

    void opened() {
        open.incrementAndGet();
    }

    void closed() {
        closedAtNanos = System.nanoTime();
        open.decrementAndGet();
    }

    /** Whether {@code failure}, seen now, is what a kill does to a call rather than a violation. */
    boolean excuses(Throwable failure) {
        boolean kind = failure instanceof MemberUnavailableException || failure instanceof IndeterminateOperationException;
        return kind && (open.get() > 0 || System.nanoTime() - closedAtNanos < GRACE_NANOS);
    }
}
