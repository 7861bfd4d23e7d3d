package dev.slotgrid;

import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Applies one {@link OpType} to one slot's store of one map: the owner side of every single-key
 * operation, as an operation code plus two arguments so that it crosses any transport unchanged.
 */
final class Ops {

    private Ops() {
    }

    /** The answer of a read on a map that never had a write in this slot. */
    static Object absent(OpType op) {
        return op == OpType.CONTAINS_KEY ? Boolean.FALSE : null;
    }

    @SuppressWarnings("unchecked")
    static Object apply(OpType op, ConcurrentMap<Object, Object> store, Object key, Object a, Object b) {
        switch (op) {
            case GET:
                return store.get(key);
            case CONTAINS_KEY:
                return store.containsKey(key);
            case PUT:
                return store.put(key, a);
            case PUT_IF_ABSENT:
                return store.putIfAbsent(key, a);
            case REPLACE:
                return store.replace(key, a);
            case REPLACE_IF_EQUALS:
                return store.replace(key, a, b);
            case REMOVE:
                return store.remove(key);
            case REMOVE_IF_EQUALS:
                return store.remove(key, a);
            case COMPUTE:
                return store.compute(key, (BiFunction<Object, Object, Object>) a);
            case COMPUTE_IF_ABSENT:
                return store.computeIfAbsent(key, (Function<Object, Object>) a);
            case COMPUTE_IF_PRESENT:
                return store.computeIfPresent(key, (BiFunction<Object, Object, Object>) a);
            case MERGE:
                return store.merge(key, a, (BiFunction<Object, Object, Object>) b);
            default:
                throw new AssertionError(op);
        }
    }
}
