package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@link GridQuery queries} on the caller's side: GLOBAL index lookups and single-slot queries
 * on the caller's thread, scatter-gather with one {@link QueryRequest} per member sent from a small
 * pool, so that members answer in parallel whatever the transport.
 *
 * <p>Scatter-gather gives each slot exactly one answer: the slots are split by owner in the grid's
 * table when the query starts; a member answers each of its slots it can still read and hands back
 * those it no longer serves (moved meanwhile), which the caller then reads where they went. A member
 * checks its budget between slots and stops when it runs out; the caller waits for each member until
 * the deadline plus a short grace, then no longer, and names the members that did not answer (a
 * member that cannot be reached is named likewise). Slots whose data died with their owner are not
 * asked: the result names them ({@link QueryResult#slotsLost()}) and counts them as not answered.
 *
 * <p>Concurrency: each member's fragment is its own accumulator; the caller merges them after
 * {@link Future#get}, which orders them. The pool's threads are daemons that die after 30 s idle;
 * when all 64 are busy, the caller sends a member's fragment itself.
 */
final class QueryEngine {

    private static final int MAX_THREADS = 64;
    private static final long MAX_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Cluster cluster;
    private final Object executorLock = new Object();
    /** @GuardedBy("executorLock") for creation; read without it once set */
    private volatile ThreadPoolExecutor executor;

    QueryEngine(Cluster cluster) {
        this.cluster = cluster;
    }

    <K, V> QueryResult<K, V> run(GridQuery<K, V> query, boolean countOnly) {
        cluster.requireOpen();
        IndexDef def = query.indexName == null ? null
                : query.entry.member().indexes().requireReady(query.mapId, query.mapName, query.indexName);
        QueryPlan plan = new QueryPlan(query, def, countOnly);
        Router router = query.entry.member().router();
        QueryResult<Object, Object> result;
        if (def != null && !def.isLocal()) {
            result = global(plan, query, router);
        } else if (query.partitionKey != null) {
            result = singleSlot(plan, cluster.config().slotOf(query.partitionKey), router, query.nodeBudget.toNanos());
        } else {
            result = scatter(plan, query, router);
        }
        @SuppressWarnings("unchecked")
        QueryResult<K, V> typed = (QueryResult<K, V>) (QueryResult<?, ?>) result;
        return typed;
    }

    // ---------------------------------------------------------------- the three ways

    private QueryResult<Object, Object> global(QueryPlan plan, GridQuery<?, ?> query, Router router) {
        IndexDef def = plan.def;
        if (plan.condition.isRange()) {
            throw new IllegalArgumentException("index '" + def.name() + "' of map '" + def.mapName + "' is GLOBAL: it"
                    + " answers eq and in, not ranges (a range would visit every index slot); use a LOCAL index");
        }
        if (query.awaitIndexed != null && !IndexLag.awaitIndexed(cluster, query.awaitIndexed)) {
            throw new IllegalStateException("GLOBAL index '" + def.name() + "' did not catch up within "
                    + query.awaitIndexed.toMillis() + " ms (" + IndexLag.stats(cluster) + "); the query was not run");
        }
        int partitionSlot = query.partitionKey == null ? -1 : cluster.config().slotOf(query.partitionKey);
        QueryPlan.Gather gather = plan.gather();
        Set<Integer> indexSlots = new TreeSet<>();
        Set<Object> seen = new HashSet<>();
        int baseReads = 0;
        values:
        for (Object value : plan.condition.values()) {
            int slot;
            try {
                slot = cluster.config().slotOf(value);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("GLOBAL index '" + def.name() + "': its values are keys, and "
                        + e.getMessage(), e);
            }
            indexSlots.add(slot);
            for (IndexRef ref : holders(router, def, value, slot)) {
                if ((partitionSlot >= 0 && ref.slot() != partitionSlot) || !seen.add(ref.key())) {
                    continue;
                }
                baseReads++;
                SlotTable table = router.table();
                int at = Router.pinned(table, plan.mapId, ref.key(), ref.slot());
                Object current = router.route(new KeyRequest.Get(plan.mapId, at, table.epoch(), ref.key(),
                        Router.pinFlags(at, ref.slot()) | KeyRequest.INTERNAL), ref.slot());
                // the re-check: a stale index entry never yields a wrong result
                if (current == null || !plan.condition.matchesAny(def.extract(current))) {
                    continue;
                }
                if (!plan.offer(ref.key(), current, gather)) {
                    break values;
                }
            }
        }
        return plan.result(gather, indexSlots.size(), indexSlots.size(), List.of(),
                "GLOBAL index '" + def.name() + "' " + plan.condition + ": " + indexSlots.size() + " index slot"
                        + (indexSlots.size() == 1 ? "" : "s") + ", " + baseReads + " base entries re-checked");
    }

    /** The base keys a GLOBAL index lists for a value: one read of the value's slot. */
    private static List<IndexRef> holders(Router router, IndexDef def, Object value, int slot) {
        Object stored = ByteArrayKey.storedForm(value, false);
        SlotTable table = router.table();
        int at = Router.pinned(table, def.entriesMapId, stored, slot);
        return ((IndexKeyRequest.Holders) router.route(new IndexKeyRequest.IndexHolders(def.entriesMapId, at, table.epoch(),
                stored, Router.pinFlags(at, slot) | KeyRequest.INTERNAL, def.isUnique()), slot)).refs();
    }

    private QueryResult<Object, Object> singleSlot(QueryPlan plan, int slot, Router router, long budgetNanos) {
        QueryPlan.Gather gather = plan.gather();
        int owner = readWhereItIs(plan, slot, router, gather, budgetNanos);
        if (owner < 0) {
            NodeInfo serving = cluster.table().node(cluster.table().ownerOf(slot));
            throw new SlotLostException(slot, serving == null ? "?" : serving.name());
        }
        NodeInfo info = cluster.table().node(owner);
        return plan.result(gather, 1, 1, List.of(), plan.how() + " in slot " + slot + " on "
                + (info == null ? "member " + owner : info.name()));
    }

    /**
     * Reads one slot at the member that serves it now, asking again where it went if it moved;
     * merges the answer into {@code gather}. Returns the member that answered, or -1 if the slot's
     * data died with its owner (nothing merged).
     */
    private int readWhereItIs(QueryPlan plan, int slot, Router router, QueryPlan.Gather gather, long budgetNanos) {
        long start = System.nanoTime();
        boolean refs = router.transport().carriesReferences();
        for (int attempt = 0;; attempt++) {
            SlotTable table = cluster.table();
            if (table.isLost(slot)) {
                return -1;
            }
            int owner = table.ownerOf(slot);
            QueryRequest.Fragment fragment = (QueryRequest.Fragment) router.ask(owner,
                    plan.fragment(new int[] {slot}, budgetNanos, refs));
            if (fragment.moved().length == 0) {
                plan.merge(fragment, gather, refs || !plan.hasFunctions());
                return owner;
            }
            if (System.nanoTime() - start > cluster.config().cutoverTimeoutNanos()) {
                throw new IllegalStateException("no member served slot " + slot + " for "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (" + attempt + " looks); table "
                        + cluster.table());
            }
            Backoff.pause(attempt);
        }
    }

    private QueryResult<Object, Object> scatter(QueryPlan plan, GridQuery<?, ?> query, Router router) {
        long budgetNanos = query.nodeBudget.toNanos();
        long start = System.nanoTime();
        long deadline = start + budgetNanos;
        long grace = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(budgetNanos / 4, MAX_GRACE_NANOS));
        boolean refs = router.transport().carriesReferences();
        boolean pushedDown = refs || !plan.hasFunctions();
        SlotTable table = cluster.table();
        Map<Integer, List<Integer>> byOwner = new LinkedHashMap<>();
        Set<Integer> lost = new TreeSet<>(); // never read as if empty: they count as not answered, by name
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            if (table.isLost(slot)) {
                lost.add(slot);
            } else {
                byOwner.computeIfAbsent(table.ownerOf(slot), owner -> new ArrayList<>()).add(slot);
            }
        }
        List<String> names = new ArrayList<>();
        List<Future<Object>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> share : byOwner.entrySet()) {
            int owner = share.getKey();
            int[] slots = share.getValue().stream().mapToInt(Integer::intValue).toArray();
            NodeInfo info = table.node(owner);
            names.add(info == null ? "member-" + owner : info.name());
            parts.add(executor().submit(() -> router.ask(owner,
                    plan.fragment(slots, Math.max(0, deadline - System.nanoTime()), refs))));
        }
        QueryPlan.Gather total = plan.gather();
        int answered = 0;
        List<Integer> moved = new ArrayList<>();
        List<String> timedOut = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            QueryRequest.Fragment part;
            try {
                part = (QueryRequest.Fragment) parts.get(i).get(Math.max(0, deadline + grace - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                parts.get(i).cancel(true);
                timedOut.add(names.get(i));
                continue;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof MemberUnavailableException) {
                    timedOut.add(names.get(i)); // gone or unreachable: its slots did not answer, like a slow member's
                    continue;
                }
                cancelAll(parts);
                throw rethrow(e.getCause());
            } catch (InterruptedException e) {
                cancelAll(parts);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while gathering query results", e);
            }
            plan.merge(part, total, pushedDown);
            answered += part.answered();
            for (int slot : part.moved()) {
                moved.add(slot);
            }
            if (part.outOfTime()) {
                timedOut.add(names.get(i));
            }
        }
        // slots that moved during the query: read where they went, on this thread, with their own budget
        long movedDeadline = System.nanoTime() + budgetNanos;
        for (int slot : moved) {
            if (total.full() || System.nanoTime() - movedDeadline > 0) {
                break;
            }
            if (readWhereItIs(plan, slot, router, total, Math.max(0, movedDeadline - System.nanoTime())) < 0) {
                lost.add(slot); // its owner died during the query
            } else {
                answered++;
            }
        }
        if (total.full() && lost.isEmpty()) {
            answered = SlotTable.SLOTS; // the limit is met: the answer is complete for what was asked
        }
        List<Integer> lostSlots = List.copyOf(lost);
        if (answered < SlotTable.SLOTS && plan.policy == PartialResultPolicy.FAIL) {
            throw new PartialResultException(plan.mapName, answered, SlotTable.SLOTS, timedOut, lostSlots,
                    TimeUnit.NANOSECONDS.toMillis(budgetNanos));
        }
        return plan.result(total, answered, SlotTable.SLOTS, timedOut, lostSlots, plan.how() + " scatter-gather over "
                + byOwner.size() + " nodes" + (moved.isEmpty() ? "" : ", " + moved.size() + " moved slots re-read")
                + (lost.isEmpty() ? "" : ", " + lost.size() + " lost slots not read"));
    }

    private static void cancelAll(List<Future<Object>> parts) {
        for (Future<Object> part : parts) {
            part.cancel(true);
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new IllegalStateException(cause);
    }

    private ThreadPoolExecutor executor() {
        ThreadPoolExecutor pool = executor;
        if (pool != null) {
            return pool;
        }
        synchronized (executorLock) {
            if (executor == null) {
                cluster.requireOpen();
                AtomicInteger threads = new AtomicInteger();
                executor = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, cluster.name() + "-query-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
            }
            return executor;
        }
    }

    void close() {
        synchronized (executorLock) {
            if (executor != null) {
                executor.shutdownNow();
            }
        }
    }
}
