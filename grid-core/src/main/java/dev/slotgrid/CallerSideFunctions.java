package dev.slotgrid;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * {@code compute}, {@code computeIfAbsent}, {@code computeIfPresent} and {@code merge} where the
 * caller's function cannot travel to the owner (a transport that copies requests): the
 * {@link java.util.concurrent.ConcurrentMap} default contract, as Hazelcast's {@code IMap.compute}
 * also does it. The function runs here against the value read, and the result is applied by a
 * conditional write ({@code replace(k, old, new)}, {@code putIfAbsent}, {@code remove(k, old)}) that
 * is retried, with a fresh read, when another write got there first.
 *
 * <p>Atomicity: each call is linearizable (it takes effect at its successful conditional write, as if
 * the function had run then, since the value then equals the one it ran on). The function may run
 * more than once, and a value another writer set and reset in between (A, B, A) is not told apart
 * from an unchanged one. Bounded: past {@value #MAX_ATTEMPTS} conflicts an
 * {@link IllegalStateException}, nothing applied by the last attempt.
 */
final class CallerSideFunctions {

    static final int MAX_ATTEMPTS = 1_000;

    private CallerSideFunctions() {
    }

    static <K, V> V compute(GridMap<K, V> map, K key, BiFunction<? super K, ? super V, ? extends V> function) {
        V old = map.get(key);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            V next = function.apply(key, old);
            if (next != null) {
                if (old != null) {
                    if (map.replace(key, old, next)) {
                        return next;
                    }
                } else {
                    V raced = map.putIfAbsent(key, next);
                    if (raced == null) {
                        return next;
                    }
                    old = raced;
                    continue;
                }
            } else if (old == null || map.remove(key, old)) {
                return null;
            }
            old = map.get(key);
            Backoff.pause(attempt);
        }
        throw conflicts("compute", map, key);
    }

    static <K, V> V computeIfAbsent(GridMap<K, V> map, K key, Function<? super K, ? extends V> function) {
        V present = map.get(key);
        if (present != null) {
            return present;
        }
        V next = function.apply(key);
        if (next == null) {
            return null;
        }
        V raced = map.putIfAbsent(key, next);
        return raced == null ? next : raced;
    }

    static <K, V> V computeIfPresent(GridMap<K, V> map, K key, BiFunction<? super K, ? super V, ? extends V> function) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            V old = map.get(key);
            if (old == null) {
                return null;
            }
            V next = function.apply(key, old);
            if (next != null ? map.replace(key, old, next) : map.remove(key, old)) {
                return next;
            }
            Backoff.pause(attempt);
        }
        throw conflicts("computeIfPresent", map, key);
    }

    static <K, V> V merge(GridMap<K, V> map, K key, V value, BiFunction<? super V, ? super V, ? extends V> function) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            V old = map.get(key);
            if (old == null) {
                if (map.putIfAbsent(key, value) == null) {
                    return value;
                }
            } else {
                V next = function.apply(old, value);
                if (next != null ? map.replace(key, old, next) : map.remove(key, old)) {
                    return next;
                }
            }
            Backoff.pause(attempt);
        }
        throw conflicts("merge", map, key);
    }

    private static IllegalStateException conflicts(String operation, GridMap<?, ?> map, Object key) {
        return new IllegalStateException(operation + " of key '" + Require.describe(key) + "' in map '" + map.name()
                + "' lost " + MAX_ATTEMPTS + " conditional writes in a row to other writers; it changed nothing");
    }
}
