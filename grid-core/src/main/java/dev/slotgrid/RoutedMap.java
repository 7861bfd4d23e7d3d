package dev.slotgrid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import dev.slotgrid.slot.SlotTable;

/** {@link GridMap} routed through one entry node. Stateless apart from its identity; thread-safe. */
final class RoutedMap<K, V> implements GridMap<K, V> {

    private final SlotGrid grid;
    private final GridNode entry;
    private final String name;
    private final int mapId;

    RoutedMap(SlotGrid grid, GridNode entry, String name, int mapId) {
        this.grid = grid;
        this.entry = entry;
        this.name = name;
        this.mapId = mapId;
    }

    @Override
    public String name() {
        return name;
    }

    private Object call(OpType op, Object key, Object a, Object b) {
        Objects.requireNonNull(key, "key must not be null");
        int slot = grid.slotOf(key);
        grid.requireOpen();
        Object stored = ByteArrayKey.storedForm(key, op.isWrite());
        HotKeys.MapState hot = grid.hotKeys().state(mapId);
        return hot == null ? entry.route(op, mapId, slot, stored, a, b) : callHot(hot, op, slot, stored, a, b);
    }

    /** A map with near-cached or salted keys, or a merger: reads may fold or hit a near cache; writes keep them right. */
    private Object callHot(HotKeys.MapState hot, OpType op, int slot, Object stored, Object a, Object b) {
        HotKeys hotKeys = grid.hotKeys();
        if (op == OpType.GET) {
            return hotKeys.get(entry, hot, slot, stored);
        }
        if (op == OpType.CONTAINS_KEY) {
            return hotKeys.get(entry, hot, slot, stored) != null;
        }
        if (op == OpType.MERGE && hot.merger != null && hot.anySalted && hot.salts.containsKey(stored)) {
            hotKeys.add(entry, hot, slot, stored, a); // with the map's merger: see GridMap#merge
            return hotKeys.get(entry, hot, slot, stored);
        }
        hotKeys.beforeWrite(hot, stored);
        Object result = entry.route(op, mapId, slot, stored, a, b);
        hotKeys.afterWrite(hot, stored);
        return result;
    }

