package dev.slotgrid;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A named map spread over the grid's slots, with {@link java.util.concurrent.ConcurrentMap}
 * semantics per key.
 *
 * <p><b>Thread-safety.</b> Every method may be called from any thread. A map handle is bound to the
 * node it was obtained from (the entry node), which routes each call: it computes the key's slot
 * and owner from its own slot table and runs the owner's code on the calling thread, so a call
 * costs no thread handoff. Any node can serve any call; handles are cheap and may be kept.
 *
 * <p><b>Nullness.</b> Keys, values and functions must not be {@code null}
 * ({@link NullPointerException}, nothing changed), as with {@code ConcurrentHashMap}. A
 * {@code null} return means "absent". Keys are {@code String}, {@code byte[]} (compared by
 * content; the grid keeps its own copy), {@code Long}, {@code Integer}, {@code Short},
 * {@code Byte}, {@code UUID} or {@link dev.slotgrid.spi.RoutingKey}, or whatever the configured
 * partitioner accepts; another type is an {@link IllegalArgumentException} that names it. Keys of
 * different types are different keys ({@code 5} and {@code 5L} share a slot, not an entry).
 *
 * <p><b>Atomicity.</b> Each single-key operation is atomic and linearizable, also while the key's
 * slot migrates between nodes. Functions: on the in-JVM transport (the default) the remapping
 * function of {@code compute}, {@code computeIfAbsent}, {@code computeIfPresent} and {@code merge}
 * travels to the owner and is applied at most once per call, atomically, there (keep it short and
 * side-effect free: other writers of that key wait for it). On a transport that copies messages
 * ({@link TransportMode#SERIALIZING}, or between processes) a caller's function cannot travel: it
 * runs on the caller against the current value, and its result is applied by a conditional write
 * that is retried on conflict (the {@link java.util.concurrent.ConcurrentMap} default contract), so it
 * may run more than once. {@link #invoke} runs a named {@link dev.slotgrid.spi.EntryProcessor} on the
 * owner, once, on every transport. Bulk operations ({@link #getAll}, {@link #putAll}) are atomic per
 * key only. {@link #size()} is an estimate while writes or migrations run.
 *
 * <p><b>Hot keys.</b> A key under hot-key handling trades some of this for load spread, and only
 * when a policy or an operator asks: a near-cached key may be read from a copy up to the near-cache
 * TTL old; a salted key (of a mergeable map) is read by folding its parts, each read atomically, so
 * a read is linearizable for sum-like mergers; a write other than {@link #add} or {@code merge}
 * first folds the key back into one entry.
 *
 * <p><b>Failure.</b> An exception thrown by a remapping function reaches the caller and changes
 * nothing. A write that meets its slot in the short cutover window of a migration is retried
 * transparently; it does not fail. {@link IllegalStateException} means the grid could not route
 * the call (closed grid, or a routing loop past the configured redirect limit) and nothing changed.
 *
 * <p><b>Cost.</b> A single-key call is a slot hash over the key's bytes, two array reads and one
 * operation on the owner's per-slot {@code ConcurrentHashMap}. Bulk calls are grouped by owner
 * node. Asynchronous single-key calls ({@code getAsync}, {@code putAsync}, {@code putIfAbsentAsync},
 * {@code removeAsync}, {@code replaceAsync}) travel in per-owner batches: on the embedded cluster a
 * batch runs on the thread of one of the callers whose calls it carries (so a future may complete
 * on another caller's thread, or before it is returned); on a remote transport, on its I/O
 * threads. The other asynchronous variants run on the caller's thread before they return.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface GridMap<K, V> {

    /** @return the map's name */
    String name();

    /**
     * Returns the value of a key. A near-cached key (hot-key handling) may be served from a copy up
     * to the near-cache TTL old; a salted key's parts are read and folded.
     *
     * @param key the key
     * @return its value, or {@code null} if absent
     */
    V get(K key);

    /**
     * Whether the map holds a key.
     *
     * @param key the key
     * @return {@code true} if present
     */
    boolean containsKey(K key);

    /**
     * Sets the value of a key.
     *
     * @param key the key
     * @param value the new value
     * @return the previous value, or {@code null} if absent
     */
    V put(K key, V value);

    /**
     * Sets the value of a key if it is absent.
     *
     * @param key the key
     * @param value the value
     * @return the present value (unchanged), or {@code null} if {@code value} was stored
     */
    V putIfAbsent(K key, V value);

    /**
     * Sets the value of a key if it is present.
     *
     * @param key the key
     * @param value the new value
     * @return the previous value, or {@code null} if absent (nothing stored)
     */
    V replace(K key, V value);

    /**
     * Sets the value of a key if it currently equals {@code oldValue}.
     *
     * @param key the key
     * @param oldValue the expected value
     * @param newValue the new value
     * @return {@code true} if replaced
     */
    boolean replace(K key, V oldValue, V newValue);

    /**
     * Removes a key.
     *
     * @param key the key
     * @return the removed value, or {@code null} if absent
     */
    V remove(K key);

    /**
     * Removes a key if its value equals {@code value}.
     *
     * @param key the key
     * @param value the expected value
     * @return {@code true} if removed
     */
    boolean remove(K key, V value);

    /**
     * Computes a key's new value from its current one, atomically; {@code null} removes it.
     *
     * @param key the key
     * @param remappingFunction from (key, current value or {@code null}) to the new value or {@code null}
     * @return the new value, or {@code null} if absent afterwards
     */
    V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction);

    /**
     * Computes a value for an absent key, atomically.
     *
     * @param key the key
     * @param mappingFunction from the key to a value, or {@code null} to store nothing
     * @return the present or computed value, or {@code null}
     */
    V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction);

    /**
     * Computes a new value for a present key, atomically; {@code null} removes it.
     *
     * @param key the key
     * @param remappingFunction from (key, current value) to the new value or {@code null}
     * @return the new value, or {@code null} if absent afterwards
     */
    V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction);

    /**
     * Stores {@code value} if the key is absent, else the function of the current value and
     * {@code value} ({@code null} removes it), atomically. The counter idiom:
     * {@code merge(key, 1L, Long::sum)}. On a salted key of a mergeable map the map's merger is used
     * instead of the function (they must agree), and the value returned is the parts folded right
     * after the write, which costs a read of every part: use {@link #add} when the result is not needed.
     *
     * @param key the key
     * @param value the value to store or merge in
     * @param remappingFunction from (current value, {@code value}) to the new value or {@code null}
     * @return the new value, or {@code null} if absent afterwards
     */
    V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction);

    /**
     * Runs a named {@link dev.slotgrid.spi.EntryProcessor} on the key's owner, once, inside the key's
     * atomic update, and stores what it returns ({@code null} removes the entry): the form of
     * {@code compute} that travels to another process, since it names its function instead of
     * carrying it. The argument travels with the call (encoded by the grid's codecs where messages
     * are copied).
     *
     * @param key the key
     * @param processorName a processor registered with {@link SlotGrid#registerProcessor} or through
     *     {@code META-INF/services/dev.slotgrid.spi.EntryProcessor}
     * @param argument the processor's argument, or {@code null}
     * @return the new value, or {@code null} if the entry is absent afterwards
     * @throws IllegalArgumentException if no processor has that name, or the key is not supported
     */
    V invoke(K key, String processorName, Object argument);

    /**
     * Merges {@code value} into a key of a mergeable map with the map's {@link dev.slotgrid.spi.Merger}
     * ({@link SlotGrid#declareMergeable}), returning nothing. The write-hot counter idiom: on a
     * salted key it costs one write to one part, on the entry node when it holds a part. Atomic per
     * part; no increment is ever lost, also across changes of the part count and migrations.
     *
     * @param key the key
     * @param value the value to merge in
     * @throws IllegalStateException if the map is not mergeable
     */
    void add(K key, V value);

    /**
     * Returns a key's value, loading it (and storing it with {@code putIfAbsent}) if absent.
     * Concurrent calls for one absent key share one load: the loader runs at most once per key at
     * a time in this JVM, on the thread of the first caller; the others wait for its result. A
     * loader's exception reaches every waiter and is not remembered: the next call loads again.
     *
     * @param key the key
     * @param loader computes the value of an absent key; {@code null} stores nothing
     * @return the present or loaded value, or {@code null}
     */
    V getOrLoad(K key, Function<? super K, ? extends V> loader);

    /**
     * Returns the values of many keys, one call per owner node.
     *
     * @param keys the keys, none {@code null}; none is an empty answer
     * @return a new map of the keys present to their values
     * @throws NullPointerException if {@code keys} is or holds {@code null}; the message gives its index
     */
    Map<K, V> getAll(Collection<? extends K> keys);

    /**
     * Stores many entries, one call per owner node; atomic per entry, not as a whole.
     *
     * @param entries the entries, no {@code null} key or value (checked before anything is stored);
     *     none stores nothing
     * @throws NullPointerException if {@code entries} is {@code null} or holds a {@code null} key or
     *     value; the message names the key of a {@code null} value, and nothing is stored
     */
    void putAll(Map<? extends K, ? extends V> entries);

    /**
     * The number of entries, saturated at {@code Integer.MAX_VALUE}. Cost: visits every slot on
     * every node; an estimate while writes or migrations run.
     *
     * @return the entry count
     */
    int size();

    /**
     * The number of entries, as a {@code long}; cost and accuracy as {@link #size()}.
     *
     * @return the entry count
     */
    long mappingCount();

    /** @return {@code true} if {@link #mappingCount()} is 0 */
    default boolean isEmpty() {
        return mappingCount() == 0;
    }

    /**
     * {@link #get} as a future.
     *
     * @param key the key
     * @return a future of the value or {@code null}; failed with the exception {@code get} throws
     */
    CompletableFuture<V> getAsync(K key);

    /**
     * {@link #put} as a future.
     *
     * @param key the key
     * @param value the value
     * @return a future of the previous value
     */
    CompletableFuture<V> putAsync(K key, V value);

    /**
     * {@link #putIfAbsent} as a future.
     *
     * @param key the key
     * @param value the value
     * @return a future of the present value or {@code null}
     */
    CompletableFuture<V> putIfAbsentAsync(K key, V value);

    /**
     * {@link #remove(Object)} as a future.
     *
     * @param key the key
     * @return a future of the removed value
     */
    CompletableFuture<V> removeAsync(K key);

    /**
     * {@link #replace(Object, Object)} as a future.
     *
     * @param key the key
     * @param value the new value
     * @return a future of the previous value
     */
    CompletableFuture<V> replaceAsync(K key, V value);

    /**
     * {@link #compute} as a future.
     *
     * @param key the key
     * @param remappingFunction the function
     * @return a future of the new value
     */
    CompletableFuture<V> computeAsync(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction);

    /**
     * {@link #merge} as a future.
     *
     * @param key the key
     * @param value the value
     * @param remappingFunction the function
     * @return a future of the new value
     */
    CompletableFuture<V> mergeAsync(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction);

    /**
     * {@link #getAll} as a future.
     *
     * @param keys the keys
     * @return a future of the present entries
     */
    CompletableFuture<Map<K, V>> getAllAsync(Collection<? extends K> keys);

    /**
     * {@link #putAll} as a future.
     *
     * @param entries the entries
     * @return a future that completes when every entry is stored
     */
    CompletableFuture<Void> putAllAsync(Map<? extends K, ? extends V> entries);
}
