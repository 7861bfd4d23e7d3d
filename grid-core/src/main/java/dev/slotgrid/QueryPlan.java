package dev.slotgrid;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.BiPredicate;

/**
 * What a query keeps, on the caller and in each member's fragment: the filter, the order, the
 * limit, a count. One {@link Gather} per member fragment and one on the caller that merges them.
 */
final class QueryPlan {

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
    QueryPlan(GridQuery<?, ?> query, IndexDef def, boolean countOnly) {
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

    /** Whether the filter or the order is a caller's function (which only an in-JVM transport pushes down). */
    boolean hasFunctions() {
        return filter != null || order != null;
    }

    /**
     * The fragment request for some slots: with the filter and order by reference where they can
     * travel; else without them and without the limit and count (the caller applies all four).
     */
    QueryRequest fragment(int[] slots, long budgetNanos, boolean referencesTravel) {
        if (!hasFunctions()) {
            return new QueryRequest.ScanFragment(spec(countOnly, limit), slots, budgetNanos);
        }
        if (referencesTravel) {
            return new QueryRequest.ScanFragmentWithFunctions(spec(countOnly, limit), slots, budgetNanos, filter, order);
        }
        return new QueryRequest.ScanFragment(spec(false, Integer.MAX_VALUE), slots, budgetNanos);
    }

    private QueryRequest.QuerySpec spec(boolean count, int max) {
        return new QueryRequest.QuerySpec(mapId, def == null ? -1 : def.id, condition, count, max);
    }

    /** Offers a stored entry that passed the index re-check; {@code false} once no more are wanted. */
    boolean offer(Object storedKey, Object value, Gather gather) {
        if (filter != null && !filter.test(ByteArrayKey.userForm(storedKey), value)) {
            return true;
        }
        return gather.offer(storedKey, value);
    }

    Gather gather() {
        return new Gather(countOnly, limit, order);
    }

    /** Takes a member's fragment into the caller's gather. */
    void merge(QueryRequest.Fragment fragment, Gather total, boolean pushedDown) {
        if (pushedDown && countOnly) {
            total.count += fragment.count();
            return;
        }
        for (int i = 0; i < fragment.keys().size(); i++) {
            if (total.full()) {
                return;
            }
            Object key = fragment.keys().get(i);
            Object value = fragment.values().get(i);
            if (pushedDown) {
                total.offer(key, value);
            } else {
                offer(key, value, total);
            }
        }
    }

    String how() {
        return def == null ? "scan (no index)" : "LOCAL index '" + def.name() + "' " + condition;
    }

    QueryResult<Object, Object> result(Gather gather, int answered, int queried, List<String> timedOut, String how) {
        return result(gather, answered, queried, timedOut, List.of(), how);
    }

    QueryResult<Object, Object> result(Gather gather, int answered, int queried, List<String> timedOut, List<Integer> lost,
            String how) {
        List<Map.Entry<Object, Object>> entries = new ArrayList<>();
        for (Map.Entry<Object, Object> entry : gather.entries()) {
            entries.add(new AbstractMap.SimpleImmutableEntry<>(ByteArrayKey.userForm(entry.getKey()), entry.getValue()));
        }
        return new QueryResult<>(entries, countOnly ? gather.count : entries.size(), answered, queried, timedOut, lost, how);
    }

    /**
     * Matches kept by one member or by the caller: a count, a bounded list, or a bounded top-K heap;
     * keys in their stored form. A key offered twice (a key being pinned or unpinned sits in two slots
     * for a moment) is kept once; a count may count it twice.
     */
    static final class Gather {
        private final boolean countOnly;
        private final int limit;
        private final Comparator<Object> order;
        private final Set<Object> keys = new HashSet<>();
        long count;
        private final List<Map.Entry<Object, Object>> list = new ArrayList<>();
        private final PriorityQueue<Map.Entry<Object, Object>> top;

        Gather(boolean countOnly, int limit, Comparator<Object> order) {
            this.countOnly = countOnly;
            this.limit = limit;
            this.order = order;
            this.top = order != null && limit != Integer.MAX_VALUE && !countOnly
                    ? new PriorityQueue<>(Math.min(limit, 1024) + 1, byValue(order).reversed()) : null;
        }

        private static Comparator<Map.Entry<Object, Object>> byValue(Comparator<Object> order) {
            return (a, b) -> order.compare(a.getValue(), b.getValue());
        }

        boolean offer(Object key, Object value) {
            if (countOnly) {
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
                if (top.size() > limit) {
                    top.poll();
                }
                return true;
            }
            list.add(entry);
            return !full();
        }

        /** No entry can change the answer any more: the limit is met and there is no order. */
        boolean full() {
            return !countOnly && top == null && order == null && list.size() >= limit;
        }

        List<Map.Entry<Object, Object>> entries() {
            if (top != null) {
                List<Map.Entry<Object, Object>> sorted = new ArrayList<>(top);
                sorted.sort(byValue(order));
                return sorted;
            }
            if (order != null) {
                List<Map.Entry<Object, Object>> sorted = new ArrayList<>(list);
                sorted.sort(byValue(order));
                return sorted;
            }
            return list.size() > limit ? list.subList(0, limit) : list;
        }

        /** The kept entries as a member's fragment carries them. */
        QueryRequest.Fragment toFragment(int answered, int[] moved, boolean outOfTime) {
            List<Object> ks = new ArrayList<>();
            List<Object> vs = new ArrayList<>();
            for (Map.Entry<Object, Object> entry : entries()) {
                ks.add(entry.getKey());
                vs.add(entry.getValue());
            }
            return new QueryRequest.Fragment(ks, vs, count, answered, moved, outOfTime);
        }
    }
}
