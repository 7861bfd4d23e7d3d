package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link GridMap} entering the grid through one member's {@link Router}. Stateless apart from its
 * identity; thread-safe.
 *
 * <p>Each call checks its arguments, builds one {@link KeyRequest} for the entry member's current
 * table and routes it; a map with hot-key state goes through {@link MemberHotKeys} instead. A
 * caller's function travels by reference where the transport allows it; elsewhere it runs here,
 * through {@link CallerSideFunctions}.
 */
final class RoutedMap<K, V> implements GridMap<K, V> {

    private final Cluster cluster;
    private final Member entry;
    private final Router router;
    private final MemberHotKeys hotKeys;
    private final String name;
    private final int mapId;
    private final boolean functionsTravel;
    private final BulkCalls<K, V> bulk;

    RoutedMap(Cluster cluster, Member entry, String name, int mapId) {
        this.cluster = cluster;
        this.entry = entry;
        this.router = entry.router();
        this.hotKeys = entry.hotKeys();
        this.name = name;
        this.mapId = mapId;
        this.functionsTravel = router.transport().carriesReferences();
        this.bulk = new BulkCalls<>(this, cluster, entry, mapId);
    }

    @Override
    public String name() {
        return name;
    }

    /** The key's own slot, after the checks every call makes. */
    private int slotOf(Object key) {
        Objects.requireNonNull(key, "key must not be null");
        int slot = entry.config().slotOf(key);
        cluster.requireOpen();
        return slot;
    }

    private static <T> T requireValue(T value) {
        return Objects.requireNonNull(value, "value must not be null");
    }

    private static <T> T requireFunction(T function) {
        return Objects.requireNonNull(function, "function must not be null");
    }

