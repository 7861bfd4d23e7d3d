package dev.slotgrid;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentMap;

/**
 * Index maintenance routed by slot like any key operation (so it follows migrations and is fenced
 * the same way), but the grid's own: never counted as a caller's heat, never maintaining indexes
 * itself. Run on the owner by {@link MemberIndexes}.
 */
sealed interface IndexKeyRequest extends KeyRequest permits IndexKeyRequest.Reconcile, IndexKeyRequest.SetIndexEntry,
        IndexKeyRequest.ClaimUnique, IndexKeyRequest.ConfirmClaim, IndexKeyRequest.ReleaseClaim,
        IndexKeyRequest.IndexHolders {

    @Override
    default boolean indexed() {
        return false;
    }

    @Override
    default OpType type() {
        return OpType.COMPUTE;
    }

    /**
     * An outbox update, at the base key's owner: under the key's atomic update, every GLOBAL index
     * value named by {@code oldValue}, {@code newValue} or the key's current value is set to hold the
     * key or not, as the current value says. {@code slot} is the key's natural slot. Replies {@code null}.
     */
    record Reconcile(int mapId, int slot, long epoch, Object key, int flags, int naturalSlot, Object oldValue,
            Object newValue) implements IndexKeyRequest {
        public Reconcile to(int s, long e, int f) {
            return new Reconcile(mapId, s, e, key, f, naturalSlot, oldValue, newValue);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            member.indexes().reconcile(this, map);
            return null;
        }
    }

    /**
     * In a GLOBAL index's entries map ({@code mapId}), at the index value's slot: {@code key} (a
     * {@link GlobalPair} for a non-unique index, the value for a unique one) holds {@code ref} or not.
     */
    record SetIndexEntry(int mapId, int slot, long epoch, Object key, int flags, IndexRef ref, boolean holds,
            boolean unique) implements IndexKeyRequest {
        public SetIndexEntry to(int s, long e, int f) {
            return new SetIndexEntry(mapId, s, e, key, f, ref, holds, unique);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            if (!unique) {
                if (holds) {
                    map.put(key, ref);
                } else {
                    map.remove(key);
                }
                return null;
            }
            map.compute(key, holds
                    ? (k, e) -> e == null || ((GlobalEntry) e).holder().equals(ref) ? new GlobalEntry(ref, false) : e
                    : (k, e) -> e != null && ((GlobalEntry) e).holder().equals(ref) ? null : e);
            return null;
        }
    }

    /** A claim of a unique value ({@code key}) for {@code ref}; replies a {@link ClaimOutcome}. See {@link IndexCoordinator#claim}. */
    record ClaimUnique(int mapId, int slot, long epoch, Object key, int flags, int indexId, int baseMapId, IndexRef ref,
            boolean pending) implements IndexKeyRequest {
        public ClaimUnique to(int s, long e, int f) {
            return new ClaimUnique(mapId, s, e, key, f, indexId, baseMapId, ref, pending);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return member.indexes().claimHere(this, map);
        }
    }

    /** What a claim found: {@code CLAIMED}, {@code WAIT} (a pending claim of another key) or {@code HELD} by {@code holder}. */
    record ClaimOutcome(int kind, IndexRef holder) {
        static final int CLAIMED = 0;
        static final int WAIT = 1;
        static final int HELD = 2;
    }

    /** A pending claim of {@code ref} becomes confirmed. */
    record ConfirmClaim(int mapId, int slot, long epoch, Object key, int flags, IndexRef ref) implements IndexKeyRequest {
        public ConfirmClaim to(int s, long e, int f) {
            return new ConfirmClaim(mapId, s, e, key, f, ref);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            map.computeIfPresent(key, (k, e) -> {
                GlobalEntry entry = (GlobalEntry) e;
                return entry.pending() && entry.holder().equals(ref) ? new GlobalEntry(ref, false) : entry;
            });
            return null;
        }
    }

    /** A pending claim of {@code ref} is dropped (its write failed). */
    record ReleaseClaim(int mapId, int slot, long epoch, Object key, int flags, IndexRef ref) implements IndexKeyRequest {
        public ReleaseClaim to(int s, long e, int f) {
            return new ReleaseClaim(mapId, s, e, key, f, ref);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            map.computeIfPresent(key, (k, e) -> {
                GlobalEntry entry = (GlobalEntry) e;
                return entry.pending() && entry.holder().equals(ref) ? null : entry;
            });
            return null;
        }
    }

    /** The base keys a GLOBAL index lists for one value. */
    record Holders(List<IndexRef> refs) {
    }

    /**
     * A read: the base keys ({@link Holders}) a GLOBAL index lists for one value ({@code key},
     * stored form) in the value's slot.
     */
    record IndexHolders(int mapId, int slot, long epoch, Object key, int flags, boolean unique) implements IndexKeyRequest {
        public OpType type() {
            return OpType.GET;
        }

        public IndexHolders to(int s, long e, int f) {
            return new IndexHolders(mapId, s, e, key, f, unique);
        }

        public Object absent() {
            return new Holders(List.of());
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            if (unique) {
                GlobalEntry entry = (GlobalEntry) map.get(key);
                return new Holders(entry == null ? List.of() : List.of(entry.holder()));
            }
            List<IndexRef> refs = new ArrayList<>();
            for (Object k : map.keySet()) {
                GlobalPair pair = (GlobalPair) k;
                if (pair.value().equals(key)) {
                    refs.add(pair.ref());
                }
            }
            return new Holders(refs);
        }
    }
}
