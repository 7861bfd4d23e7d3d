package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * Runs {@link GridQuery queries}: GLOBAL index lookups and single-slot queries on the caller's
 * thread, scatter-gather on a small pool with one task per node.
 *
 * <p>Scatter-gather gives each slot exactly one answer: the slots are split by owner in the grid's
 * table when the query starts; a node answers each of its slots it can still read and hands back
 * those it no longer serves (moved meanwhile), which the caller then reads where they went. A node
 * checks its deadline between slots and stops when it passes; the caller waits for each node until
 * the deadline plus a short grace, then no longer.
 *
 * <p>Concurrency: a node task reads the slot stores without locks (maps and LOCAL indexes are
 * concurrent) and works on its own accumulator; the caller merges the accumulators after
 * {@link Future#get}, which orders them. The pool's threads are daemons that die after 30 s idle;
 * when all 64 are busy, the caller runs a node's task itself.
 */
final class QueryEngine {

    private static final int MAX_THREADS = 64;
    private static final long MAX_GRACE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final SlotGrid grid;
    private final IndexManager indexes;
    private final Object executorLock = new Object();
    /** @GuardedBy("executorLock") for creation; read without it once set */
    private volatile ThreadPoolExecutor executor;
    /** Test hook: runs at the start of a node's share of a scatter-gather, on the thread doing it. */
    final ConcurrentHashMap<Integer, Runnable> beforeNodeScan = new ConcurrentHashMap<>();

    QueryEngine(SlotGrid grid, IndexManager indexes) {
        this.grid = grid;
        this.indexes = indexes;
    }

    <K, V> QueryResult<K, V> run(GridQuery<K, V> query, boolean countOnly) {
        grid.requireOpen();
        IndexDef def = query.indexName == null ? null : indexes.require(query.mapId, query.mapName, query.indexName);
        Plan plan = new Plan(query, def, countOnly);
        QueryResult<Object, Object> result;
        if (def != null && !def.isLocal()) {
            result = global(plan, query);
        } else if (query.partitionKey != null) {
            result = singleSlot(plan, grid.slotOf(query.partitionKey));
        } else {
            result = scatter(plan, query);
        }
        @SuppressWarnings("unchecked")
        QueryResult<K, V> typed = (QueryResult<K, V>) (QueryResult<?, ?>) result;
        return typed;
    }

    // ---------------------------------------------------------------- the three ways

    private QueryResult<Object, Object> global(Plan plan, GridQuery<?, ?> query) {
        IndexDef def = plan.def;
        if (plan.condition.isRange()) {
            throw new IllegalArgumentException("index '" + def.name() + "' of map '" + def.mapName + "' is GLOBAL: it"
                    + " answers eq and in, not ranges (a range would visit every index slot); use a LOCAL index");
        }
        if (query.awaitIndexed != null && !indexes.awaitIndexed(query.awaitIndexed)) {
            throw new IllegalStateException("GLOBAL index '" + def.name() + "' did not catch up within "
                    + query.awaitIndexed.toMillis() + " ms (" + indexes.stats() + "); the query was not run");
        }
        int partitionSlot = query.partitionKey == null ? -1 : grid.slotOf(query.partitionKey);
        Gather gather = new Gather(plan);
        Set<Integer> indexSlots = new TreeSet<>();
        Set<Object> seen = new HashSet<>();
        int baseReads = 0;
        values:
        for (Object value : plan.condition.values) {
            int slot;
            try {
                slot = grid.slotOf(value);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("GLOBAL index '" + def.name() + "': its values are keys, and "
                        + e.getMessage(), e);
            }
            indexSlots.add(slot);
            for (IndexRef ref : holders(query, def, value, slot)) {
                if ((partitionSlot >= 0 && ref.slot != partitionSlot) || !seen.add(ref.key)) {
                    continue;
                }
                baseReads++;
                Object current = query.entry.route(OpType.GET, plan.mapId, ref.slot, ref.key, null, null);
                // the re-check: a stale index entry never yields a wrong result
                if (current == null || !plan.condition.matchesAny(def.extract(current))) {
                    continue;
                }
                if (!plan.offer(ref.key, current, gather)) {
                    break values;
                }
            }
        }
        return plan.result(gather, indexSlots.size(), indexSlots.size(), List.of(),
                "GLOBAL index '" + def.name() + "' " + plan.condition + ": " + indexSlots.size() + " index slot"
                        + (indexSlots.size() == 1 ? "" : "s") + ", " + baseReads + " base entries re-checked");
    }

    /** The base keys a GLOBAL index lists for a value: one read of the value's slot. */
    private List<IndexRef> holders(GridQuery<?, ?> query, IndexDef def, Object value, int slot) {
        Object stored = ByteArrayKey.storedForm(value, false);
        if (def.isUnique()) {
            GlobalEntry entry = (GlobalEntry) query.entry.route(OpType.GET, def.entriesMapId, slot, stored, null, null);
            return entry == null ? List.of() : List.of(entry.holder);
        }
        ConcurrentMap<Object, Object> entries = indexes.readableStore(slot).store().readMap(def.entriesMapId);
        if (entries == null) {
            return List.of();
        }
        List<IndexRef> refs = new ArrayList<>();
        for (Object key : entries.keySet()) {
            GlobalPair pair = (GlobalPair) key;
            if (pair.value().equals(stored)) {
                refs.add(pair.ref());
            }
        }
        return refs;
    }

    private QueryResult<Object, Object> singleSlot(Plan plan, int slot) {
        IndexManager.Located located = indexes.readableStore(slot);
        Gather gather = new Gather(plan);
        scanSlot(plan, located.store(), gather);
        return plan.result(gather, 1, 1, List.of(), plan.how() + " in slot " + slot + " on " + located.node().name());
    }

    private QueryResult<Object, Object> scatter(Plan plan, GridQuery<?, ?> query) {
        long budgetNanos = query.nodeBudget.toNanos();
        long start = System.nanoTime();
        long deadline = start + budgetNanos;
        long grace = Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(budgetNanos / 4, MAX_GRACE_NANOS));
        SlotTable table = grid.table();
        Map<Integer, List<Integer>> byOwner = new LinkedHashMap<>();
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            byOwner.computeIfAbsent(table.ownerOf(slot), owner -> new ArrayList<>()).add(slot);
        }
        List<GridNode> nodes = new ArrayList<>();
        List<Future<NodePart>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> share : byOwner.entrySet()) {
            GridNode node = grid.peer(share.getKey());
            int[] slots = share.getValue().stream().mapToInt(Integer::intValue).toArray();
            nodes.add(node);
            parts.add(executor().submit(() -> nodePart(plan, node, slots, deadline)));
        }
        Gather total = new Gather(plan);
        int answered = 0;
        List<Integer> moved = new ArrayList<>();
        List<String> timedOut = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            NodePart part;
            try {
                part = parts.get(i).get(Math.max(0, deadline + grace - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                parts.get(i).cancel(true);
                timedOut.add(nodes.get(i).name());
                continue;
            } catch (ExecutionException e) {
                cancelAll(parts);
                throw rethrow(e.getCause());
            } catch (InterruptedException e) {
                cancelAll(parts);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while gathering query results", e);
            }
            total.merge(part.gather);
            answered += part.answered;
            moved.addAll(part.moved);
            if (part.outOfTime) {
                timedOut.add(nodes.get(i).name());
            }
        }
        // slots that moved during the query: read where they went, on this thread, with their own budget
        long movedDeadline = System.nanoTime() + budgetNanos;
        for (int slot : moved) {
            if (total.full()) {
                break;
            }
            if (System.nanoTime() - movedDeadline > 0) {
                break;
            }
            scanSlot(plan, indexes.readableStore(slot).store(), total);
            answered++;
        }
        if (total.full()) {
            answered = SlotTable.SLOTS; // the limit is met: the answer is complete for what was asked
        }
        if (answered < SlotTable.SLOTS && plan.policy == PartialResultPolicy.FAIL) {
            throw new PartialResultException(plan.mapName, answered, SlotTable.SLOTS, timedOut,
                    TimeUnit.NANOSECONDS.toMillis(budgetNanos));
        }
        return plan.result(total, answered, SlotTable.SLOTS, timedOut, plan.how() + " scatter-gather over " + nodes.size()
                + " nodes" + (moved.isEmpty() ? "" : ", " + moved.size() + " moved slots re-read"));
    }

    /** One node's share: its slots in the table the query started with. */
    private NodePart nodePart(Plan plan, GridNode node, int[] slots, long deadline) {
        Runnable hook = beforeNodeScan.get(node.id());
        if (hook != null) {
            hook.run();
        }
        NodePart part = new NodePart(new Gather(plan));
        for (int i = 0; i < slots.length; i++) {
            if (part.gather.full()) {
                part.answered += slots.length - i;
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                part.outOfTime = true;
                break;
            }
            SlotStore store = node.store(slots[i]);
            if (store == null || !SlotStore.readable(store.state())) {
                part.moved.add(slots[i]);
                continue;
            }
            scanSlot(plan, store, part.gather);
            part.answered++;
        }
        return part;
    }

    /** One slot: the LOCAL index's candidates, each re-checked against its entry, or every entry. */
    private static void scanSlot(Plan plan, SlotStore store, Gather gather) {
        ConcurrentMap<Object, Object> map = store.readMap(plan.mapId);
        if (map == null) {
            return;
        }
        if (plan.def == null) {
            for (Map.Entry<Object, Object> entry : map.entrySet()) {
                if (!plan.offer(entry.getKey(), entry.getValue(), gather)) {
                    return;
                }
            }
            return;
        }
        LocalIndex index = store.readLocalIndex(plan.def.id);
        if (index == null) {
            return;
        }
        Collection<Object[]> candidates = index.candidates(plan.condition);
        // a range's view would be walked once more by size(): assume it has several values
        Set<Object> seen = plan.condition.isRange() || candidates.size() > 1 ? new HashSet<>() : null;
        for (Object[] keys : candidates) {
            for (Object key : keys) {
                if (seen != null && !seen.add(key)) {
                    continue;
                }
                Object value = map.get(key);
                if (value == null || !plan.condition.matchesAny(plan.def.extract(value))) {
                    continue; // the re-check: the index entry is older or newer than the entry read
                }
                if (!plan.offer(key, value, gather)) {
                    return;
                }
            }
        }
    }

    private static void cancelAll(List<Future<NodePart>> parts) {
        for (Future<NodePart> part : parts) {
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
                grid.requireOpen();
                AtomicInteger threads = new AtomicInteger();
                executor = new ThreadPoolExecutor(0, MAX_THREADS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, grid.name() + "-query-" + threads.incrementAndGet());
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

    // ---------------------------------------------------------------- plan and accumulators

    /** What every slot does for one query: condition, filter, what to keep. */
    static final class Plan {
        final String mapName;
        final int mapId;
        final IndexDef def;
        final IndexCondition condition;
        final BiPredicate<Object, Object> filter;
        final boolean countOnly;
        final int limit;
        final Comparator<Object> order;
        final PartialResultPolicy policy;

        @SuppressWarnings("unchecked")
        Plan(GridQuery<?, ?> query, IndexDef def, boolean countOnly) {
            this.mapName = query.mapName;
            this.mapId = query.mapId;
            this.def = def;
            this.condition = query.condition;
            this.filter = (BiPredicate<Object, Object>) query.filter;
            this.countOnly = countOnly;
            this.limit = countOnly ? Integer.MAX_VALUE : query.limit;
            this.order = (Comparator<Object>) query.order;
            this.policy = query.onPartial;
        }

        /** Offers a stored entry that passed the index re-check; {@code false} once no more are wanted. */
        boolean offer(Object storedKey, Object value, Gather gather) {
            if (filter != null && !filter.test(ByteArrayKey.userForm(storedKey), value)) {
                return true;
            }
            return gather.offer(storedKey, value);
        }

        String how() {
            return def == null ? "scan (no index)" : "LOCAL index '" + def.name() + "' " + condition;
        }

        QueryResult<Object, Object> result(Gather gather, int answered, int queried, List<String> timedOut, String how) {
            List<Map.Entry<Object, Object>> entries = new ArrayList<>();
            for (Map.Entry<Object, Object> entry : gather.entries()) {
                entries.add(new AbstractMap.SimpleImmutableEntry<>(ByteArrayKey.userForm(entry.getKey()), entry.getValue()));
            }
            return new QueryResult<>(entries, countOnly ? gather.count : entries.size(), answered, queried, timedOut, how);
        }
    }

    /**
     * Matches kept by one node or by the caller: a count, a bounded list, or a bounded top-K heap;
     * keys in their stored form. A key offered twice (a key being pinned or unpinned sits in two slots
     * for a moment) is kept once; a count may count it twice.
     */
    static final class Gather {
        private final Plan plan;
        private final Set<Object> keys = new HashSet<>();
        long count;
        private final List<Map.Entry<Object, Object>> list = new ArrayList<>();
        private final PriorityQueue<Map.Entry<Object, Object>> top;

        Gather(Plan plan) {
            this.plan = plan;
            this.top = plan.order != null && plan.limit != Integer.MAX_VALUE && !plan.countOnly
                    ? new PriorityQueue<>(Math.min(plan.limit, 1024) + 1, byValue(plan.order).reversed()) : null;
        }

        private static Comparator<Map.Entry<Object, Object>> byValue(Comparator<Object> order) {
            return (a, b) -> order.compare(a.getValue(), b.getValue());
        }

        boolean offer(Object key, Object value) {
            if (plan.countOnly) {
                count++;
                return true;
            }
            if (!keys.add(key)) {
                return true;
            }
            count++;
            Map.Entry<Object, Object> entry = new AbstractMap.SimpleImmutableEntry<>(key, value);
            if (top != null) {
                top.add(entry);
                if (top.size() > plan.limit) {
                    top.poll();
                }
                return true;
            }
            list.add(entry);
            return !full();
        }

        /** No entry can change the answer any more: the limit is met and there is no order. */
        boolean full() {
            return !plan.countOnly && top == null && plan.order == null && list.size() >= plan.limit;
        }

        void merge(Gather other) {
            if (plan.countOnly) {
                count += other.count;
                return;
            }
            for (Map.Entry<Object, Object> entry : other.entries()) {
                if (full()) {
                    return;
                }
                offer(entry.getKey(), entry.getValue());
            }
        }

        List<Map.Entry<Object, Object>> entries() {
            if (top != null) {
                List<Map.Entry<Object, Object>> sorted = new ArrayList<>(top);
                sorted.sort(byValue(plan.order));
                return sorted;
            }
            if (plan.order != null) {
                List<Map.Entry<Object, Object>> sorted = new ArrayList<>(list);
                sorted.sort(byValue(plan.order));
                return sorted;
            }
            return list.size() > plan.limit ? list.subList(0, plan.limit) : list;
        }
    }

    /** One node's answer. */
    private static final class NodePart {
        final Gather gather;
        int answered;
        final List<Integer> moved = new ArrayList<>();
        boolean outOfTime;

        NodePart(Gather gather) {
            this.gather = gather;
        }
    }
}
