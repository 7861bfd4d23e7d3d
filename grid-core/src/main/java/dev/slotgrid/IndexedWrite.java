package dev.slotgrid;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * One write to a map with indexes, on the owner: the {@link OpType} carried out as a single
 * {@code compute} of the key, whose function also maintains every index of the map. One instance
 * per write, used by the writing thread only.
 *
 * <p>Inside the key's atomic update, in this order: (1) the index values of the new value are
 * extracted and checked (bad ones throw, nothing changed); (2) values of unique GLOBAL indexes that
 * the key does not hold yet are claimed, pending, in their index's map (a violation releases what
 * was claimed and throws, nothing changed); (3) the slot's LOCAL indexes get the new values and
 * lose the old ones; (4) if a GLOBAL index's values changed, an update goes to this member's outbox.
 * The map stores the new value when the function returns. After writer admission is left,
 * {@link #afterExit} confirms the pending claims.
 *
 * <p>So a LOCAL index changes under the same per-key lock as its entry: a reader that sees an
 * index entry and then reads the base entry sees the value that put it there or a later one, and
 * queries re-check every candidate against the base entry.
 */
final class IndexedWrite {

    private static final Object[] NONE = new Object[0];

    private final MemberIndexes indexes;
    private final IndexSet set;
    private final Member member;
    private final SlotStore store;
    private final KeyRequest request;
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

    IndexedWrite(MemberIndexes indexes, IndexSet set, Member member, SlotStore store, KeyRequest request) {
        this.indexes = indexes;
        this.set = set;
        this.member = member;
        this.store = store;
        this.request = request;
        this.slot = request.slot();
        this.key = request.key();
    }

    /** Carries the request out with {@link ConcurrentMap} semantics and the same result as {@link KeyRequest#apply}. */
    Object apply(ConcurrentMap<Object, Object> map) {
        if (request instanceof KeyRequest.Put put) {
            map.compute(key, (k, old) -> transition(old, put.value()));
            return before;
        }
        if (request instanceof KeyRequest.PutIfAbsent put) {
            map.compute(key, (k, old) -> old != null ? keep(old) : transition(null, put.value()));
            return before;
        }
        if (request instanceof KeyRequest.Replace replace) {
            map.compute(key, (k, old) -> old == null ? keep(null) : transition(old, replace.value()));
            return before;
        }
        if (request instanceof KeyRequest.ReplaceIfEquals replace) {
            map.compute(key, (k, old) -> old != null && replace.expected().equals(old) ? transition(old, replace.value())
                    : keep(old));
            return changed;
        }
        if (request instanceof KeyRequest.Remove) {
            map.compute(key, (k, old) -> transition(old, null));
            return before;
        }
        if (request instanceof KeyRequest.RemoveIfEquals remove) {
            map.compute(key, (k, old) -> old != null && remove.expected().equals(old) ? transition(old, null) : keep(old));
            return changed;
        }
        if (request instanceof KeyRequest.Compute compute) {
            return map.compute(key, (k, old) -> transition(old, compute.function().apply(k, old)));
        }
        if (request instanceof KeyRequest.ComputeIfAbsent compute) {
            return map.compute(key, (k, old) -> old != null ? keep(old) : transition(null, compute.function().apply(k)));
        }
        if (request instanceof KeyRequest.ComputeIfPresent compute) {
            return map.compute(key, (k, old) -> old == null ? keep(null) : transition(old, compute.function().apply(k, old)));
        }
        if (request instanceof KeyRequest.Merge merge) {
            return map.compute(key, (k, old) -> old == null ? transition(null, merge.value())
                    : transition(old, merge.function().apply(old, merge.value())));
        }
        if (request instanceof KeyRequest.MergeNamed merge) {
            dev.slotgrid.spi.Merger<Object> merger = member.plugins().merger(merge.merger());
            return map.compute(key, (k, old) -> old == null ? transition(null, merge.value())
                    : transition(old, merger.merge(old, merge.value())));
        }
        if (request instanceof KeyRequest.Invoke invoke) {
            java.util.function.BiFunction<Object, Object, Object> f = member.plugins().processorFunction(invoke.processor(),
                    invoke.argument());
            return map.compute(key, (k, old) -> transition(old, f.apply(k, old)));
        }
        throw new AssertionError(request);
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
            nextValues[i] = next == null ? NONE : defs[i].extractChecked(next, member.config());
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
            enqueuedTo = indexes.outbox();
            enqueuedTo.enqueue(request.mapId(), naturalSlot(), key, old, next);
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
                        indexes.claim(defs[i], value, ref, true);
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
            indexes.release((IndexDef) claims.get(i), claims.get(i + 1), ref);
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
                indexes.confirm((IndexDef) claims.get(i), claims.get(i + 1), ref);
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
            natural = (request.flags() & KeyRequest.PIN_ROUTED) != 0 || member.table().hasPins()
                    ? member.config().slotOf(ByteArrayKey.userForm(key)) : slot;
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
