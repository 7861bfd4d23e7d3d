package dev.slotgrid;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * The owner side of one slot's synchronous replication: the stream of {@link ReplicaRequest.Apply}
 * batches from this member's store of the slot to the slot's backups, as its table names them.
 *
 * <p>A writer offers its key inside the slot's admission ({@link SlotStore#exit}), before it leaves,
 * and after leaving waits until a batch that read the key's value after its write has been applied
 * by every backup ({@link #await}). Whoever waits ships (a combining drain): one writer at a time
 * holds {@code draining}, takes every key offered so far, reads each one's current value from the
 * store, sends the batch to every backup at once and waits for all of them; the others wait for
 * their key to be shipped, or take over when the drainer lets go. So batches leave one at a time,
 * in order, and a backup that applied them all holds what the owner held when the last was read.
 * A key offered before a seal's writers left is shipped before {@link #drain} returns, which is what
 * a migration's cutover waits for: the backups then hold what the new owner receives.
 *
 * <p>Failure: a backup that refuses a batch (an older owner epoch than it has seen: this owner was
 * replaced; or a gap in the stream) or cannot be reached fails the batch's writers with
 * {@link IndeterminateOperationException}: the write is applied here and was not confirmed. Nothing
 * is retried: a backup that missed a batch refuses every later one of this stream.
 *
 * <p>Thread-safe. Cost per write: one queue offer, then one round trip to the backups shared with
 * every write of the slot shipped in the same batch.
 */
final class Replication {

    /** One key a writer offered, and what became of it. */
    static final class Pending {
        final int mapId;
        final Object key;
        volatile RuntimeException failure;
        volatile boolean shipped;

        Pending(int mapId, Object key) {
            this.mapId = mapId;
            this.key = key;
        }
    }

    private static final int MAX_BATCH = 512;

    private final Member member;
    private final SlotStore store;
    private final MpscUnboundedXaddArrayQueue<Pending> queue = new MpscUnboundedXaddArrayQueue<>(64);
    private final AtomicBoolean draining = new AtomicBoolean();
    /** The next batch's number; read and written only by the thread holding {@code draining}. */
    private long seq;

    Replication(Member member, SlotStore store) {
        this.member = member;
        this.store = store;
    }

    /** Called by a writer inside the slot's admission. */
    Pending offer(int mapId, Object key) {
        Pending pending = new Pending(mapId, key);
        queue.offer(pending);
        return pending;
    }

    /**
     * Waits until the key is on every backup, shipping whatever is queued while this thread holds
     * the drain.
     *
     * @throws IndeterminateOperationException if a backup refused or did not answer the batch
     */
    void await(Pending pending) {
        for (int attempt = 0; !pending.shipped; attempt++) {
            if (draining.compareAndSet(false, true)) {
                try {
                    shipQueued();
                } finally {
                    draining.set(false);
                }
                attempt = 0;
            } else {
                Backoff.pause(attempt);
            }
        }
        RuntimeException failure = pending.failure;
        if (failure != null) {
            throw failure;
        }
    }

    /** Ships everything offered so far (a seal's writers have all left): the cutover's last step here. */
    void drain() {
        Pending marker = new Pending(-1, null);
        queue.offer(marker);
        try {
            await(marker);
        } catch (IndeterminateOperationException e) {
            // the writers of that batch were told; the cutover goes on: the new owner's backups were refused too
        }
    }

    private void shipQueued() {
        for (;;) {
            List<Pending> batch = new ArrayList<>();
            for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null;) {
                batch.add(p);
            }
            if (batch.isEmpty()) {
                return;
            }
            RuntimeException failure = ship(batch);
            for (Pending p : batch) {
                p.failure = failure;
                p.shipped = true; // after failure: a writer reads shipped, then failure
            }
        }
    }

    /** Sends one batch to every backup the member's table names for the slot; {@code null} if all applied it. */
    private RuntimeException ship(List<Pending> batch) {
        int slot = store.slot;
        int[] backups = java.util.Arrays.stream(member.table().replicas().backupsOf(slot)).filter(b -> b != member.id())
                .toArray(); // itself: a migration target whose table still names it a backup, until the cutover's table
        Set<MapKey> seen = new HashSet<>();
        List<Pending> unique = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            if (p.key != null && seen.add(new MapKey(p.mapId, p.key))) { // a key written twice ships once
                unique.add(p);
            }
        }
        if (unique.isEmpty() || backups.length == 0) {
            return null;
        }
        int[] mapIds = new int[unique.size()];
        Object[] keys = new Object[unique.size()];
        Object[] values = new Object[unique.size()];
        for (int i = 0; i < unique.size(); i++) {
            Pending p = unique.get(i);
            ConcurrentMap<Object, Object> map = store.readMap(p.mapId);
            mapIds[i] = p.mapId;
            keys[i] = p.key;
            values[i] = map == null ? null : map.get(p.key); // the value now: at least as new as the writer's
        }
        ReplicaRequest.Apply apply = new ReplicaRequest.Apply(slot, member.id(), store.ownerEpoch(), seq++, mapIds, keys,
                values);
        List<CompletableFuture<Object>> answers = new ArrayList<>(backups.length);
        for (int backup : backups) {
            answers.add(member.router().askAsync(backup, apply));
        }
        RuntimeException failure = null;
        for (int i = 0; i < backups.length; i++) {
            Object answer;
            try {
                answer = answers.get(i).join();
            } catch (RuntimeException e) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                failure = failure != null ? failure : new IndeterminateOperationException("written on " + member.name()
                        + ", the owner of slot " + slot + ", but its backup " + backups[i] + " did not confirm it: " + cause,
                        cause);
                continue;
            }
            if (answer instanceof ReplicaRequest.Refused refused && failure == null) {
                failure = new IndeterminateOperationException("written on " + member.name() + " as the owner of slot " + slot
                        + " at epoch " + apply.epoch() + ", but its backup " + backups[i] + " refused it: " + refused.why(),
                        null);
            }
        }
        return failure;
    }

    private record MapKey(int mapId, Object key) {
    }
}
