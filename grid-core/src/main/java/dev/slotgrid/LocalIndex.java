package dev.slotgrid;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A LOCAL index of one map in one slot on one node: index value -> the keys holding it, ordered by
 * {@link IndexOrder}.
 *
 * <p>Concurrency: the key sets are immutable arrays replaced by the skip list's {@code compute}
 * with pure functions (which it may retry), so two keys sharing an index value never lose each
 * other's update. Writers call {@link #add} and {@link #remove} inside the atomic update of the
 * entry's key in the slot's map, so for one key they are serialized with its writes. Readers
 * iterate without locks and re-check every candidate against the base entry.
 *
 * <p>Cost: add and remove are O(log n) plus a copy of the key set of that value in this slot
 * (small: a slot holds 1/16384 of a map).
 */
final class LocalIndex {

    private final ConcurrentSkipListMap<Object, Object[]> keysByValue = new ConcurrentSkipListMap<>(IndexOrder.INSTANCE);

    void add(Object indexValue, Object key) {
        keysByValue.compute(indexValue, (value, keys) -> {
            if (keys == null) {
                return new Object[] {key};
            }
            for (Object k : keys) {
                if (k.equals(key)) {
                    return keys;
                }
            }
            Object[] more = Arrays.copyOf(keys, keys.length + 1);
            more[keys.length] = key;
            return more;
        });
    }

    void remove(Object indexValue, Object key) {
        keysByValue.computeIfPresent(indexValue, (value, keys) -> {
            for (int i = 0; i < keys.length; i++) {
                if (keys[i].equals(key)) {
                    if (keys.length == 1) {
                        return null;
                    }
                    Object[] fewer = new Object[keys.length - 1];
                    System.arraycopy(keys, 0, fewer, 0, i);
                    System.arraycopy(keys, i + 1, fewer, i, keys.length - i - 1);
                    return fewer;
                }
            }
            return keys;
        });
    }

    /** The key arrays of the values that may satisfy the condition. Weakly consistent. */
    Collection<Object[]> candidates(IndexCondition condition) {
        if (!condition.isRange()) {
            java.util.List<Object[]> found = new java.util.ArrayList<>(condition.values().size());
            for (Object value : condition.values()) {
                if (value instanceof Comparable) {
                    Object[] keys = keysByValue.get(value);
                    if (keys != null) {
                        found.add(keys);
                    }
                }
            }
            return found;
        }
        ConcurrentNavigableMap<Object, Object[]> range = keysByValue;
        if (condition.from() != null) {
            range = range.tailMap(condition.from(), condition.fromInclusive());
        }
        if (condition.to() != null) {
            range = range.headMap(condition.to(), condition.toInclusive());
        }
        // with one bound open, the class-first order also admits other classes' values: the re-check drops them
        return range.values();
    }

    /** Every (value, keys) pair; for verification. */
    Iterable<Map.Entry<Object, Object[]>> entries() {
        return keysByValue.entrySet();
    }

    /** Removes a key from every value that is not in {@code keep}; a full pass, for repairs. */
    void removeEverywhereBut(Object key, Object[] keep) {
        for (Map.Entry<Object, Object[]> entry : keysByValue.entrySet()) {
            if (!IndexDef.contains(keep, entry.getKey())) {
                for (Object k : entry.getValue()) {
                    if (k.equals(key)) {
                        remove(entry.getKey(), key);
                        break;
                    }
                }
            }
        }
    }
}
