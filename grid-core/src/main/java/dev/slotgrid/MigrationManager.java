package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * Carries out live slot migrations: prepare, copy, catch up, cutover, cleanup (ARCHITECTURE.md).
 *
 * <p>Concurrency: each slot migration runs start to end on one thread of a fixed pool whose size
 * is the cap on migrations in flight; at most one migration per slot runs at a time (a later
 * request for the slot waits for the earlier ones to finish). All shipping to a target happens on that one thread, in order: the snapshot
 * copy first, then change-log rounds that re-read each changed key's current value at the source,
 * so a later ship of a key always carries a value at least as new as an earlier one. Table changes
 * go through {@link SlotGrid#updateTable}, serialized.
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

    private final SlotGrid grid;
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
    /** Start of the current busy period and the entries moved before it: the base of the rate. */
    private volatile long busySinceNanos;
    private volatile long entriesAtBusyStart;

    MigrationManager(SlotGrid grid, long entriesPerSecond, int maxInFlight, int batchSize) {
        this.grid = grid;
        this.throttle = new Throttle(entriesPerSecond);
        this.batchSize = batchSize;
        AtomicInteger threads = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(maxInFlight, maxInFlight, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, grid.name() + "-migration-" + threads.incrementAndGet());
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
                return CompletableFuture.failedFuture(new IllegalStateException("grid '" + grid.name() + "' is closed"));
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
            pending.decrementAndGet();
            migration.done.completeExceptionally(new IllegalStateException("grid '" + grid.name() + "' is closed", closed));
        }
    }

    /** @return {@code true} if the slot's most recently requested migration will not hand it over */
    boolean cancel(int slot) {
        SlotMigration migration = latest.get(slot);
        return migration != null && migration.requestCancel();
    }

    MigrationStats stats() {
        long left = 0;
        SlotTable table = grid.table();
        for (SlotMigration migration : latest.values()) {
            if (migration.running()) {
                left += Math.max(0, migration.sourceEntries - migration.entriesShipped);
            } else {
                SlotStore store = grid.peer(table.ownerOf(migration.slot)).store(migration.slot);
                left += store == null ? 0 : store.entryCount();
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
                LOG.log(System.Logger.Level.WARNING, "migrations of grid " + grid.name() + " did not stop within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- one slot, on a migration thread

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
        } else if (failure instanceof CancellationException) {
            slotsCancelled.increment();
        } else {
            slotsFailed.increment();
            LOG.log(System.Logger.Level.WARNING, "migration of slot " + migration.slot + " failed; the source keeps it", failure);
        }
        migration.finish();
        latest.remove(migration.slot, migration);
        running.decrementAndGet();
        pending.decrementAndGet();
        if (failure == null) {
            migration.done.complete(null);
        } else {
            migration.done.completeExceptionally(failure);
        }
    }

    private void move(SlotMigration migration) {
        int slot = migration.slot;
        int from = grid.table().ownerOf(slot);
        if (from == migration.to) {
            return;
        }
        GridNode source = grid.peer(from);
        GridNode target = grid.peer(migration.to);
        if (target == null || !target.isActive()) {
            throw new IllegalStateException("node " + migration.to + " is not an active node of grid '" + grid.name() + "'");
        }
        SlotStore sourceStore = source.store(slot);
        throttle.acquire(SLOT_OVERHEAD_ENTRIES);

        // 1. Prepare: target IMPORTING (invisible to clients), source MIGRATING (logs every write).
        SlotStore before = target.store(slot);
        SlotStore importing = target.newImportingStore(slot, from);
        target.setStore(slot, importing);
        MpscUnboundedXaddArrayQueue<SlotStore.Change> changes;
        try {
            changes = sourceStore.beginMigration();
        } catch (RuntimeException notOwned) {
            target.setStore(slot, before);
            throw notOwned;
        }
        grid.updateTable(table -> table.withMigration(slot, migration.to));
        boolean handedOver = false;
        try {
            // 2. Copy a weakly consistent snapshot, in throttled batches.
            migration.sourceEntries = sourceStore.entryCount();
            copy(migration, sourceStore, importing);
            // 3. Catch up from the change log until its backlog is small.
            for (int round = 0; round < MAX_CATCH_UP_ROUNDS && changes.size() >= CUTOVER_BACKLOG; round++) {
                ship(migration, changes, sourceStore, importing, 4 * batchSize, true);
                checkCancel(migration);
            }
            ship(migration, changes, sourceStore, importing, 4 * batchSize, true);
            if (!migration.enterCutover()) {
                throw cancelled(slot);
            }
            // 4. Cutover: seal, let writers inside finish, ship the last changes, hand over.
            long sealedAt = System.nanoTime();
            sourceStore.seal();
            sourceStore.awaitNoWriters(WRITERS_DRAIN_TIMEOUT_NANOS, "the migration is abandoned and the source keeps the slot");
            ship(migration, changes, sourceStore, importing, Integer.MAX_VALUE, false);
            long[] epoch = new long[1];
            grid.updateTable(table -> {
                SlotTable next = table.withOwner(slot, migration.to);
                importing.activate(next.epoch());
                sourceStore.forward(migration.to, next.epoch());
                epoch[0] = next.epoch();
                return next;
            });
            handedOver = true;
            cutoverNanos.recordValue(Math.min(System.nanoTime() - sealedAt, cutoverNanos.getHighestTrackableValue()));
            // 5. Cleanup: stragglers now meet a light marker that forwards them; the data becomes garbage
            //    once readers that entered before the handover are done with it.
            source.setStore(slot, SlotStore.forwarded(slot, migration.to, epoch[0]));
        } finally {
            if (!handedOver) {
                sourceStore.cancelMigration();
                target.setStore(slot, before);
                grid.updateTable(table -> table.migratingTo(slot) >= 0 ? table.withoutMigration(slot) : table);
            }
        }
    }

    private void copy(SlotMigration migration, SlotStore from, SlotStore to) {
        ConcurrentMap<Object, Object>[] maps = from.maps();
        Object[] keys = new Object[batchSize];
        Object[] values = new Object[batchSize];
        for (int mapId = 0; mapId < maps.length; mapId++) {
            if (maps[mapId] == null) {
                continue;
            }
            int n = 0;
            for (Iterator<Map.Entry<Object, Object>> it = maps[mapId].entrySet().iterator(); it.hasNext();) {
                Map.Entry<Object, Object> entry = it.next();
                keys[n] = entry.getKey();
                values[n] = entry.getValue();
                if (++n == batchSize) {
                    put(migration, to, mapId, keys, values, n);
                    n = 0;
                    checkCancel(migration);
                }
            }
            put(migration, to, mapId, keys, values, n);
            checkCancel(migration);
        }
    }

    private void put(SlotMigration migration, SlotStore to, int mapId, Object[] keys, Object[] values, int n) {
        if (n == 0) {
            return;
        }
        throttle.acquire(n);
        for (int i = 0; i < n; i++) {
            grid.indexes().importPut(to, mapId, keys[i], values[i]); // also builds the slot's LOCAL indexes
        }
        shipped(migration, n);
    }

    /**
     * Ships up to {@code limit} changed keys with their current value at the source, or a tombstone
     * (removal) if the key is gone. Duplicates within one round are shipped once.
     */
    private void ship(SlotMigration migration, MpscUnboundedXaddArrayQueue<SlotStore.Change> changes, SlotStore from,
            SlotStore to, int limit, boolean throttled) {
        LinkedHashSet<SlotStore.Change> round = new LinkedHashSet<>();
        for (SlotStore.Change change; round.size() < limit && (change = changes.poll()) != null;) {
            round.add(change);
        }
        if (round.isEmpty()) {
            return;
        }
        if (throttled) {
            throttle.acquire(round.size());
        }
        for (SlotStore.Change change : round) {
            ConcurrentMap<Object, Object> source = from.readMap(change.mapId());
            Object value = source == null ? null : source.get(change.key());
            if (value == null) {
                grid.indexes().importRemove(to, change.mapId(), change.key());
            } else {
                grid.indexes().importPut(to, change.mapId(), change.key(), value);
            }
        }
        shipped(migration, round.size());
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
