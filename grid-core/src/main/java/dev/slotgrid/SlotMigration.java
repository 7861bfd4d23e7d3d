package dev.slotgrid;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One requested move of one slot to one node: its lifecycle and progress, shared between the
 * caller (who may cancel), the migration thread (who runs it) and stats.
 *
 * <p>Lifecycle, a CAS on {@code phase}: {@code QUEUED -> RUNNING -> CUTOVER -> FINISHED}; a cancel
 * moves {@code QUEUED} or {@code RUNNING} to {@code CANCEL_REQUESTED} and is refused from
 * {@code CUTOVER} on, which is the point of no return: the source is sealed and the slot will be
 * handed over (or, if its writers never leave, the migration fails and the source keeps it).
 */
final class SlotMigration {

    static final int QUEUED = 0;
    static final int RUNNING = 1;
    static final int CANCEL_REQUESTED = 2;
    static final int CUTOVER = 3;
    static final int FINISHED = 4;

    final int slot;
    final int to;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final AtomicInteger phase = new AtomicInteger(QUEUED);
    /** Entries in the source's copy when the copy began; an estimate for the ETA. */
    volatile long sourceEntries = -1;
    /** Written by the migration thread only; read by stats. */
    volatile long entriesShipped;

    SlotMigration(int slot, int to) {
        this.slot = slot;
        this.to = to;
    }

    boolean start() {
        return phase.compareAndSet(QUEUED, RUNNING);
    }

    /** @return {@code true} if the migration will not hand the slot over */
    boolean requestCancel() {
        for (;;) {
            int current = phase.get();
            if (current == CANCEL_REQUESTED) {
                return true;
            }
            if (current >= CUTOVER) {
                return false;
            }
            if (phase.compareAndSet(current, CANCEL_REQUESTED)) {
                return true;
            }
        }
    }

    boolean cancelRequested() {
        return phase.get() == CANCEL_REQUESTED;
    }

    /** The point of no return; {@code false} if a cancel got there first. */
    boolean enterCutover() {
        return phase.compareAndSet(RUNNING, CUTOVER);
    }

    void finish() {
        phase.set(FINISHED);
    }

    boolean running() {
        int current = phase.get();
        return current == RUNNING || current == CUTOVER;
    }

    @Override
    public String toString() {
        return "SlotMigration{slot " + slot + " -> node " + to + ", phase " + phase.get() + "}";
    }
}
