package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.ReplicaPlanner;
import dev.slotgrid.slot.Replicas;
import dev.slotgrid.slot.SlotTable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntPredicate;

/**
 * The coordinator's re-creation of missing copies (docs/architecture.md, "Replicas"). After a
 * death, a join or a round of migrations leaves slots with fewer copies than the grid's backups
 * (or the copies unbalanced), a repair plans the backups again ({@link ReplicaPlanner}), has each
 * slot's owner make every missing copy through its replication stream ({@link ReplicaRequest.Copy}),
 * and lists the complete copies in the table in groups, one publication per group. A copy the plan
 * moves is listed in place of the one it replaces, so a slot never has fewer copies for it.
 *
 * <p>A copy whose slot migrates or changes owner while it is made is not listed (its owner and its
 * member are told to stop it) and is planned again in the next round; rounds go on, with a pause
 * after one that failed, until a plan asks for nothing or twenty rounds have passed (the next
 * request, or a retry five seconds later, starts again). Until then the slot has fewer copies than configured: a degraded state,
 * counted in the table ({@code Replicas.holes()}), never a wrong answer.
 *
 * <p>Throttled: at most {@code parallel} copies in flight, and the copied entries drawn from the
 * migration throttle's budget after each copy. Thread-safe: rounds run one at a time on the
 * repair's thread; requests made while one runs are folded into the next.
 */
final class ReplicaRepair {

    private static final System.Logger LOG = System.getLogger(ReplicaRepair.class.getName());
    private static final int GROUP = 512;
    private static final int ROUNDS = 20;
    private static final long RETRY_SECONDS = 5;

    private final Cluster cluster;
    private final ControlPlane control;
    private final int backups;
    private final Semaphore parallel;
    private final Throttle throttle;
    private final IntPredicate leaving;
    private final ExecutorService executor;
    private final LongAdder created = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** For the log: why the last copy that failed did (written by completions, read by the repair thread). */
    private volatile String lastFailure = "none";
    /** The next round's callers; guarded by {@code this}. */
    private CompletableFuture<Void> next;

    ReplicaRepair(Cluster cluster, ControlPlane control, int backups, int parallel, Throttle throttle, IntPredicate leaving) {
        this.cluster = cluster;
        this.control = control;
        this.backups = backups;
        this.parallel = new Semaphore(parallel);
        this.throttle = throttle;
        this.leaving = leaving;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, cluster.name() + "-replica-repair");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Asks for a repair; cheap when nothing is missing.
     *
     * @return completed when a repair that started after this call has ended (normally also when it
     *     gave up on some copies: they are still missing, and counted)
     */
    CompletableFuture<Void> request() {
        if (backups == 0) {
            return CompletableFuture.completedFuture(null);
        }
        synchronized (this) {
            if (next == null) {
                next = new CompletableFuture<>();
                CompletableFuture<Void> mine = next;
                try {
                    executor.execute(this::run);
                } catch (RejectedExecutionException closed) {
                    next = null;
                    mine.completeExceptionally(new IllegalStateException("grid '" + cluster.name() + "' is closed"));
                }
                return mine;
            }
            return next;
        }
    }

    /** Copies made and listed since the start. */
    long created() {
        return created.sum();
    }

    /** Copies that failed (their slot moved, a member did not answer); each is planned again. */
    long failed() {
        return failed.sum();
    }

    void shutdown() {
        executor.shutdownNow();
    }

