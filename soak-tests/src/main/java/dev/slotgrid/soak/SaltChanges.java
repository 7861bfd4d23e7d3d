package dev.slotgrid.soak;

import dev.slotgrid.SlotGrid;
import java.util.concurrent.TimeUnit;

/**
 * Changes the part count of the celebrity's counter under load after the spike, with the manual
 * API ({@link SlotGrid#salt}): to 2 parts, to one more part than there are nodes, then back to
 * one entry (0). The policy alone would not do it while the load runs: it returns a key to normal
 * only when its rate over all nodes stays under half its minimum rate (500 ops/s by default), and
 * the celebrity's normal traffic after the spike is far above that. So these changes are what
 * exercises a change of S, both ways, and a fold back into one entry, while increments, reads,
 * migrations and joins and leaves go on; the counter must stay exact across each.
 *
 * <p>Timing: the first change {@code step} after the spike ends, the next ones {@code step} apart,
 * with {@code step} a third of the spike's length, between 3 and 10 s; a change not due before the
 * end of the load is skipped. {@link #finish} folds the key back if the load ended between two
 * changes, since a key salted on request is kept whatever the policy's cooldown.
 *
 * <p>Concurrency: confined to the sampling thread. Each change blocks it while the grid reshapes
 * the key (it waits for the writers of the old shape to leave).
 */
final class SaltChanges {

    private final SlotGrid grid;
    private final String key;
    private final ViolationLog violations;
    private final FailureLog failures;
    private final long firstAtNanos;
    private final long stepNanos;
    private final long deadlineNanos;
    private int done;
    private int lastParts = -1;

    SaltChanges(SlotGrid grid, String key, Spike spike, long deadlineNanos, ViolationLog violations, FailureLog failures) {
        this.grid = grid;
        this.key = key;
        this.violations = violations;
        this.failures = failures;
        this.stepNanos = Math.max(TimeUnit.SECONDS.toNanos(3), Math.min(TimeUnit.SECONDS.toNanos(10),
                (spike.endNanos() - spike.startNanos()) / 3));
        this.firstAtNanos = spike.endNanos() + stepNanos;
        this.deadlineNanos = deadlineNanos;
    }

    /** Makes the change that is due, if any. */
    void poll() {
        long now = System.nanoTime();
        if (done >= 3 || now < firstAtNanos + done * stepNanos || now >= deadlineNanos) {
            return;
        }
        int parts = switch (done) {
            case 0 -> 2;
            case 1 -> grid.nodes().size() + 1;
            default -> 0;
        };
        done++;
        change(parts);
    }

    /** After the load: a key still salted on request is folded back, so that the grid returns to normal. */
    void finish() {
        if (lastParts > 0) {
            change(0);
        }
    }

    /** @return changes requested */
    int changes() {
        return done;
    }

    private void change(int parts) {
        try {
            grid.salt("counters", key, parts);
            lastParts = parts;
        } catch (RuntimeException e) {
            if (failures.excused("salt", e)) {
                return; // this change is skipped, counted as a failure during a kill
            }
            String cause = failures.record("salt", e);
            violations.report(Invariant.FAILED_OPERATION, cause + " salting " + key + " into " + parts + " parts: "
                    + e.getMessage());
        }
    }
}
