package dev.slotgrid.hotkey;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jctools.queues.MpscArrayQueue;

/**
 * Finds the hottest keys of a stream of operations: a sampled Space-Saving top-K summary
 * (Metwally et al.) whose counts decay exponentially, so it describes the recent past (a sliding
 * window with a half-life) rather than all time.
 *
 * <p>Concurrency: {@link #record} is the hot path and may be called by any thread: it samples one
 * operation in {@code 2^sampleShift} with a thread-local random number and offers the sample to a
 * bounded lock-free queue, dropping it when the queue is full (counted in {@link #dropped()}).
 * Nothing else happens on the hot path. {@link #top} drains the queue into the summary under this
 * object's monitor; call it from one maintenance thread (or a few times a second).
 *
 * <p>Accuracy: with {@code capacity} counters, any key whose share of the sampled stream exceeds
 * {@code 1/capacity} is in the summary; its reported count is a lower bound (the Space-Saving
 * error is subtracted). Rates are estimates: sampled counts times the sampling factor, scaled up
 * by the share of samples dropped; shares are unaffected by drops, which hit keys alike.
 */
public final class HeavyHitters {

    private record Sample(int namespace, Object key, boolean write) {
    }

    /** A key within its namespace (for example a named map's id): what the summary counts. */
    private record Slotted(int namespace, Object key) {
    }

    /** Decayed counts of one key; {@code error} is what it inherited from the counter it evicted. */
    private static final class Counter {
        final Slotted key;
        double reads;
        double writes;
        double error;

        Counter(Slotted key) {
            this.key = key;
        }

        double count() {
            return reads + writes + error;
        }

        void scale(double factor) {
            reads *= factor;
            writes *= factor;
            error *= factor;
        }
    }

    private final int capacity;
    private final int sampleMask;
    private final double sampleFactor;
    private final double decayPerNano;
    private final LongSupplier nanoClock;
    private final MpscArrayQueue<Sample> samples;
    private final LongAdder dropped = new LongAdder();
    /** @GuardedBy("this") */
    private final HashMap<Slotted, Counter> counters = new HashMap<>();
    /** @GuardedBy("this") decayed count of samples counted */
    private double total;
    /** @GuardedBy("this") decayed count of samples taken, counted or dropped: scales rates up for drops */
    private double taken;
    /** @GuardedBy("this") */
    private long droppedSeen;
    /** @GuardedBy("this") */
    private long decayedAtNanos;

    /**
     * Creates a summary.
     *
     * @param capacity counters kept, 8 to 4096
     * @param sampleShift sample one operation in {@code 2^sampleShift}, 0 to 16
     * @param halfLife how fast the past fades: a count halves over this time; positive
     * @param nanoClock the time source, {@link System#nanoTime} outside tests
     * @throws IllegalArgumentException if a value is out of range
     * @throws NullPointerException if {@code halfLife} or {@code nanoClock} is {@code null}
     */
    public HeavyHitters(int capacity, int sampleShift, Duration halfLife, LongSupplier nanoClock) {
        if (capacity < 8 || capacity > 4096) {
            throw new IllegalArgumentException("capacity must be between 8 and 4096, was " + capacity);
        }
        if (sampleShift < 0 || sampleShift > 16) {
            throw new IllegalArgumentException("sampleShift must be between 0 and 16, was " + sampleShift);
        }
        Objects.requireNonNull(halfLife, "halfLife must not be null");
        if (halfLife.isNegative() || halfLife.isZero()) {
            throw new IllegalArgumentException("halfLife must be positive, was " + halfLife);
        }
        this.capacity = capacity;
        this.sampleMask = (1 << sampleShift) - 1;
        this.sampleFactor = 1 << sampleShift;
        this.decayPerNano = Math.log(2) / halfLife.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
        this.samples = new MpscArrayQueue<>(Math.max(8192, capacity * 64));
        this.decayedAtNanos = nanoClock.getAsLong();
    }

    /**
     * Records one operation on a key. Allocation-free unless sampled. Never blocks.
     *
     * @param namespace the key's namespace, for example a map id; keys of different namespaces
     *     are different keys
     * @param key the key, not {@code null}
     * @param write {@code true} for a write, {@code false} for a read
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public void record(int namespace, Object key, boolean write) {
        Objects.requireNonNull(key, "key must not be null");
        if ((ThreadLocalRandom.current().nextInt() & sampleMask) != 0) {
            return;
        }
        if (!samples.offer(new Sample(namespace, key, write))) {
            dropped.increment();
        }
    }

    /** @return samples dropped because the queue was full (the maintenance thread fell behind) */
    public long dropped() {
        return dropped.sum();
    }

    /**
     * Folds the pending samples in and returns the hottest keys, hottest first.
     *
     * @param n at most this many keys, 0 or more
     * @return the keys with their estimated rate, share and read fraction
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public synchronized List<HotKey> top(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("top count must not be negative, was " + n);
        }
        drain();
        List<Counter> sorted = new ArrayList<>(counters.values());
        sorted.sort((a, b) -> Double.compare(b.reads + b.writes, a.reads + a.writes));
        List<HotKey> hottest = new ArrayList<>(Math.min(n, sorted.size()));
        // a decayed count -> operations per second, scaled up for the samples dropped
        double perSecond = decayPerNano * 1e9 * sampleFactor * (total == 0 ? 1 : taken / total);
        for (Counter c : sorted) {
            if (hottest.size() == n) {
                break;
            }
            double certain = c.reads + c.writes; // the Space-Saving lower bound
            if (certain <= 0) {
                continue;
            }
            hottest.add(new HotKey(c.key.namespace(), c.key.key(), certain * perSecond, total == 0 ? 0 : Math.min(1, certain / total),
                    c.reads / certain));
        }
        return hottest;
    }

    /** @return an estimate of all operations per second recorded recently */
    public synchronized double opsPerSecond() {
        drain();
        return taken * decayPerNano * 1e9 * sampleFactor;
    }

    private void drain() {
        decayToNow();
        for (Sample sample; (sample = samples.poll()) != null;) {
            count(sample);
        }
        long droppedNow = dropped.sum();
        taken += droppedNow - droppedSeen;
        droppedSeen = droppedNow;
    }

    private void count(Sample sample) {
        Slotted key = new Slotted(sample.namespace(), sample.key());
        Counter counter = counters.get(key);
        if (counter == null) {
            counter = new Counter(key);
            if (counters.size() >= capacity) {
                Counter min = null;
                for (Counter c : counters.values()) {
                    if (min == null || c.count() < min.count()) {
                        min = c;
                    }
                }
                counters.remove(min.key);
                counter.error = min.count();
            }
            counters.put(key, counter);
        }
        if (sample.write()) {
            counter.writes++;
        } else {
            counter.reads++;
        }
        total++;
        taken++;
    }

    private void decayToNow() {
        long now = nanoClock.getAsLong();
        long elapsed = now - decayedAtNanos;
        if (elapsed <= 0) {
            return;
        }
        double factor = Math.exp(-decayPerNano * elapsed);
        for (Counter c : counters.values()) {
            c.scale(factor);
        }
        total *= factor;
        taken *= factor;
        decayedAtNanos = now;
        if (factor < 1e-3) {
            counters.values().removeIf(c -> c.count() < 1e-6);
        }
    }
}
