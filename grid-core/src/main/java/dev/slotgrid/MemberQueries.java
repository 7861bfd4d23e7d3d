package dev.slotgrid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiPredicate;

/**
 * One member's share of a scatter-gather query ({@link QueryRequest}): the slots it was asked
 * about, scanned in order until the budget runs out; slots it no longer serves are handed back.
 *
 * <p>Concurrency: reads the slot stores without locks (maps and LOCAL indexes are concurrent) into
 * an accumulator of its own; never waits.
 */
final class MemberQueries {

    private MemberQueries() {
    }

    static QueryRequest.Fragment scan(Member member, QueryRequest request) {
        QueryRequest.QuerySpec spec = request.spec();
        IndexDef def = spec.indexId() < 0 ? null : member.indexes().def(spec.mapId(), spec.indexId());
        QueryPlan.Gather gather = new QueryPlan.Gather(spec.countOnly(), spec.limit(), request.order());
        long deadline = System.nanoTime() + request.budgetNanos();
        int[] slots = request.slots();
        int answered = 0;
        boolean outOfTime = false;
        List<Integer> moved = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) {
            if (gather.full()) {
                answered += slots.length - i;
                break;
            }
            if (System.nanoTime() - deadline > 0) {
                outOfTime = true;
                break;
            }
            SlotStore store = member.store(slots[i]);
            if (store == null || (member.tracksReaders() && !store.enterRead())) {
                moved.add(slots[i]);
                continue;
            }
            try {
                if (!SlotStore.readable(store.state())) {
                    moved.add(slots[i]);
                    continue;
                }
                scanSlot(spec, def, request.filter(), store, gather);
                answered++;
            } finally {
                if (member.tracksReaders()) {
                    store.exitRead();
                }
            }
        }
        return gather.toFragment(answered, moved.stream().mapToInt(Integer::intValue).toArray(), outOfTime);
    }

    /** One slot: the LOCAL index's candidates, each re-checked against its entry, or every entry. */
    private static void scanSlot(QueryRequest.QuerySpec spec, IndexDef def, BiPredicate<Object, Object> filter,
            SlotStore store, QueryPlan.Gather gather) {
        ConcurrentMap<Object, Object> map = store.readMap(spec.mapId());
        if (map == null) {
            return;
        }
        if (def == null) {
            for (Map.Entry<Object, Object> entry : map.entrySet()) {
                if (!offer(filter, entry.getKey(), entry.getValue(), gather)) {
                    return;
                }
            }
            return;
        }
        LocalIndex index = store.readLocalIndex(def.id);
        if (index == null) {
            return;
        }
        IndexCondition condition = spec.condition();
        Collection<Object[]> candidates = index.candidates(condition);
        // a range's view would be walked once more by size(): assume it has several values
        Set<Object> seen = condition.isRange() || candidates.size() > 1 ? new HashSet<>() : null;
        for (Object[] keys : candidates) {
            for (Object key : keys) {
                if (seen != null && !seen.add(key)) {
                    continue;
                }
                Object value = map.get(key);
                if (value == null || !condition.matchesAny(def.extract(value))) {
                    continue; // the re-check: the index entry is older or newer than the entry read
                }
                if (!offer(filter, key, value, gather)) {
                    return;
                }
            }
        }
    }

    private static boolean offer(BiPredicate<Object, Object> filter, Object storedKey, Object value, QueryPlan.Gather gather) {
        if (filter != null && !filter.test(ByteArrayKey.userForm(storedKey), value)) {
            return true;
        }
        return gather.offer(storedKey, value);
    }
}