    private void run() {
        CompletableFuture<Void> mine;
        synchronized (this) {
            mine = next;
            next = null;
        }
        try {
            repair();
            mine.complete(null);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "re-creating the copies of grid '" + cluster.name() + "' stopped", t);
            mine.completeExceptionally(t);
        }
    }

    private void repair() {
        for (int round = 0; !Thread.currentThread().isInterrupted(); round++) {
            if (round == ROUNDS) {
                // still missing after every round: try again later rather than wait for the next layout change
                LOG.log(System.Logger.Level.WARNING, "grid '" + cluster.name() + "': copies still missing after " + ROUNDS
                        + " rounds (the last failure: " + lastFailure + "); trying again in " + RETRY_SECONDS + " s");
                CompletableFuture.delayedExecutor(RETRY_SECONDS, TimeUnit.SECONDS).execute(this::request);
                return;
            }
            SlotTable table = control.latest();
            List<NodeInfo> members = new ArrayList<>(table.nodes());
            members.removeIf(n -> leaving.test(n.id()));
            if (members.isEmpty()) {
                return;
            }
            ReplicaPlanner.ReplicaPlan plan = ReplicaPlanner.plan(table, members, backups);
            if (plan.created().isEmpty()) {
                return; // drops happen only in place of a created copy: nothing else to do
            }
            Map<Integer, ArrayDeque<Integer>> dropped = new HashMap<>();
            for (ReplicaPlanner.SlotCopy drop : plan.dropped()) {
                dropped.computeIfAbsent(drop.slot(), s -> new ArrayDeque<>()).add(drop.member());
            }
            int failures = 0;
            List<ReplicaPlanner.SlotCopy> todo = plan.created();
            for (int from = 0; from < todo.size() && !Thread.currentThread().isInterrupted(); from += GROUP) {
                failures += copyGroup(table, todo.subList(from, Math.min(todo.size(), from + GROUP)), dropped);
            }
            if (failures > 0) {
                int waited = round;
                int missed = failures;
                LOG.log(System.Logger.Level.DEBUG, () -> missed + " copies of grid '" + cluster.name()
                        + "' not made in round " + waited + "; planning again");
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(2_000, 100L << Math.min(4, round))));
            }
        }
    }

    /** One copy made, waiting to be listed. */
    private record Made(int slot, int member, int owner, int replaced, long entries) {
    }

    /** Makes one group of copies, lists those still valid in one table; returns how many failed. */
    private int copyGroup(SlotTable table, List<ReplicaPlanner.SlotCopy> group, Map<Integer, ArrayDeque<Integer>> dropped) {
        List<CompletableFuture<Made>> copies = new ArrayList<>(group.size());
        for (ReplicaPlanner.SlotCopy copy : group) {
            int slot = copy.slot();
            if (table.migratingTo(slot) >= 0 || table.isLost(slot)) {
                lastFailure = "slot " + slot + " is migrating or lost";
                copies.add(CompletableFuture.completedFuture(null)); // left for a round after the move
                continue;
            }
            ArrayDeque<Integer> replacing = dropped.get(slot);
            Integer replaced = replacing == null ? null : replacing.poll();
            int owner = table.ownerOf(slot);
            parallel.acquireUninterruptibly();
            copies.add(cluster.controlRouter().askAsync(owner, new ReplicaRequest.Copy(slot, copy.member(), table.epoch()))
                    .handle((answer, failure) -> {
                        parallel.release();
                        if (answer instanceof Long entries) {
                            return new Made(slot, copy.member(), owner, replaced == null ? Replicas.NONE : replaced, entries);
                        }
                        String why = "copy of slot " + slot + " to " + copy.member() + " from " + owner + ": "
                                + (failure != null ? failure.toString() : String.valueOf(answer));
                        lastFailure = why;
                        LOG.log(System.Logger.Level.DEBUG, why);
                        return null;
                    }));
        }
        List<Made> made = new ArrayList<>();
        for (CompletableFuture<Made> copy : copies) {
            Made m = copy.join();
            if (m != null) {
                made.add(m);
                throttle.acquire((int) Math.min(Integer.MAX_VALUE, m.entries()));
            }
        }
        List<Made> listed = new ArrayList<>();
        control.update(current -> {
            listed.clear(); // update() may call this more than once
            SlotTable t = current;
            for (Made m : made) {
                if (valid(t, m)) {
                    t = t.withBackup(m.slot(), m.member(), m.replaced());
                    listed.add(m);
                }
            }
            return t;
        });
        created.add(listed.size());
        List<CompletableFuture<Object>> stops = new ArrayList<>();
        for (Made m : made) {
            if (!listed.contains(m)) { // its slot moved meanwhile: the stream it joined is no longer the slot's
                lastFailure = "copy of slot " + m.slot() + " to " + m.member() + " made but not listed: the slot changed";
                stops.addAll(stop(m));
            }
        }
        // Waited for: a stop that arrived after the next round made the same copy again would drop that one.
        CompletableFuture.allOf(stops.toArray(CompletableFuture<?>[]::new)).join();
        int failures = group.size() - listed.size();
        failed.add(failures);
        return failures;
    }

    /** Whether a copy made on the owner of {@code m} may still be listed in {@code t}. */
    private static boolean valid(SlotTable t, Made m) {
        int slot = m.slot();
        if (t.ownerOf(slot) != m.owner() || t.migratingTo(slot) >= 0 || t.node(m.member()) == null
                || t.replicas().isBackup(slot, m.member())) {
            return false;
        }
        return m.replaced() != Replicas.NONE && t.replicas().isBackup(slot, m.replaced()) || t.replicas().backupsOf(slot).length < t.replicas().count();
    }

    private List<CompletableFuture<Object>> stop(Made m) {
        ReplicaRequest.StopCopy stop = new ReplicaRequest.StopCopy(m.slot(), m.member());
        return List.of(cluster.controlRouter().askAsync(m.owner(), stop).exceptionally(e -> null),
                cluster.controlRouter().askAsync(m.member(), stop).exceptionally(e -> null));
    }
}