    /** Routes a write built for the member's table (slot and epoch from {@code table}); hot keys kept right. */
    private Object write(KeyRequest request, int natural) {
        MemberHotKeys.MapState hot = hotKeys.state(mapId);
        return hot == null ? router.route(request, natural) : hotKeys.write(hot, request, natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V get(K key) {
        int natural = slotOf(key);
        Object stored = ByteArrayKey.storedForm(key, false);
        MemberHotKeys.MapState hot = hotKeys.state(mapId);
        if (hot != null) {
            return (V) hotKeys.get(hot, natural, stored);
        }
        return (V) router.get(mapId, natural, stored);
    }

    @Override
    public boolean containsKey(K key) {
        int natural = slotOf(key);
        Object stored = ByteArrayKey.storedForm(key, false);
        MemberHotKeys.MapState hot = hotKeys.state(mapId);
        if (hot != null) {
            return hotKeys.get(hot, natural, stored) != null;
        }
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (Boolean) router.route(new KeyRequest.ContainsKey(mapId, slot, table.epoch(), stored,
                Router.pinFlags(slot, natural)), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V put(K key, V value) {
        int natural = slotOf(key);
        requireValue(value);
        Object stored = ByteArrayKey.storedForm(key, true);
        if (hotKeys.state(mapId) == null) {
            return (V) router.put(mapId, natural, stored, value);
        }
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.Put(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural), value), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V putIfAbsent(K key, V value) {
        int natural = slotOf(key);
        requireValue(value);
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.PutIfAbsent(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural),
                value), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V replace(K key, V value) {
        int natural = slotOf(key);
        requireValue(value);
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.Replace(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural), value),
                natural);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        int natural = slotOf(key);
        Objects.requireNonNull(oldValue, "oldValue must not be null");
        Objects.requireNonNull(newValue, "newValue must not be null");
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (Boolean) write(new KeyRequest.ReplaceIfEquals(mapId, slot, table.epoch(), stored,
                Router.pinFlags(slot, natural), oldValue, newValue), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V remove(K key) {
        int natural = slotOf(key);
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.Remove(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural)), natural);
    }

    @Override
    public boolean remove(K key, V value) {
        int natural = slotOf(key);
        requireValue(value);
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (Boolean) write(new KeyRequest.RemoveIfEquals(mapId, slot, table.epoch(), stored,
                Router.pinFlags(slot, natural), value), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        int natural = slotOf(key);
        requireFunction(remappingFunction);
        if (!functionsTravel) {
            return CallerSideFunctions.compute(this, key, remappingFunction);
        }
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.Compute(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural),
                withCallerKey(key, remappingFunction)), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        int natural = slotOf(key);
        requireFunction(mappingFunction);
        if (!functionsTravel) {
            return CallerSideFunctions.computeIfAbsent(this, key, mappingFunction);
        }
        Function<Object, Object> fn = key instanceof byte[] ? stored -> mappingFunction.apply(key)
                : (Function<Object, Object>) mappingFunction;
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.ComputeIfAbsent(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural),
                fn), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        int natural = slotOf(key);
        requireFunction(remappingFunction);
        if (!functionsTravel) {
            return CallerSideFunctions.computeIfPresent(this, key, remappingFunction);
        }
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.ComputeIfPresent(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural),
                withCallerKey(key, remappingFunction)), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        int natural = slotOf(key);
        requireValue(value);
        requireFunction(remappingFunction);
        Object stored = ByteArrayKey.storedForm(key, true);
        MemberHotKeys.MapState hot = hotKeys.state(mapId);
        if (hot != null && hot.merger != null && hot.anySalted && hot.salts.containsKey(stored)) {
            hotKeys.add(hot, natural, stored, value); // with the map's merger: see GridMap#merge
            return (V) hotKeys.get(hot, natural, stored);
        }
        if (!functionsTravel) {
            return CallerSideFunctions.merge(this, key, value, remappingFunction);
        }
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.Merge(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural), value,
                (BiFunction<Object, Object, Object>) remappingFunction), natural);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V invoke(K key, String processorName, Object argument) {
        int natural = slotOf(key);
        Objects.requireNonNull(processorName, "processor name must not be null");
        entry.plugins().processor(processorName); // an unknown name fails here, before anything is sent
        Object stored = ByteArrayKey.storedForm(key, true);
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, stored, natural);
        return (V) write(new KeyRequest.Invoke(mapId, slot, table.epoch(), stored, Router.pinFlags(slot, natural),
                processorName, argument), natural);
    }

    /** The stores see a {@code byte[]} key in its stored form; the user's function sees the user's key. */
    @SuppressWarnings("unchecked")
    private BiFunction<Object, Object, Object> withCallerKey(K key, BiFunction<? super K, ? super V, ? extends V> function) {
        if (key instanceof byte[]) {
            return (stored, value) -> function.apply(key, (V) value);
        }
        return (BiFunction<Object, Object, Object>) function;
    }

    @Override
    public void add(K key, V value) {
        Objects.requireNonNull(key, "key must not be null");
        requireValue(value);
        MemberHotKeys.MapState hot = hotKeys.state(mapId);
        if (hot == null || hot.merger == null) {
            throw new IllegalStateException("map '" + name + "' is not mergeable; declare it with"
                    + " SlotGrid.declareMergeable(\"" + name + "\", merger) to use add");
        }
        int natural = slotOf(key);
        hotKeys.add(hot, natural, ByteArrayKey.storedForm(key, true), value);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V getOrLoad(K key, Function<? super K, ? extends V> loader) {
        requireFunction(loader);
        V present = get(key);
        if (present != null) {
            return present;
        }
        return (V) cluster.loads(mapId).load(ByteArrayKey.storedForm(key, false), () -> {
            V again = get(key); // a load that just finished may have stored it
            if (again != null) {
                return again;
            }
            V loaded = loader.apply(key);
            if (loaded == null) {
                return null;
            }
            V prior = putIfAbsent(key, loaded);
            return prior != null ? prior : loaded;
        });
    }

    // ================================================================ bulk

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        return bulk.getAll(keys);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        bulk.putAll(entries);
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, mappingCount());
    }

    @Override
    public long mappingCount() {
        cluster.requireOpen();
        long count = 0;
        for (int member : cluster.activeMemberIds()) {
            count += (Long) router.ask(member, new ControlRequest.CountEntries(mapId));
        }
        MemberHotKeys.MapState hot = hotKeys.state(mapId);
        if (hot != null && hot.anySalted) {
            count += hotKeys.saltedCountCorrection(hot); // a salted key is one entry, not one per part
        }
        return count;
    }

    // ================================================================ asynchronous

    private static <T> CompletableFuture<T> async(Supplier<T> call) {
        try {
            return CompletableFuture.completedFuture(call.get());
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A single-key call as a future, sent in the entry member's batch for its owner; a map with
     * hot-key state (near cache, salting, a merger) runs it at once instead, on its own path.
     */
    @SuppressWarnings("unchecked")
    private CompletableFuture<V> batched(OpType op, K key, V value) {
        try {
            int natural = slotOf(key);
            if (!entry.config().batching() || hotKeys.state(mapId) != null) {
                return CompletableFuture.completedFuture(direct(op, key, value));
            }
            Object stored = ByteArrayKey.storedForm(key, op.isWrite());
            SlotTable table = router.table();
            int slot = Router.pinned(table, mapId, stored, natural);
            int flags = Router.pinFlags(slot, natural);
            long epoch = table.epoch();
            KeyRequest request;
            switch (op) {
                case GET:
                    request = new KeyRequest.Get(mapId, slot, epoch, stored, flags);
                    break;
                case PUT:
                    request = new KeyRequest.Put(mapId, slot, epoch, stored, flags, value);
                    break;
                case PUT_IF_ABSENT:
                    request = new KeyRequest.PutIfAbsent(mapId, slot, epoch, stored, flags, value);
                    break;
                case REPLACE:
                    request = new KeyRequest.Replace(mapId, slot, epoch, stored, flags, value);
                    break;
                case REMOVE:
                    request = new KeyRequest.Remove(mapId, slot, epoch, stored, flags);
                    break;
                default:
                    throw new AssertionError(op);
            }
            CompletableFuture<Object> result = new CompletableFuture<>();
            router.submit(new AsyncRequest(request, natural, result));
            return (CompletableFuture<V>) result;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private V direct(OpType op, K key, V value) {
        switch (op) {
            case GET:
                return get(key);
            case PUT:
                return put(key, value);
            case PUT_IF_ABSENT:
                return putIfAbsent(key, value);
            case REPLACE:
                return replace(key, value);
            case REMOVE:
                return remove(key);
            default:
                throw new AssertionError(op);
        }
    }

    private static <T> CompletableFuture<T> nullValue() {
        return CompletableFuture.failedFuture(new NullPointerException("value must not be null"));
    }

    @Override
    public CompletableFuture<V> getAsync(K key) {
        return batched(OpType.GET, key, null);
    }

    @Override
    public CompletableFuture<V> putAsync(K key, V value) {
        return value == null ? nullValue() : batched(OpType.PUT, key, value);
    }

    @Override
    public CompletableFuture<V> putIfAbsentAsync(K key, V value) {
        return value == null ? nullValue() : batched(OpType.PUT_IF_ABSENT, key, value);
    }

    @Override
    public CompletableFuture<V> removeAsync(K key) {
        return batched(OpType.REMOVE, key, null);
    }

    @Override
    public CompletableFuture<V> replaceAsync(K key, V value) {
        return value == null ? nullValue() : batched(OpType.REPLACE, key, value);
    }

    @Override
    public CompletableFuture<V> computeAsync(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        return async(() -> compute(key, remappingFunction));
    }

    @Override
    public CompletableFuture<V> mergeAsync(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        return async(() -> merge(key, value, remappingFunction));
    }

    @Override
    public CompletableFuture<Map<K, V>> getAllAsync(Collection<? extends K> keys) {
        return async(() -> getAll(keys));
    }

    @Override
    public CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries) {
        return async(() -> {
            putAll(entries);
            return null;
        });
    }

    @Override
    public String toString() {
        return "GridMap{" + name + " via " + entry.name() + "}";
    }
}
