package dev.slotgrid.hotkey;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Short-lived local copies of read-hot values, so that a node serves them without asking their
 * owner.
 *
 * <p>Staleness bound: a copy is served only while younger than the TTL, counted from a moment
 * before its value was read at the owner, so no reader ever sees a value older than the TTL.
 * Writers {@link #invalidate} a key on every node; a load that raced with any invalidation is not
 * installed ({@link #stamp()} / {@link #install}), so a write followed by a read on the same node
 * never sees the older value.
 *
 * <p>Thread-safe and lock-free. Bounded: at most {@code maxEntries} copies; beyond that nothing new
 * is cached. Cost: one hash look-up per read of a cached key.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class NearCache<K, V> {

    private record Copy<V>(V value, long expiresAtNanos) {
    }

    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<K, Copy<V>> copies = new ConcurrentHashMap<>();
    private final AtomicLong invalidations = new AtomicLong();
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    /**
     * Creates an empty cache.
     *
     * @param ttl how long a copy may be served; positive
     * @param maxEntries at most this many copies, positive
     * @param nanoClock the time source, {@link System#nanoTime} outside tests
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if {@code ttl} or {@code nanoClock} is {@code null}
     */
    public NearCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
        Objects.requireNonNull(ttl, "near cache TTL must not be null");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("near cache TTL must be positive, was " + ttl);
        }
        if (maxEntries < 1) {
            throw new IllegalArgumentException("near cache maxEntries must be positive, was " + maxEntries);
        }
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
    }

    /**
     * The cached value of a key, if a fresh copy exists; counts a hit or a miss.
     *
     * @param key the key, not {@code null}
     * @return the value, or {@code null} if absent or expired
     */
    public V get(K key) {
        Objects.requireNonNull(key, "key must not be null");
        Copy<V> copy = copies.get(key);
        if (copy != null && nanoClock.getAsLong() - copy.expiresAtNanos < 0) {
            hits.increment();
            return copy.value;
        }
        if (copy != null) {
            copies.remove(key, copy);
        }
        misses.increment();
        return null;
    }

    /**
     * A stamp to take before reading a value at its owner; pass it to {@link #install}.
     *
     * @return the current stamp
     */
    public long stamp() {
        return invalidations.get() << 1 | 1; // never 0; carries the invalidation count
    }

    /**
     * The time a load that starts now would expire at: take it with the stamp, before the read.
     *
     * @return an expiry time on the cache's clock
     */
    public long expiryForLoadStartingNow() {
        return nanoClock.getAsLong() + ttlNanos;
    }

    /**
     * Caches a value read at its owner, unless any key was invalidated since {@code stamp} was
     * taken (the value might then be older than a write this node has seen) or the cache is full.
     *
     * @param key the key, not {@code null}
     * @param value the value read, not {@code null}
     * @param stamp from {@link #stamp()}, taken before the read
     * @param expiresAtNanos from {@link #expiryForLoadStartingNow()}, taken before the read
     * @return {@code true} if installed
     */
    public boolean install(K key, V value, long stamp, long expiresAtNanos) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        if (copies.size() >= maxEntries && !copies.containsKey(key)) {
            return false;
        }
        // The stamp is checked inside the key's atomic update, so a copy older than an invalidation is
        // never visible, not even for a moment: an invalidation either counts before the check (nothing
        // is installed) or removes the key after the update (its remove waits for the key's bin).
        boolean[] installed = new boolean[1];
        copies.compute(key, (k, old) -> {
            if (stamp() != stamp) {
                return old;
            }
            installed[0] = true;
            return new Copy<>(value, expiresAtNanos);
        });
        return installed[0];
    }

    /**
     * Drops the copy of a key, and fails every load of any key that started before.
     *
     * @param key the key, not {@code null} (checked before anything changes)
     */
    public void invalidate(K key) {
        Objects.requireNonNull(key, "key must not be null");
        invalidations.incrementAndGet();
        copies.remove(key);
    }

    /** Drops every copy. */
    public void clear() {
        invalidations.incrementAndGet();
        copies.clear();
    }

    /** @return reads served from a fresh copy */
    public long hits() {
        return hits.sum();
    }

    /** @return reads that found no fresh copy */
    public long misses() {
        return misses.sum();
    }

    /** @return copies held now (fresh or not yet noticed expired) */
    public int size() {
        return copies.size();
    }
}
