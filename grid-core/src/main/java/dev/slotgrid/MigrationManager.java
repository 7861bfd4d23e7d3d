package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Drives live slot migrations: prepare, copy, catch up, cutover, cleanup (docs/architecture.md,
 * "Live slot migration"), each step a {@link MigrationRequest} to the slot's source or target
 * member, which carry it out ({@link MemberMigrations}); the source ships entries to the target.
 *
 * <p>Concurrency: each slot migration runs start to end on one thread of a fixed pool whose size
 * is the cap on migrations in flight; at most one migration per slot runs at a time (a later
 * request for the slot waits for the earlier ones to finish). A slot's steps are sent one after
 * another, each after the previous one's reply. Table changes go through
 * {@link ControlPlane#update}, serialized.
 *
 * <p>Invariants: a slot's source stays its owner, and keeps serving reads and writes, until the
 * cutover; the target's importing store is invisible to clients until it is activated; after a
 * cancel or failure before the handover the source is {@code OWNED} again and the target's slot
 * holds what it held before (nothing).
 */
final class MigrationManager {

    private static final System.Logger LOG = System.getLogger(MigrationManager.class.getName());
    /** Catch-up stops and cutover begins once fewer changes than this are pending. */
    static final int CUTOVER_BACKLOG = 64;
    /** Catch-up rounds before cutover is attempted anyway (its final drain ships the rest). */
    static final int MAX_CATCH_UP_ROUNDS = 64;
    static final long WRITERS_DRAIN_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * What one slot costs the throttle besides its entries: its fixed work (two table changes
     * published to every node, a seal, a handover) is worth about this many entries shipped.
     */
    static final int SLOT_OVERHEAD_ENTRIES = 256;

    private final Cluster cluster;
    private final Throttle throttle;
    private final int batchSize;
    private final ThreadPoolExecutor executor;
    /** The most recently requested migration of each slot with one requested or running. */
    private final ConcurrentHashMap<Integer, SlotMigration> latest = new ConcurrentHashMap<>();
    /** Migrations requested and not finished: running, queued, or waiting behind another of their slot. */
    private final AtomicInteger pending = new AtomicInteger();
    private final LongAdder entriesMoved = new LongAdder();
    private final LongAdder slotsDone = new LongAdder();
    private final LongAdder slotsCancelled = new LongAdder();
    private final LongAdder slotsFailed = new LongAdder();
    private final ConcurrentHistogram cutoverNanos = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(60), 3);
    private final AtomicInteger running = new AtomicInteger();
    private volatile Runnable onIdle = () -> { };

    /** The entries-per-second budget migrations draw from; shared with the re-creation of copies. */
    Throttle throttle() {
        return throttle;
    }

    /** What to run each time the last queued migration ends (on the migration thread that ended it). */
    void onIdle(Runnable action) {
        this.onIdle = action;
    }

    private void idleIfLast() {
        if (pending.decrementAndGet() == 0) {
            onIdle.run();
        }
    }

    /** Start of the current busy period and the entries moved before it: the base of the rate. */
    private volatile long busySinceNanos;
    private volatile long entriesAtBusyStart;

    MigrationManager(Cluster cluster, long entriesPerSecond, int maxInFlight, int batchSize) {
        this.cluster = cluster;
        this.throttle = new Throttle(entriesPerSecond);
        this.batchSize = batchSize;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(maxInFlight, maxInFlight, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, cluster.name() + "-migration-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Queues the move of a slot to a node; see {@link SlotGrid#migrate}. A request for a slot that
     * is already migrating runs after the migrations requested before it, from wherever the slot is
     * then.
     */
    CompletableFuture<Void> migrate(int slot, int to) {
        SlotMigration migration = new SlotMigration(slot, to);
        synchronized (latest) {
            if (executor.isShutdown()) {
                return CompletableFuture.failedFuture(new IllegalStateException("grid '" + cluster.name() + "' is closed"));
            }
            if (pending.getAndIncrement() == 0) {
                busySinceNanos = System.nanoTime();
                entriesAtBusyStart = entriesMoved.sum();
            }
            SlotMigration before = latest.put(slot, migration);
            if (before == null) {
                submit(migration);
            } else {
                before.done.whenComplete((ignored, failure) -> submit(migration));
            }
        }
        return migration.done;
    }

    private void submit(SlotMigration migration) {
        try {
            executor.execute(() -> run(migration));
        } catch (RejectedExecutionException closed) {
            latest.remove(migration.slot, migration);
            idleIfLast();
            migration.done.completeExceptionally(new IllegalStateException("grid '" + cluster.name() + "' is closed", closed));
        }
    }

    /**
     * Moves slots until every member of the current table holds its weighted fair share (within one
     * slot), with the fewest moves; slots marked lost stay where they are until the loss is
     * acknowledged.
     */
    CompletableFuture<Void> rebalance(Cluster on) {
        dev.slotgrid.slot.SlotTable table = on.table();
        dev.slotgrid.slot.Plan plan = dev.slotgrid.slot.PlacementPlanner.plan(table, table.nodes());
        java.util.List<CompletableFuture<?>> moves = new java.util.ArrayList<>();
        for (dev.slotgrid.slot.Move move : plan.moves()) {
            if (!table.isLost(move.slot())) { // a lost slot has nothing to copy; it moves once the loss is acknowledged
                moves.add(migrate(move.slot(), move.to()));
            }
        }
        return CompletableFuture.allOf(moves.toArray(CompletableFuture<?>[]::new));
    }

    /** @return {@code true} if the slot's most recently requested migration will not hand it over */
    boolean cancel(int slot) {
        SlotMigration migration = latest.get(slot);
        return migration != null && migration.requestCancel();
    }

    MigrationStats stats() {
        long left = 0;
        SlotTable table = cluster.table();
        for (SlotMigration migration : latest.values()) {
            if (migration.running()) {
                left += Math.max(0, migration.sourceEntries - migration.entriesShipped);
            } else {
                left += (Long) cluster.controlRouter().ask(table.ownerOf(migration.slot),
                        new ControlRequest.SlotEntryCount(migration.slot));
            }
        }
        int inFlight = running.get();
        int queued = Math.max(0, pending.get() - inFlight);
        long moved = entriesMoved.sum();
        double seconds = (System.nanoTime() - busySinceNanos) / 1e9;
        double rate = pending.get() == 0 || seconds <= 0 ? 0 : (moved - entriesAtBusyStart) / seconds;
        Histogram windows = cutoverNanos.copy();
        return new MigrationStats(slotsDone.sum(), slotsCancelled.sum(), slotsFailed.sum(), inFlight, queued, moved, rate,
                left, windows.getTotalCount(), windows.getValueAtPercentile(50), windows.getValueAtPercentile(99),
                windows.getMaxValue());
    }

    /** Cancels what has not reached its cutover, lets the rest finish, and stops the threads. */
    void shutdown() {
        synchronized (latest) {
            for (SlotMigration migration : latest.values()) {
                migration.requestCancel();
            }
            executor.shutdown();
        }
        try {
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "migrations of grid " + cluster.name() + " did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- one slot, on a migration thread

    /** Targets whose last move failed as unreachable: their further failures are not warned of again. */
    private final java.util.Set<Integer> quietTargets = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private void run(SlotMigration migration) {
        running.incrementAndGet();
        Throwable failure = null;
        try {
            if (!migration.start()) {
                throw cancelled(migration.slot);
            }
            move(migration);
        } catch (Throwable t) {
            failure = t;
        }
        // Bookkeeping first: a caller woken by the future must find the migration counted.
        if (failure == null) {
            slotsDone.increment();
            quietTargets.remove(migration.to);
        } else if (failure instanceof CancellationException) {
            slotsCancelled.increment();
        } else if (failure instanceof TargetGone) {
            // nothing was started: the request no longer applies (its target left while it was queued)
            slotsCancelled.increment();
            String why = failure.getMessage();
            LOG.log(System.Logger.Level.DEBUG, () -> "migration of slot " + migration.slot + " dropped: " + why);
        } else {
            slotsFailed.increment();
            if (failure instanceof MemberUnavailableException || failure instanceof IndeterminateOperationException) {
                // a member gone or unreachable: expected while the membership catches up; no stack trace, and one
                // warning per target until a move to it succeeds again (a plan may send it thousands of slots)
                boolean first = quietTargets.add(migration.to);
                String text = "migration of slot " + migration.slot + " to member " + migration.to + " failed; the source"
                        + " keeps it: " + failure.getMessage();
                LOG.log(first ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG, first ? text
                        + " (further failures of moves to member " + migration.to + " are logged at DEBUG until one succeeds)"
                        : text);
            } else {
                LOG.log(System.Logger.Level.WARNING, "migration of slot " + migration.slot + " failed; the source keeps it",
                        failure);
            }
        }
        migration.finish();
        latest.remove(migration.slot, migration);
        running.decrementAndGet();
        idleIfLast();
        if (failure == null) {
            migration.done.complete(null);
        } else {
            migration.done.completeExceptionally(failure);
        }
    }

    private void move(SlotMigration migration) {
        int slot = migration.slot;
        SlotTable table = cluster.table();
        int from = table.ownerOf(slot);
        int to = migration.to;
        if (from == to) {
            return;
        }
        if (table.node(to) == null || !cluster.isActiveMember(to)) {
            throw new TargetGone("node " + to + " is not an active node of grid '" + cluster.name() + "'");
        }

        Router router = cluster.controlRouter();
        throttle.acquire(SLOT_OVERHEAD_ENTRIES);

        // 1. Prepare: target IMPORTING (invisible to clients), source MIGRATING (logs every write).
        router.ask(to, new MigrationRequest.PrepareImport(slot, from));
        long sourceEntries;
        try {
            sourceEntries = (Long) router.ask(from, new MigrationRequest.BeginMigrating(slot, to));
        } catch (RuntimeException notOwned) {
            router.ask(to, new MigrationRequest.AbortImport(slot));
            throw notOwned;
        }
        cluster.control().update(t -> t.withMigration(slot, to));
        boolean handedOver = false;
        try {
            // 2. Copy a weakly consistent snapshot, in throttled batches.
            migration.sourceEntries = sourceEntries;
            for (;;) {
                MigrationRequest.Shipped shipped = (MigrationRequest.Shipped) router.ask(from,
                        new MigrationRequest.ShipSnapshot(slot, batchSize));
                throttled(migration, shipped.entries());
                checkCancel(migration);
                if (shipped.done()) {
                    break;
                }
            }
            // 3. Catch up from the change log until its backlog is small.
            int backlog = Integer.MAX_VALUE;
            for (int round = 0; round < MAX_CATCH_UP_ROUNDS && backlog >= CUTOVER_BACKLOG; round++) {
                MigrationRequest.Shipped shipped = (MigrationRequest.Shipped) router.ask(from,
                        new MigrationRequest.ShipChanges(slot, 4 * batchSize));
                throttled(migration, shipped.entries());
                backlog = shipped.backlog();
                checkCancel(migration);
            }
            if (!migration.enterCutover()) {
                throw cancelled(slot);
            }
            // 4. Cutover: seal, let writers inside finish, ship the last changes, hand over.
            long sealedAt = System.nanoTime();
            router.ask(from, new MigrationRequest.SealOutgoing(slot, WRITERS_DRAIN_TIMEOUT_NANOS));
            MigrationRequest.Shipped last = (MigrationRequest.Shipped) router.ask(from,
                    new MigrationRequest.ShipChanges(slot, Integer.MAX_VALUE));
            shipped(migration, last.entries());
            cluster.control().update(t -> {
                SlotTable next = t.withOwner(slot, to);
                router.ask(to, new MigrationRequest.Activate(slot, next.epoch()));
                router.ask(from, new MigrationRequest.Forward(slot, to, next.epoch()));
                return next;
            });
            handedOver = true;
            cutoverNanos.recordValue(Math.min(System.nanoTime() - sealedAt, cutoverNanos.getHighestTrackableValue()));
            // 5. Cleanup: stragglers meet a light marker that forwards them; the data is released once
            //    readers that entered before the handover are done with it.
            router.ask(from, new MigrationRequest.DropForwarded(slot));
        } finally {
            if (!handedOver) {
                // each step on its own: a member that is gone must not keep the others from being undone
                bestEffort(slot, () -> router.ask(from, new MigrationRequest.CancelOutgoing(slot)));
                bestEffort(slot, () -> router.ask(to, new MigrationRequest.AbortImport(slot)));
                cluster.control().update(t -> t.migratingTo(slot) >= 0 ? t.withoutMigration(slot) : t);
            }
        }
    }

    /** A migration's target left the grid before the migration ran. */
    static final class TargetGone extends IllegalStateException {
        TargetGone(String message) {
            super(message);
        }
    }

    private static void bestEffort(int slot, Runnable undo) {
        try {
            undo.run();
        } catch (MemberUnavailableException | IndeterminateOperationException gone) {
            LOG.log(System.Logger.Level.DEBUG, () -> "slot " + slot + ": undoing its migration on a member that is gone: "
                    + gone.getMessage());
        }
    }

    private void throttled(SlotMigration migration, int entries) {
        if (entries > 0) {
            throttle.acquire(entries);
            shipped(migration, entries);
        }
    }

    private void shipped(SlotMigration migration, int n) {
        entriesMoved.add(n);
        migration.entriesShipped += n; // single writer: the migration thread
    }

    private static void checkCancel(SlotMigration migration) {
        if (migration.cancelRequested()) {
            throw cancelled(migration.slot);
        }
    }

    private static CancellationException cancelled(int slot) {
        return new CancellationException("migration of slot " + slot + " cancelled before its cutover; the source keeps it");
    }
}
