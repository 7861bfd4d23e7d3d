package dev.slotgrid;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One write to a map with indexes, on the owner: the {@link OpType} carried out as a single
 * {@code compute} of the key, whose function also maintains every index of the map. One instance
 * per write, used by the writing thread only.
 *
 * <p>Inside the key's atomic update, in this order: (1) the index values of the new value are
 * extracted and checked (bad ones throw, nothing changed); (2) values of unique GLOBAL indexes that
 * the key does not hold yet are claimed, pending, in their index's map (a violation releases what
 * was claimed and throws, nothing changed); (3) the slot's LOCAL indexes get the new values and
 * lose the old ones; (4) if a GLOBAL index's values changed, an update goes to this node's outbox.
 * The map stores the new value when the function returns. After writer admission is left,
 * {@link #afterExit} confirms the pending claims.
 *
 * <p>So a LOCAL index changes under the same per-key lock as its entry: a reader that sees an
 * index entry and then reads the base entry sees the value that put it there or a later one, and
 * queries re-check every candidate against the base entry.
 */
final class IndexedWrite {

    /** In {@code b} of a {@link OpType#COMPUTE}: the function maintains what it must; no index maintenance. */
    static final Object RAW = new Object() {
        @Override
        public String toString() {
            return "RAW";
        }
    };

    private static final Object[] NONE = new Object[0];

    private final IndexManager manager;
    private final IndexSet set;
    private final GridNode node;
    private final SlotStore store;
    private final int mapId;
    private final int slot;
    private final Object key;

    private Object before;
    private boolean changed;
    /** Pending claims of this write: pairs (index, value), confirmed after exit. */
    private List<Object> claims;
    /** The key's natural slot once computed, else -1. */
    private int natural = -1;
    /** The outbox this write put an update in, or {@code null}: after exit it waits if that outbox is full. */
    private IndexOutbox enqueuedTo;

    IndexedWrite(IndexManager manager, IndexSet set, GridNode node, SlotStore store, int mapId, int slot, Object key) {
        this.manager = manager;
        this.set = set;
        this.node = node;
        this.store = store;
        this.mapId = mapId;
        this.slot = slot;
        this.key = key;
    }

    /** Carries out {@code op} with {@link ConcurrentMap} semantics and the same result as {@link Ops#apply}. */
    @SuppressWarnings("unchecked")
    Object apply(OpType op, ConcurrentMap<Object, Object> map, Object a, Object b) {
        switch (op) {
            case PUT:
                map.compute(key, (k, old) -> transition(old, a));
                return before;
            case PUT_IF_ABSENT:
                map.compute(key, (k, old) -> old != null ? keep(old) : transition(null, a));
                return before;
            case REPLACE:
                map.compute(key, (k, old) -> old == null ? keep(null) : transition(old, a));
                return before;
            case REPLACE_IF_EQUALS:
                map.compute(key, (k, old) -> old != null && a.equals(old) ? transition(old, b) : keep(old));
                return changed;
            case REMOVE:
                map.compute(key, (k, old) -> transition(old, null));
                return before;
            case REMOVE_IF_EQUALS:
                map.compute(key, (k, old) -> old != null && a.equals(old) ? transition(old, null) : keep(old));
                return changed;
            case COMPUTE: {
                BiFunction<Object, Object, Object> f = (BiFunction<Object, Object, Object>) a;
                return map.compute(key, (k, old) -> transition(old, f.apply(k, old)));
            }
            case COMPUTE_IF_ABSENT: {
                Function<Object, Object> f = (Function<Object, Object>) a;
                return map.compute(key, (k, old) -> old != null ? keep(old) : transition(null, f.apply(k)));
            }
            case COMPUTE_IF_PRESENT: {
                BiFunction<Object, Object, Object> f = (BiFunction<Object, Object, Object>) a;
                return map.compute(key, (k, old) -> old == null ? keep(null) : transition(old, f.apply(k, old)));
            }
            case MERGE: {
                BiFunction<Object, Object, Object> f = (BiFunction<Object, Object, Object>) b;
                return map.compute(key, (k, old) -> old == null ? transition(null, a) : transition(old, f.apply(old, a)));
            }
            default:
                throw new AssertionError(op);
        }
    }

    private Object keep(Object old) {
        before = old;
        return old;
    }

    /** The indexed part of a write from {@code old} to {@code next} ({@code null}: absent). */
    private Object transition(Object old, Object next) {
        before = old;
        if (old == null && next == null) {
            return null;
        }
        changed = true;
        IndexDef[] defs = set.all;
        Object[][] nextValues = new Object[defs.length][];
        Object[][] oldValues = new Object[defs.length][];
        for (int i = 0; i < defs.length; i++) {
            nextValues[i] = next == null ? NONE : defs[i].extractChecked(next, manager.grid());
            oldValues[i] = defs[i].extract(old);
        }
        if (set.hasUnique) {
            claimUniqueValues(defs, oldValues, nextValues);
        }
        boolean globalChanged = false;
        for (int i = 0; i < defs.length; i++) {
            if (sameValues(oldValues[i], nextValues[i])) {
                continue;
            }
            if (defs[i].isLocal()) {
                LocalIndex index = store.localIndex(defs[i].id);
                for (Object value : nextValues[i]) {
                    index.add(value, key);
                }
                for (Object value : oldValues[i]) {
                    if (!IndexDef.contains(nextValues[i], value)) {
                        index.remove(value, key);
                    }
                }
            } else {
                globalChanged = true;
            }
        }
        if (globalChanged) {
            enqueuedTo = manager.outbox(node);
            enqueuedTo.enqueue(mapId, naturalSlot(), key, old, next);
        }
        return next;
    }

    /** Claims, in index order, every unique value the key does not hold yet; all or nothing. */
    private void claimUniqueValues(IndexDef[] defs, Object[][] oldValues, Object[][] nextValues) {
        IndexRef ref = new IndexRef(key, naturalSlot());
        try {
            for (int i = 0; i < defs.length; i++) {
                if (!defs[i].isUnique()) {
                    continue;
                }
                for (Object value : nextValues[i]) {
                    if (!IndexDef.contains(oldValues[i], value)) {
                        manager.claim(node, defs[i], value, ref, true);
                        if (claims == null) {
                            claims = new ArrayList<>(2);
                        }
                        claims.add(defs[i]);
                        claims.add(value);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            releaseClaims(ref);
            throw e;
        }
    }

    private void releaseClaims(IndexRef ref) {
        if (claims == null) {
            return;
        }
        for (int i = 0; i < claims.size(); i += 2) {
            manager.release(node, (IndexDef) claims.get(i), claims.get(i + 1), ref);
        }
        claims = null;
    }

    /**
     * Confirms the claims of a write that stored its value, then waits if this write filled the
     * outbox (back-pressure, {@link IndexOutbox#awaitRoom}). Called after writer admission is left.
     */
    void afterExit() {
        if (claims != null) {
            IndexRef ref = new IndexRef(key, naturalSlot());
            for (int i = 0; i < claims.size(); i += 2) {
                manager.confirm(node, (IndexDef) claims.get(i), claims.get(i + 1), ref);
            }
        }
        if (enqueuedTo != null) {
            enqueuedTo.awaitRoom();
        }
    }

    /**
     * The key's own slot: GLOBAL index entries and outbox updates name it, and routing finds the key
     * from it even while the key is pinned elsewhere ({@link KeyDirectory}); the slot this write runs
     * in is a pin slot for a pinned key.
     */
    private int naturalSlot() {
        if (natural < 0) { // computed once per write: with pins it copies and hashes the key
            natural = manager.grid().table().hasPins() ? manager.grid().slotOf(ByteArrayKey.userForm(key)) : slot;
        }
        return natural;
    }

    static boolean sameValues(Object[] a, Object[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (Object value : a) {
            if (!IndexDef.contains(b, value)) {
                return false;
            }
        }
        return true;
    }
}
