package dev.slotgrid.hotkey;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Request coalescing for one key at a time: concurrent callers asking for the same key share one
 * in-flight load (Go's {@code singleflight}, Caffeine's per-key compute).
 *
 * <p>Thread-safe. The loader of a key runs at most once at a time, on the thread of the first
 * caller; later callers wait for its outcome (they are its beneficiaries, not its victims: without
 * coalescing each would run the same load). A failure reaches every waiter and is not cached: the
 * next call after it runs the loader again. Nothing is cached after success either.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class SingleFlight<K, V> {

    private final ConcurrentHashMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();
    private final LongAdder loads = new LongAdder();
    private final LongAdder coalesced = new LongAdder();

    /**
     * Returns the value of the load in flight for {@code key}, or runs {@code loader} as that load.
     *
     * @param key the key, not {@code null}
     * @param loader computes the value; may return {@code null}; its exception reaches every waiter
     * @return the loaded value
     * @throws RuntimeException whatever the loader threw (an {@link Error} as is; a checked
     *     exception cannot occur: the loader is a {@link Supplier})
     */
    public V load(K key, Supplier<? extends V> loader) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        CompletableFuture<V> mine = new CompletableFuture<>();
        CompletableFuture<V> leader = inFlight.putIfAbsent(key, mine);
        if (leader != null) {
            coalesced.increment();
            try {
                return leader.join();
            } catch (CompletionException e) {
                throw rethrow(e.getCause());
            }
        }
        loads.increment();
        try {
            V value = loader.get();
            mine.complete(value);
            return value;
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new CompletionException(cause);
    }

    /**
     * Lets later callers start a new load of {@code key} instead of joining the one in flight, which
     * still completes for those who joined it. Call after a write of the key: a read that begins
     * after the write then never joins a load that began before it.
     *
     * @param key the key, not {@code null}
     */
    public void forget(K key) {
        Objects.requireNonNull(key, "key must not be null");
        inFlight.remove(key);
    }

    /** @return loads run (leaders) */
    public long loads() {
        return loads.sum();
    }

    /** @return calls that joined a load already in flight instead of running their own */
    public long coalesced() {
        return coalesced.sum();
    }

    /** @return loads in flight now */
    public int inFlight() {
        return inFlight.size();
    }
}