    @Override
    public void add(K key, V value) {
        Objects.requireNonNull(key, "key must not be null");
        requireValue(value);
        HotKeys.MapState hot = grid.hotKeys().state(mapId);
        if (hot == null || hot.merger == null) {
            throw new IllegalStateException("map '" + name + "' is not mergeable; declare it with"
                    + " SlotGrid.declareMergeable(\"" + name + "\", merger) to use add");
        }
        int slot = grid.slotOf(key);
        grid.requireOpen();
        grid.hotKeys().add(entry, hot, slot, ByteArrayKey.storedForm(key, true), value);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V getOrLoad(K key, Function<? super K, ? extends V> loader) {
        requireFunction(loader);
        V present = get(key);
        if (present != null) {
            return present;
        }
        return (V) grid.hotKeys().getOrLoad(mapId, ByteArrayKey.storedForm(key, false), () -> {
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

    private static <T> T requireValue(T value) {
        return Objects.requireNonNull(value, "value must not be null");
    }

    private static <T> T requireFunction(T function) {
        return Objects.requireNonNull(function, "function must not be null");
    }

    @SuppressWarnings("unchecked")
    @Override
    public V get(K key) {
        return (V) call(OpType.GET, key, null, null);
    }

    @Override
    public boolean containsKey(K key) {
        return (Boolean) call(OpType.CONTAINS_KEY, key, null, null);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V put(K key, V value) {
        return (V) call(OpType.PUT, key, requireValue(value), null);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V putIfAbsent(K key, V value) {
        return (V) call(OpType.PUT_IF_ABSENT, key, requireValue(value), null);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V replace(K key, V value) {
        return (V) call(OpType.REPLACE, key, requireValue(value), null);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        Objects.requireNonNull(oldValue, "oldValue must not be null");
        Objects.requireNonNull(newValue, "newValue must not be null");
        return (Boolean) call(OpType.REPLACE_IF_EQUALS, key, oldValue, newValue);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V remove(K key) {
        return (V) call(OpType.REMOVE, key, null, null);
    }

    @Override
    public boolean remove(K key, V value) {
        return (Boolean) call(OpType.REMOVE_IF_EQUALS, key, requireValue(value), null);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        requireFunction(remappingFunction);
        return (V) call(OpType.COMPUTE, key, withCallerKey(key, remappingFunction), null);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        requireFunction(mappingFunction);
        Function<Object, Object> fn = key instanceof byte[] ? stored -> mappingFunction.apply(key)
                : (Function<Object, Object>) mappingFunction;
        return (V) call(OpType.COMPUTE_IF_ABSENT, key, fn, null);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        requireFunction(remappingFunction);
        return (V) call(OpType.COMPUTE_IF_PRESENT, key, withCallerKey(key, remappingFunction), null);
    }

    @SuppressWarnings("unchecked")
    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        return (V) call(OpType.MERGE, key, requireValue(value), requireFunction(remappingFunction));
    }

    /** The stores see a {@code byte[]} key in its stored form; the user's function sees the user's key. */
    @SuppressWarnings("unchecked")
    private BiFunction<Object, Object, Object> withCallerKey(K key,
            BiFunction<? super K, ? super V, ? extends V> function) {
        if (key instanceof byte[]) {
            return (stored, value) -> function.apply(key, (V) value);
        }
        return (BiFunction<Object, Object, Object>) function;
    }

    @SuppressWarnings("unchecked")
    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        List<K> list = Require.noNulls(new ArrayList<K>(keys), "keys"); // a snapshot, checked before anything runs
        Object[] results = executeGrouped(OpType.GET, list, null);
        Map<K, V> found = new HashMap<>();
        for (int i = 0; i < results.length; i++) {
            if (results[i] != null) {
                found.put(list.get(i), (V) results[i]);
            }
        }
        return found;
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        List<K> keys = new ArrayList<>(entries.size());
        List<Object> values = new ArrayList<>(entries.size());
        for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            K key = e.getKey();
            V value = e.getValue();
            if (key == null) {
                throw new NullPointerException("putAll: entries must not contain a null key");
            }
            if (value == null) {
                throw new NullPointerException("putAll: the value of key '" + Require.describe(key) + "' must not be null");
            }
            keys.add(key);
            values.add(value);
        }
        executeGrouped(OpType.PUT, keys, values.toArray()); // checks every key's type before it stores any
    }

    /**
     * Runs one operation per key, one batch per owner node as the entry node's table names them (a
     * remote transport sends each batch as one request). Every key is checked before anything
     * runs. A key whose slot moved meanwhile comes back {@link GridNode#REROUTE} and goes through
     * the normal routing path.
     */
    private Object[] executeGrouped(OpType op, List<? extends K> keys, Object[] args) {
        int n = keys.size();
        if (grid.hotKeys().state(mapId) != null) {
            // hot keys need their own path (folds, near caches, invalidations): key by key, after checks
            for (K key : keys) {
                grid.slotOf(key);
            }
            Object[] results = new Object[n];
            for (int i = 0; i < n; i++) {
                results[i] = call(op, keys.get(i), args == null ? null : args[i], null);
            }
            return results;
        }
        int[] slots = new int[n];
        Object[] stored = new Object[n];
        for (int i = 0; i < n; i++) {
            slots[i] = grid.slotOf(keys.get(i));
            stored[i] = ByteArrayKey.storedForm(keys.get(i), op.isWrite());
        }
        grid.requireOpen();
        SlotTable table = entry.table();
        Map<Integer, List<Integer>> byOwner = new HashMap<>();
        for (int i = 0; i < n; i++) {
            byOwner.computeIfAbsent(table.ownerOf(slots[i]), owner -> new ArrayList<>()).add(i);
        }
        Object[] results = new Object[n];
        grid.hotKeys().batches.add(byOwner.size());
        grid.hotKeys().batchedRequests.add(n);
        byOwner.forEach((owner, batch) -> grid.peer(owner).executeBatch(op, mapId, table.epoch(),
                batch.stream().mapToInt(Integer::intValue).toArray(), slots, stored, args, results));
        for (int i = 0; i < n; i++) {
            if (results[i] == GridNode.REROUTE) {
                results[i] = entry.route(op, mapId, slots[i], stored[i], args == null ? null : args[i], null);
            }
        }
        return results;
    }

    @Override
    public int size() {
        return (int) Math.min(Integer.MAX_VALUE, mappingCount());
    }

    @Override
    public long mappingCount() {
        grid.requireOpen();
        long count = 0;
        for (GridNode node : grid.activeNodes()) {
            count += node.entryCount(mapId);
        }
        HotKeys.MapState hot = grid.hotKeys().state(mapId);
        if (hot != null && hot.anySalted) {
            count += grid.hotKeys().saltedCountCorrection(entry, hot); // a salted key is one entry, not one per part
        }
        return count;
    }

    private static <T> CompletableFuture<T> async(Supplier<T> call) {
        try {
            return CompletableFuture.completedFuture(call.get());
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * A single-key call as a future, sent in the entry node's batch for its owner; a map with
     * hot-key state (near cache, salting, a merger) runs it at once instead, on its own path.
     */
    @SuppressWarnings("unchecked")
    private CompletableFuture<V> batched(OpType op, K key, Object a, Object b) {
        try {
            Objects.requireNonNull(key, "key must not be null");
            int slot = grid.slotOf(key);
            grid.requireOpen();
            if (!grid.batching() || grid.hotKeys().state(mapId) != null) {
                return CompletableFuture.completedFuture((V) call(op, key, a, b));
            }
            CompletableFuture<Object> result = new CompletableFuture<>();
            entry.submit(new AsyncRequest(op, mapId, slot, ByteArrayKey.storedForm(key, op.isWrite()), a, b, result));
            return (CompletableFuture<V>) result;
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<V> getAsync(K key) {
        return batched(OpType.GET, key, null, null);
    }

    @Override
    public CompletableFuture<V> putAsync(K key, V value) {
        return value == null ? CompletableFuture.failedFuture(new NullPointerException("value must not be null"))
                : batched(OpType.PUT, key, value, null);
    }

    @Override
    public CompletableFuture<V> putIfAbsentAsync(K key, V value) {
        return value == null ? CompletableFuture.failedFuture(new NullPointerException("value must not be null"))
                : batched(OpType.PUT_IF_ABSENT, key, value, null);
    }

    @Override
    public CompletableFuture<V> removeAsync(K key) {
        return batched(OpType.REMOVE, key, null, null);
    }

    @Override
    public CompletableFuture<V> replaceAsync(K key, V value) {
        return value == null ? CompletableFuture.failedFuture(new NullPointerException("value must not be null"))
                : batched(OpType.REPLACE, key, value, null);
    }

    @Override
    public CompletableFuture<V> computeAsync(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        return async(() -> compute(key, remappingFunction));
    }

    @Override
    public CompletableFuture<V> mergeAsync(K key, V value,
            BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
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
