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
    /** A kill: the death noticed, a new member started and given its share, every copy made again. */
    static final long KILL_TIMEOUT_SECONDS = 3 * CHANGE_TIMEOUT_SECONDS;

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

        /**
         * A random member other than this JVM's is killed at once ({@code kill -9}) and another is
         * started in its place; the future completes with the killed member's name once the grid
         * has a copy of every slot again. Only members in other processes can be killed.
         */
        default CompletableFuture<String> kill(java.util.Random random) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("kills need member processes (--jvms)"));
        }
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

    /** Kills a random member process and starts another in its place ({@link Members#kill}). */
    CompletableFuture<Event> kill(java.util.Random random) {
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<String> killed = new java.util.concurrent.atomic.AtomicReference<>("?");
        return track("kill", "a member process", start, KILL_TIMEOUT_SECONDS, () -> members.kill(random).thenAccept(killed::set))
                .thenApply(e -> new Event(e.atSeconds(), e.action(), killed.get(), e.outcome(), e.millis(), e.detail()));
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
        return track(action, target, startNanos, CHANGE_TIMEOUT_SECONDS, change);
    }

    private CompletableFuture<Event> track(String action, String target, long startNanos, long timeoutSeconds,
            java.util.function.Supplier<CompletableFuture<?>> change) {
        CompletableFuture<?> future;
        try {
            future = change.get();
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(event(action, target, startNanos, Outcome.FAILED, describe(e)));
        }
        // on a copy, so that the timeout never completes the grid's own future
        return future.copy().orTimeout(timeoutSeconds, TimeUnit.SECONDS).handle((ignored, failure) -> {
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
