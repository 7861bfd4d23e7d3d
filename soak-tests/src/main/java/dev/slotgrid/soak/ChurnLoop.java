package dev.slotgrid.soak;

import dev.slotgrid.GridNode;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.soak.MigrationDriver.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The thread that changes the cluster under the load, without waiting for one change before it
 * starts the next kind:
 * <ul>
 *   <li>every {@code churn-every} a node joins ({@code join-1}, {@code join-2}, ...), and the next
 *       time that node leaves again; one membership change at a time;
 *   <li>{@code migrations-per-sec} times a second one slot migrates to another node: a random slot,
 *       or every {@value #CELEBRITY_EVERY}th time the celebrity's slot (the busiest there is);
 *       every {@value #CANCEL_EVERY}th is cancelled right away when no membership change runs
 *       (so the cancel cannot hit a move of the planner's). At most {@value #MAX_MIGRATIONS_PENDING}
 *       of these are outstanding; a due migration is skipped when that many are.
 * </ul>
 * Only nodes this loop added ever leave: the load threads enter the grid through the nodes it
 * started with, so no operation is refused for entering through a node that has gone. A node that
 * is leaving is never chosen as a migration target.
 *
 * <p>Concurrency: the loop and every decision run on the churn thread; the changes' futures
 * complete on the grid's threads and only append to the event log ({@link #events()}, safe from
 * any thread) and report violations. Bounds: the loop ends on {@code stop}, at the deadline, or
 * after a cap on its passes; each wait is at most {@value #POLL_MILLIS} ms;
 * {@link #awaitOutstanding} waits at most {@link MigrationDriver#CHANGE_TIMEOUT_SECONDS} for the
 * changes still running.
 */
final class ChurnLoop implements Runnable {

    static final long POLL_MILLIS = 20;
    /** Every n-th migration moves the celebrity's slot. */
    static final int CELEBRITY_EVERY = 5;
    /** Every n-th migration is cancelled right away. */
    static final int CANCEL_EVERY = 10;
    /** Migrations of this loop outstanding at most. */
    static final int MAX_MIGRATIONS_PENDING = 16;

    private final SlotGrid grid;
    private final MigrationDriver driver;
    private final SoakConfig config;
    private final int celebritySlot;
    private final ViolationLog violations;
    private final BooleanSupplier stop;
    private final long deadlineNanos;
    private final SplittableRandom random;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Event>> pendingMigrations = new ArrayList<>();
    private CompletableFuture<Event> pendingChange = CompletableFuture.completedFuture(null);
    private String joined;
    private String leavingNode;
    private int joins;
    /** Whether {@link #pendingChange} is a kill (churn thread only). */
    private boolean killing;
    private final java.util.Random killRandom;
    private long migrationsRequested;
    private long migrationsSkipped;

    ChurnLoop(SlotGrid grid, MigrationDriver driver, SoakConfig config, int celebritySlot, ViolationLog violations,
            BooleanSupplier stop, long deadlineNanos) {
        this.grid = grid;
        this.driver = driver;
        this.config = config;
        this.celebritySlot = celebritySlot;
        this.violations = violations;
        this.stop = stop;
        this.deadlineNanos = deadlineNanos;
        this.random = new SplittableRandom(config.seed() ^ 0x5eed_c4a2L);
        this.killRandom = new java.util.Random(config.seed() ^ 0x4b11L);
    }

    /** @return every change that ended so far, in the order they ended */
    List<Event> events() {
        return List.copyOf(events);
    }

    /** @return migrations due while {@value #MAX_MIGRATIONS_PENDING} were outstanding (churn thread, or after it ended) */
    long migrationsSkipped() {
        return migrationsSkipped;
    }

    @Override
    public void run() {
        long churnPeriod = config.churnEvery().toNanos();
        long migrationPeriod = config.migrationsPerSecond() > 0 ? (long) (1e9 / config.migrationsPerSecond()) : 0;
        long now = System.nanoTime();
        long nextChurn = churnPeriod > 0 ? now + churnPeriod : Long.MAX_VALUE;
        long nextMigration = migrationPeriod > 0 ? now + migrationPeriod : Long.MAX_VALUE;
        long killPeriod = config.killEvery().toNanos();
        long nextKill = killPeriod > 0 ? now + killPeriod : Long.MAX_VALUE;
        // every pass starts a change or waits; a generous cap bounds the passes besides the deadline
        long maxPasses = 100 * (config.duration().toMillis() + 1000);
        for (long pass = 0; pass < maxPasses && !stop.getAsBoolean() && (now = System.nanoTime()) < deadlineNanos;
                pass++) {
            pendingMigrations.removeIf(CompletableFuture::isDone);
            // a kill waits for the change and the migrations in flight, and none starts until it is over:
            // a migration to or from the member killed would fail for the kill, not for the grid
            boolean killDue = now >= nextKill;
            if (killDue && pendingChange.isDone() && pendingMigrations.isEmpty()) {
                killing = true;
                pendingChange = logWhenDone(driver.kill(killRandom));
                nextKill = Long.MAX_VALUE; // counted from the end of this kill
            } else if (killing && pendingChange.isDone()) {
                killing = false;
                nextKill = now + killPeriod;
            } else if (!killDue && !killing && now >= nextChurn && pendingChange.isDone()) {
                churnOnce();
                nextChurn = now + churnPeriod;
            } else if (!killDue && !killing && now >= nextMigration) {
                migrateOnce();
                nextMigration = Math.max(nextMigration + migrationPeriod, now);
            } else {
                long until = Math.min(Math.min(Math.min(nextChurn, nextMigration), nextKill), deadlineNanos);
                long poll = TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS);
                // a time already passed means waiting for a change in flight: poll, do not spin
                LockSupport.parkNanos(until > now ? Math.min(until - now, poll) : poll);
            }
        }
    }

    /** A joined node leaves, or a new node joins. */
    private void churnOnce() {
        Event last = pendingChange.getNow(null);
        if (last != null && last.outcome() == MigrationDriver.Outcome.DONE) {
            if (last.action().equals("join")) {
                joined = last.target();
            } else {
                joined = null;
            }
        }
        leavingNode = null;
        if (joined != null) {
            leavingNode = joined;
            pendingChange = logWhenDone(driver.leave(joined));
        } else {
            pendingChange = logWhenDone(driver.join("join-" + (++joins)));
        }
    }

    private void migrateOnce() {
        pendingMigrations.removeIf(CompletableFuture::isDone);
        if (pendingMigrations.size() >= MAX_MIGRATIONS_PENDING) {
            migrationsSkipped++;
            return;
        }
        migrationsRequested++;
        int slot = migrationsRequested % CELEBRITY_EVERY == 0 ? celebritySlot : random.nextInt(SlotTable.SLOTS);
        int owner = grid.table().ownerOf(slot);
        List<String> targets = new ArrayList<>();
        for (GridNode node : grid.nodes()) {
            boolean leaving = !pendingChange.isDone() && node.name().equals(leavingNode);
            if (node.id() != owner && !leaving) {
                targets.add(node.name());
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        boolean cancel = migrationsRequested % CANCEL_EVERY == 0 && pendingChange.isDone();
        String target = targets.get(random.nextInt(targets.size()));
        pendingMigrations.add(logWhenDone(driver.migrate(slot, target, cancel)));
    }

    private CompletableFuture<Event> logWhenDone(CompletableFuture<Event> change) {
        return change.thenApply(event -> {
            events.add(event);
            if (!event.allowed()) {
                violations.report(Invariant.MEMBERSHIP_CHANGE, event.action() + " " + event.target() + ": "
                        + event.outcome() + " after " + Math.round(event.millis()) + " ms: " + event.detail());
            }
            return event;
        });
    }

    /**
     * Waits for the changes still running after the loop ended (the final check needs a quiet
     * grid). Call from the thread that joined the churn thread.
     *
     * @return {@code true} if all ended within the bound
     */
    boolean awaitOutstanding() {
        List<CompletableFuture<Event>> all = new ArrayList<>(pendingMigrations);
        all.add(pendingChange);
        try {
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                    .get(MigrationDriver.CHANGE_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true; // logWhenDone never fails; a failure here is in the event already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
