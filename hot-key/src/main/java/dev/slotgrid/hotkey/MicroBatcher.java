package dev.slotgrid.hotkey;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * Groups requests bound for one destination into batches by flat combining: a caller enqueues its
 * request and, if no other caller is combining, becomes the combiner and executes everything
 * queued, in batches of at most {@code maxBatch}, on its own thread. No timer and no extra thread:
 * a request alone is executed at once as a batch of one, and requests that arrive together share a
 * batch (one message per batch on a remote transport).
 *
 * <p>Thread-safe and lock-free (the combiner role is a CAS). Every request's future completes with
 * its own result or failure. A caller that is not the combiner returns without waiting; its future
 * completes on the combiner's thread.
 *
 * @param <R> the request type, which carries its own future
 */
public final class MicroBatcher<R> {

    private final int maxBatch;
    private final Consumer<List<R>> executor;
    private final MpscUnboundedXaddArrayQueue<R> queue = new MpscUnboundedXaddArrayQueue<>(256);
    private final AtomicBoolean combining = new AtomicBoolean();
    private final LongAdder batches = new LongAdder();
    private final LongAdder requests = new LongAdder();

    /**
     * Creates a batcher for one destination.
     *
     * @param maxBatch the largest batch, positive
     * @param executor executes one batch; must complete every request's future (normally or
     *     exceptionally) and not throw
     * @throws IllegalArgumentException if {@code maxBatch} is not positive
     * @throws NullPointerException if {@code executor} is {@code null}
     */
    public MicroBatcher(int maxBatch, Consumer<List<R>> executor) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be positive, was " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.executor = Objects.requireNonNull(executor, "executor must not be null");
    }

    /**
     * Submits a request: queued, then executed by this thread or by the combiner of the moment.
     *
     * @param request the request, not {@code null}
     * @throws NullPointerException if {@code request} is {@code null}; nothing is queued
     */
    public void submit(R request) {
        queue.offer(Objects.requireNonNull(request, "request must not be null"));
        requests.increment();
        // Combine until the queue is empty and no one else can have missed the combiner: a request
        // offered after our last poll but before we released the role is seen by the re-check.
        while (!queue.isEmpty() && combining.compareAndSet(false, true)) {
            try {
                List<R> batch = drain();
                if (batch != null) {
                    batches.increment();
                    executor.accept(batch);
                }
            } finally {
                combining.set(false);
            }
        }
    }

    /**
     * Up to {@code maxBatch} queued requests, or {@code null}. Combiner only. A request alone (the
     * common case without contention) travels as an immutable singleton: no array to allocate.
     */
    private List<R> drain() {
        R first = queue.poll();
        if (first == null) {
            return null;
        }
        R second = maxBatch > 1 ? queue.poll() : null;
        if (second == null) {
            return List.of(first);
        }
        List<R> batch = new ArrayList<>(Math.min(maxBatch, 16));
        batch.add(first);
        batch.add(second);
        for (R r; batch.size() < maxBatch && (r = queue.poll()) != null;) {
            batch.add(r);
        }
        return batch;
    }

    /** @return batches executed */
    public long batches() {
        return batches.sum();
    }

    /** @return requests submitted */
    public long requests() {
        return requests.sum();
    }
}
