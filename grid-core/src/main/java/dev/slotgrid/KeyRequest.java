package dev.slotgrid;

import dev.slotgrid.spi.Merger;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One operation on one key of one map, routed to the owner of {@link #slot()} with the epoch of the
 * table that chose it. The owner answers with the operation's result or a {@link Reply}; see
 * {@link Member#execute} for every outcome.
 *
 * <p>Keys are in their stored form ({@link ByteArrayKey} for {@code byte[]}). {@link #apply} carries
 * the operation out on the slot's store of the map with {@link ConcurrentMap} atomicity and no index
 * maintenance; a write to a map with indexes goes through {@link IndexedWrite} instead.
 */
sealed interface KeyRequest extends Request permits KeyRequest.Get, KeyRequest.ContainsKey, KeyRequest.Put,
        KeyRequest.PutIfAbsent, KeyRequest.Replace, KeyRequest.ReplaceIfEquals, KeyRequest.Remove,
        KeyRequest.RemoveIfEquals, KeyRequest.MergeNamed, KeyRequest.Invoke, KeyRequest.Compute,
        KeyRequest.ComputeIfAbsent, KeyRequest.ComputeIfPresent, KeyRequest.Merge, IndexKeyRequest {

    /** The grid's own work: not a caller's heat for hot-key detection. */
    int INTERNAL = 1;
    /** Routed to the key's pin slot in the directory, not its own slot. */
    int PIN_ROUTED = 2;
    /** Routed to this slot whatever the directory says (a key mover's copies, a salted key's parts). */
    int PINS_IGNORED = 4;

    int mapId();

    int slot();

    long epoch();

    Object key();

    int flags();

    OpType type();

    /** The same request routed to {@code slot} with {@code epoch}. */
    KeyRequest to(int slot, long epoch, int flags);

    /** Carries the operation out on {@code map} (this slot's store of the map); no index maintenance. */
    Object apply(Member member, ConcurrentMap<Object, Object> map);

    /** Whether the write maintains the map's indexes (the grid's own index updates do not). */
    default boolean indexed() {
        return true;
    }

    /** The answer of a read on a map that never had a write in this slot. */
    default Object absent() {
        return null;
    }

    record Get(int mapId, int slot, long epoch, Object key, int flags) implements KeyRequest {
        public OpType type() {
            return OpType.GET;
        }

        public Get to(int s, long e, int f) {
            return new Get(mapId, s, e, key, f);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.get(key);
        }
    }

    record ContainsKey(int mapId, int slot, long epoch, Object key, int flags) implements KeyRequest {
        public OpType type() {
            return OpType.CONTAINS_KEY;
        }

        public ContainsKey to(int s, long e, int f) {
            return new ContainsKey(mapId, s, e, key, f);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.containsKey(key);
        }

        public Object absent() {
            return Boolean.FALSE;
        }
    }

    record Put(int mapId, int slot, long epoch, Object key, int flags, Object value) implements KeyRequest {
        public OpType type() {
            return OpType.PUT;
        }

        public Put to(int s, long e, int f) {
            return new Put(mapId, s, e, key, f, value);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.put(key, value);
        }
    }

    record PutIfAbsent(int mapId, int slot, long epoch, Object key, int flags, Object value) implements KeyRequest {
        public OpType type() {
            return OpType.PUT_IF_ABSENT;
        }

        public PutIfAbsent to(int s, long e, int f) {
            return new PutIfAbsent(mapId, s, e, key, f, value);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.putIfAbsent(key, value);
        }
    }

    record Replace(int mapId, int slot, long epoch, Object key, int flags, Object value) implements KeyRequest {
        public OpType type() {
            return OpType.REPLACE;
        }

        public Replace to(int s, long e, int f) {
            return new Replace(mapId, s, e, key, f, value);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.replace(key, value);
        }
    }

    /** Replaces the value if it equals {@code expected}: the conditional write of every caller-side function. */
    record ReplaceIfEquals(int mapId, int slot, long epoch, Object key, int flags, Object expected, Object value)
            implements KeyRequest {
        public OpType type() {
            return OpType.REPLACE_IF_EQUALS;
        }

        public ReplaceIfEquals to(int s, long e, int f) {
            return new ReplaceIfEquals(mapId, s, e, key, f, expected, value);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.replace(key, expected, value);
        }
    }

    record Remove(int mapId, int slot, long epoch, Object key, int flags) implements KeyRequest {
        public OpType type() {
            return OpType.REMOVE;
        }

        public Remove to(int s, long e, int f) {
            return new Remove(mapId, s, e, key, f);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.remove(key);
        }
    }

    record RemoveIfEquals(int mapId, int slot, long epoch, Object key, int flags, Object expected) implements KeyRequest {
        public OpType type() {
            return OpType.REMOVE_IF_EQUALS;
        }

        public RemoveIfEquals to(int s, long e, int f) {
            return new RemoveIfEquals(mapId, s, e, key, f, expected);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.remove(key, expected);
        }
    }

    /** {@code merge} with a {@link Merger} known by name on every member: travels on every transport. */
    record MergeNamed(int mapId, int slot, long epoch, Object key, int flags, Object value, String merger)
            implements KeyRequest {
        public OpType type() {
            return OpType.MERGE;
        }

        public MergeNamed to(int s, long e, int f) {
            return new MergeNamed(mapId, s, e, key, f, value, merger);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            Merger<Object> m = member.plugins().merger(merger);
            return map.merge(key, value, m::merge);
        }
    }

    /** An entry processor known by name on every member, run on the owner under the key's atomic update. */
    record Invoke(int mapId, int slot, long epoch, Object key, int flags, String processor, Object argument)
            implements KeyRequest {
        public OpType type() {
            return OpType.COMPUTE;
        }

        public Invoke to(int s, long e, int f) {
            return new Invoke(mapId, s, e, key, f, processor, argument);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.compute(key, member.plugins().processorFunction(processor, argument));
        }
    }

    /** {@code compute} with the caller's function by reference: in-JVM only. */
    record Compute(int mapId, int slot, long epoch, Object key, int flags, BiFunction<Object, Object, Object> function)
            implements KeyRequest, Request.InProcess {
        public OpType type() {
            return OpType.COMPUTE;
        }

        public Compute to(int s, long e, int f) {
            return new Compute(mapId, s, e, key, f, function);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.compute(key, function);
        }
    }

    record ComputeIfAbsent(int mapId, int slot, long epoch, Object key, int flags, Function<Object, Object> function)
            implements KeyRequest, Request.InProcess {
        public OpType type() {
            return OpType.COMPUTE_IF_ABSENT;
        }

        public ComputeIfAbsent to(int s, long e, int f) {
            return new ComputeIfAbsent(mapId, s, e, key, f, function);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.computeIfAbsent(key, function);
        }
    }

    record ComputeIfPresent(int mapId, int slot, long epoch, Object key, int flags,
            BiFunction<Object, Object, Object> function) implements KeyRequest, Request.InProcess {
        public OpType type() {
            return OpType.COMPUTE_IF_PRESENT;
        }

        public ComputeIfPresent to(int s, long e, int f) {
            return new ComputeIfPresent(mapId, s, e, key, f, function);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.computeIfPresent(key, function);
        }
    }

    record Merge(int mapId, int slot, long epoch, Object key, int flags, Object value,
            BiFunction<Object, Object, Object> function) implements KeyRequest, Request.InProcess {
        public OpType type() {
            return OpType.MERGE;
        }

        public Merge to(int s, long e, int f) {
            return new Merge(mapId, s, e, key, f, value, function);
        }

        public Object apply(Member member, ConcurrentMap<Object, Object> map) {
            return map.merge(key, value, function);
        }
    }
}
