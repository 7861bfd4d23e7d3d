package dev.slotgrid.soak;

import dev.slotgrid.GridMap;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/** A {@link GridMap} that forwards every call; tests override the calls they break. */
class ForwardingGridMap<K, V> implements GridMap<K, V> {

    final GridMap<K, V> delegate;

    ForwardingGridMap(GridMap<K, V> delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public V get(K key) {
        return delegate.get(key);
    }

    @Override
    public boolean containsKey(K key) {
        return delegate.containsKey(key);
    }

    @Override
    public V put(K key, V value) {
        return delegate.put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return delegate.putIfAbsent(key, value);
    }

    @Override
    public V replace(K key, V value) {
        return delegate.replace(key, value);
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        return delegate.replace(key, oldValue, newValue);
    }

    @Override
    public V remove(K key) {
        return delegate.remove(key);
    }

    @Override
    public boolean remove(K key, V value) {
        return delegate.remove(key, value);
    }

    @Override
    public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        return delegate.compute(key, remappingFunction);
    }

    @Override
    public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
        return delegate.computeIfAbsent(key, mappingFunction);
    }

    @Override
    public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        return delegate.computeIfPresent(key, remappingFunction);
    }

    @Override
    public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        return delegate.merge(key, value, remappingFunction);
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        return delegate.getAll(keys);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        delegate.putAll(entries);
    }

    @Override
    public int size() {
        return delegate.size();
    }

    @Override
    public long mappingCount() {
        return delegate.mappingCount();
    }

    @Override
    public CompletableFuture<V> getAsync(K key) {
        return delegate.getAsync(key);
    }

    @Override
    public CompletableFuture<V> putAsync(K key, V value) {
        return delegate.putAsync(key, value);
    }

    @Override
    public CompletableFuture<V> putIfAbsentAsync(K key, V value) {
        return delegate.putIfAbsentAsync(key, value);
    }

    @Override
    public CompletableFuture<V> removeAsync(K key) {
        return delegate.removeAsync(key);
    }

    @Override
    public CompletableFuture<V> replaceAsync(K key, V value) {
        return delegate.replaceAsync(key, value);
    }

    @Override
    public CompletableFuture<V> computeAsync(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
        return delegate.computeAsync(key, remappingFunction);
    }

    @Override
    public CompletableFuture<V> mergeAsync(K key, V value,
            BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
        return delegate.mergeAsync(key, value, remappingFunction);
    }

    @Override
    public CompletableFuture<Map<K, V>> getAllAsync(Collection<? extends K> keys) {
        return delegate.getAllAsync(keys);
    }

    @Override
    public CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries) {
        return delegate.putAllAsync(entries);
    }
}
