package dev.slotgrid;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * One member's GLOBAL index outbox: writes on this member enqueue an update per changed key, one
 * background thread applies them to the indexes (docs/architecture.md, "Secondary indexes"), each
 * as a {@link IndexKeyRequest.Reconcile} routed to the base key's owner.
 *
 * <p>Concurrency: many producers (writers, inside their key's atomic update), one consumer (the
 * drainer thread), through a JCTools MPSC queue. {@code enqueued} is incremented before the offer,
 * {@code applied} only by the drainer after an update is applied (volatile write). So once
 * {@code applied} reaches a value of {@code enqueued} read at time t, every update offered before t
 * has been applied: updates offered before t hold the first positions of the FIFO queue, and each
 * of them was counted before t (see {@link IndexCoordinator#awaitIndexed}). The drainer parks when the
 * queue is empty; a producer that sees it parked unparks it.
 *
 * <p>Bounded by back-pressure, not by refusal: a producer offers inside its key's atomic update
 * and so must never wait there; it calls {@link #awaitRoom} once it has left every lock and writer
 * admission, and waits there while more than {@code capacity} updates are pending. The queue can
 * overshoot the capacity by the writes in flight at once, never by more.
 *
 * <p>Invariants: the drainer never dies of an update's failure (it counts it, logs it at WARNING and
 * goes on); it stops only when the grid closes, and pending updates are then dropped.
 */
final class IndexOutbox {

    private static final System.Logger LOG = System.getLogger(IndexOutbox.class.getName());
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /**
     * A changed key (stored form, and its natural slot: see {@link IndexRef}): the index values of
     * {@code oldValue} and {@code newValue} are reconciled with the key's current value.
     */
    record Update(int mapId, int slot, Object key, Object oldValue, Object newValue, long enqueuedNanos) {
    }

    private final MemberIndexes indexes;
    private final String memberName;
    private final int capacity;
    private final LongAdder writerWaits = new LongAdder();
    private final MpscUnboundedXaddArrayQueue<Update> queue = new MpscUnboundedXaddArrayQueue<>(1024);
    private final LongAdder enqueued = new LongAdder();
    private volatile long applied;
    private volatile long failed;
    /** When the update the drainer works on was enqueued; 0 when it is idle. */
    private volatile long headEnqueuedNanos;
    private volatile boolean parked;
    private volatile boolean stopped;
    private final Thread drainer;

    IndexOutbox(MemberIndexes indexes, String memberName, int capacity, String threadName) {
        this.indexes = indexes;
        this.memberName = memberName;
        this.capacity = capacity;
        this.drainer = new Thread(this::drain, threadName);
        drainer.setDaemon(true);
        drainer.start();
    }

    void enqueue(int mapId, int slot, Object key, Object oldValue, Object newValue) {
        enqueued.increment();
        queue.offer(new Update(mapId, slot, key, oldValue, newValue, System.nanoTime()));
        if (parked) {
            parked = false;
            LockSupport.unpark(drainer);
        }
    }

    /**
     * Waits while the outbox holds more than its capacity (the caller holds no lock and is outside
     * writer admission). Returns at once in the common case: one sum of a striped counter.
     */
    void awaitRoom() {
        if (pending() <= capacity) {
            return;
        }
        writerWaits.increment();
        for (int attempt = 0; pending() > capacity && !stopped; attempt++) {
            if (parked) {
                parked = false;
                LockSupport.unpark(drainer);
            }
            Backoff.pause(attempt);
        }
    }

    private long pending() {
        return enqueued.sum() - applied;
    }

    long enqueuedCount() {
        return enqueued.sum();
    }

    long appliedCount() {
        return applied;
    }

    IndexStats.Node stats() {
        long done = applied;
        long pending = Math.max(0, enqueued.sum() - done);
        long since = headEnqueuedNanos;
        Duration age = pending == 0 || since == 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, System.nanoTime() - since));
        return new IndexStats.Node(memberName, pending, age, done, failed, writerWaits.sum());
    }

    void stop() {
        stopped = true;
        LockSupport.unpark(drainer);
    }

    private void drain() {
        while (!stopped) {
            Update update = queue.relaxedPoll();
            if (update == null) {
                headEnqueuedNanos = 0;
                parked = true;
                if (queue.isEmpty() && !stopped) {
                    LockSupport.parkNanos(this, IDLE_PARK_NANOS);
                }
                parked = false;
                continue;
            }
            headEnqueuedNanos = update.enqueuedNanos();
            try {
                indexes.apply(update);
            } catch (RuntimeException | Error e) {
                failed++; // single writer: this thread
                if (!stopped) {
                    LOG.log(System.Logger.Level.WARNING, "index update of key " + ByteArrayKey.userForm(update.key())
                            + " in map " + update.mapId() + " failed; verifyIndex shows what it left behind", e);
                }
            }
            applied++; // single writer: this thread; a volatile write
        }
    }
}
