package dev.slotgrid.soak;

import dev.slotgrid.MigrationStats;
import dev.slotgrid.SlotGrid;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one place that changes the grid's layout, through its public API: nodes join
 * ({@link SlotGrid#addNode}) and leave ({@link SlotGrid#removeNode}) while their slots migrate
 * live, and single slots migrate on request ({@link SlotGrid#migrate}), sometimes cancelled
 * ({@link SlotGrid#cancelMigration}). It turns each change's future into an {@link Event} and says
 * which outcomes the scenario allows.
 *
 * <p>Allowed: {@link Outcome#DONE}, and {@link Outcome#CANCELLED} for a migration this driver
 * cancelled itself. Everything else (a refused, failed or timed-out change) is a violation: with
 * live migration the grid must carry out every change it is asked for.
 *
 * <p>Thread-safety: the methods are called by the churn thread; the returned futures complete on
 * the grid's threads. Every future completes within {@link #CHANGE_TIMEOUT_SECONDS}.
 */
final class MigrationDriver {

    /** Whether the grid migrates slots that hold data (it does since grid-core's live migration). */
    static final boolean LIVE_MIGRATION = true;
    /** The longest one membership change or migration may take before it counts as timed out. */
    static final long CHANGE_TIMEOUT_SECONDS = 120;

    /** What became of one change. */
    enum Outcome {
        /** The grid carried it out. */
        DONE,
        /** A migration this driver cancelled stopped before its cutover; the source kept the slot. */
        CANCELLED,
        /** The grid refused it ({@link IllegalStateException}) and changed nothing. */
        REFUSED,
        /** The grid's future failed otherwise, or the call threw. */
        FAILED,
        /** The future did not complete in time. */
        TIMED_OUT
    }

    /**
     * One change, as the report shows it.
     *
     * @param atSeconds when it started, from the start of the run
     * @param action {@code join}, {@code leave}, {@code migrate} or {@code migrate+cancel}
     * @param target the node (and slot) concerned
     * @param outcome what became of it
     * @param millis how long it took
     * @param detail the grid's message for anything but {@link Outcome#DONE}
     */
    record Event(double atSeconds, String action, String target, Outcome outcome, double millis, String detail) {

        /** @return whether the scenario allows this outcome */
        boolean allowed() {
            return outcome == Outcome.DONE || (outcome == Outcome.CANCELLED && action.equals("migrate+cancel"));
        }
    }

    /** How members join and leave: in this JVM ({@code addNode}, {@code removeNode}), or as member processes. */
    interface Members {
        /** A member joins; the future completes once the layout with it is final. */
        CompletableFuture<?> join(String name);

        /** A member leaves gracefully; the future completes once its slots moved away and it is gone. */
        CompletableFuture<?> leave(String name);
    }

    private final SlotGrid grid;
    private final long runStartNanos;
    private final Members members;

    MigrationDriver(SlotGrid grid, long runStartNanos) {
        this(grid, runStartNanos, new Members() {
            @Override
            public CompletableFuture<?> join(String name) {
                return grid.addNode(name, 1);
            }

            @Override
            public CompletableFuture<?> leave(String name) {
                return grid.removeNode(name);
            }
        });
    }

    MigrationDriver(SlotGrid grid, long runStartNanos, Members members) {
        this.grid = grid;
        this.runStartNanos = runStartNanos;
        this.members = members;
    }

    CompletableFuture<Event> join(String nodeName) {
        long start = System.nanoTime();
        return track("join", nodeName, start, () -> members.join(nodeName));
    }

    CompletableFuture<Event> leave(String nodeName) {
        long start = System.nanoTime();
        return track("leave", nodeName, start, () -> members.leave(nodeName));
    }

    /**
     * Moves one slot, live, to a node; with {@code cancel}, asks right away to cancel it (it may
     * be past its cutover already, then it completes normally).
     */
    CompletableFuture<Event> migrate(int slot, String targetNode, boolean cancel) {
        long start = System.nanoTime();
        String target = "slot " + slot + " -> " + targetNode;
        return track(cancel ? "migrate+cancel" : "migrate", target, start, () -> {
            CompletableFuture<Void> migration = grid.migrate(slot, targetNode);
            if (cancel) {
                grid.cancelMigration(slot);
            }
            return migration;
        });
    }

    /** @return the grid's migration progress and cutover windows */
    MigrationStats stats() {
        return grid.migrationStats();
    }

    private CompletableFuture<Event> track(String action, String target, long startNanos,
            java.util.function.Supplier<CompletableFuture<?>> change) {
        CompletableFuture<?> future;
        try {
            future = change.get();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(event(action, target, startNanos, Outcome.FAILED, describe(e)));
        }
        // on a copy, so that the timeout never completes the grid's own future
        return future.copy().orTimeout(CHANGE_TIMEOUT_SECONDS, TimeUnit.SECONDS).handle((ignored, failure) -> {
            if (failure == null) {
                return event(action, target, startNanos, Outcome.DONE, "");
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause()
                    : failure;
            Outcome outcome = cause instanceof CancellationException ? Outcome.CANCELLED
                    : cause instanceof TimeoutException ? Outcome.TIMED_OUT
                    : cause instanceof IllegalStateException ? Outcome.REFUSED : Outcome.FAILED;
            return event(action, target, startNanos, outcome, describe(cause));
        });
    }

    private Event event(String action, String target, long startNanos, Outcome outcome, String detail) {
        return new Event((startNanos - runStartNanos) / 1e9, action, target, outcome,
                (System.nanoTime() - startNanos) / 1e6, detail);
    }

    private static String describe(Throwable t) {
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
