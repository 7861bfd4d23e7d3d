package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
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
 * <p>A new copy joins the stream ({@link #copyTo}): added as a target while this thread holds the
 * drain, so every batch from then on reaches it, the first one marked {@code start}; then every
 * key of the slot is sent through the stream as ordinary batches (each reading the key's value
 * when it is sent, under the drain, so a snapshot batch never overwrites a newer write), the last
 * marked {@code complete}. A joining copy that fails leaves the stream and fails only the copy,
 * never a writer: writers wait only for the backups the table lists. Once the table lists it, it
 * is an ordinary target.
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

    /** A member getting a copy of the slot through this stream, not yet listed as its backup. */
    private static final class Joining {
        final int member;
        final long planned; // the epoch of the coordinator's table the copy was planned from
        boolean started; // it applied a batch marked start
        boolean complete; // it applied the batch marked complete: it holds every entry
        String failure; // why it left the stream, or null

        Joining(int member, long planned) {
            this.member = member;
            this.planned = planned;
        }
    }

    private final Member member;
    private final SlotStore store;
    private final MpscUnboundedXaddArrayQueue<Pending> queue = new MpscUnboundedXaddArrayQueue<>(64);
    private final AtomicBoolean draining = new AtomicBoolean();
    /** The next batch's number; read and written only by the thread holding {@code draining}. */
    private long seq;
    /** Copies joining the stream; read and written only by the thread holding {@code draining}. */
    private final List<Joining> joining = new ArrayList<>(2);
    /** What the last batch sent came to ({@code null}: applied by every backup); under {@code draining}. */
    private RuntimeException lastOutcome;
    /**
     * Set by the drainer before it polls writers' keys and cleared once that batch is answered: a
     * write between the queue and its confirmation. Unlike {@code draining}, a copy's snapshot batch
     * (which changes no value here) does not set it, so reads need not wait for a copy being made.
     */
    private volatile boolean shippingWrites;

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

    /**
     * Whether every write applied to the slot so far has been shipped: no writer inside the slot's
     * admission, nothing queued, no writers' batch in flight (a copy's snapshot batch may be). A read that finds the slot settled after it
     * read may return what it read; otherwise it may have seen a write the backups do not hold yet
     * (which a promotion would lose), and waits ({@link #awaitEarlierWrites}). The checks follow a
     * write's own path (inside, then queued, then in flight, then shipped), so a write the read saw
     * cannot pass from one to the next unseen. Cost: three volatile reads.
     */
    boolean settled() {
        return store.writersInside() == 0 && queue.isEmpty() && !shippingWrites;
    }

    /**
     * Waits until every write applied to the slot before this call has been shipped to the backups,
     * for a read that found the slot unsettled: the value it read is then on every backup.
     *
     * @throws MemberUnavailableException if the batch shipped last did not reach every backup (the
     *     value read may be one no backup holds: this owner may have been replaced, or a backup is
     *     gone and not yet dropped from the table); nothing was changed
     */
    void awaitEarlierWrites() {
        for (int attempt = 0; store.writersInside() > 0; attempt++) {
            Backoff.pause(attempt); // a writer inside offers its key before it leaves: after this, all are queued
        }
        Pending marker = new Pending(-1, null);
        queue.offer(marker);
        try {
            await(marker);
        } catch (IndeterminateOperationException e) {
            throw new MemberUnavailableException("a read of slot " + store.slot + " on " + member.name()
                    + " cannot be confirmed: the last write shipped to its backups was not confirmed ("
                    + e.getMessage() + ")", e);
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

    /**
     * Makes a complete copy of the slot on {@code backup} through the stream, while writers go on;
     * returns once the copy applied the batch marked complete. The caller (the coordinator) then
     * lists it in the table; until then it stays in the stream.
     *
     * @param planned the epoch of the coordinator's table the copy was planned from
     * @return the entries sent
     * @throws IllegalStateException if the copy failed (the backup refused or did not answer), the
     *     slot stopped being owned here (a migration began, or it was handed over), or this
     *     member's table is older than the plan: naming why
     */
    long copyTo(int backup, long planned) {
        Joining copy = new Joining(backup, planned);
        holding(() -> {
            SlotTable table = member.table();
            // Older than the plan, this table may still list the backup: the stream would then treat
            // it as listed and never send it a start, and a copy its member dropped would look made.
            if (table.epoch() < planned) {
                copy.failure = member.name() + "'s table (epoch " + table.epoch() + ") is older than the plan (epoch "
                        + planned + ")";
                return;
            }
            joining.removeIf(j -> j.member == backup);
            joining.add(copy);
        });
        if (copy.failure != null) {
            throw new IllegalStateException("copy of slot " + store.slot + " to member " + backup + " not started: "
                    + copy.failure);
        }
        ConcurrentMap<Object, Object>[] maps = store.maps(); // after it joined: a map opened later reaches it by the stream
        long sent = 0;
        List<Pending> chunk = new ArrayList<>();
        for (int mapId = 0; mapId < maps.length; mapId++) {
            if (maps[mapId] == null) {
                continue;
            }
            for (Object key : maps[mapId].keySet()) {
                chunk.add(new Pending(mapId, key));
                if (chunk.size() == MAX_BATCH) {
                    sendCopy(copy, chunk, false);
                    sent += chunk.size();
                    chunk = new ArrayList<>();
                }
            }
        }
        sendCopy(copy, chunk, true);
        if (!copy.complete) { // the table listed it meanwhile: the stream sent it ordinary batches, no start
            throw new IllegalStateException("copy of slot " + store.slot + " to member " + backup
                    + " did not complete: the table listed it before its copy was made");
        }
        return sent + chunk.size();
    }

    /** Stops streaming to a joining copy the coordinator will not list. */
    void stopCopy(int backup) {
        holding(() -> joining.removeIf(j -> {
            if (j.member == backup) {
                j.failure = "stopped by the coordinator";
                return true;
            }
            return false;
        }));
    }

    private void sendCopy(Joining copy, List<Pending> chunk, boolean last) {
        holding(() -> {
            if (copy.failure == null && store.state() != SlotStore.OWNED) {
                copy.failure = "slot " + store.slot + " is no longer owned here without a migration (state "
                        + store.state() + ")";
                joining.remove(copy);
            }
            if (copy.failure == null) {
                RuntimeException writers = send(chunk, copy, last);
                if (writers != null) { // what the listed backups answered: a copy of a stream that fails is no copy
                    copy.failure = writers.getMessage();
                    joining.remove(copy);
                }
            }
        });
        if (copy.failure != null) {
            throw new IllegalStateException("copy of slot " + store.slot + " to member " + copy.member + " failed: "
                    + copy.failure);
        }
    }

    /** Runs {@code action} holding the drain, after shipping what is queued. */
    private void holding(Runnable action) {
        for (int attempt = 0;; attempt++) {
            if (draining.compareAndSet(false, true)) {
                try {
                    shipQueued();
                    action.run();
                } finally {
                    draining.set(false);
                }
                return;
            }
            Backoff.pause(attempt);
        }
    }

    private void shipQueued() {
        for (;;) {
            shippingWrites = true; // before the poll: a key is in the queue or in a batch flagged here, never neither
            List<Pending> batch = new ArrayList<>();
            for (Pending p; batch.size() < MAX_BATCH && (p = queue.poll()) != null;) {
                batch.add(p);
            }
            if (batch.isEmpty()) {
                shippingWrites = false;
                return;
            }
            Set<MapKey> seen = new HashSet<>();
            List<Pending> unique = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                if (p.key != null && seen.add(new MapKey(p.mapId, p.key))) { // a key written twice ships once
                    unique.add(p);
                }
            }
            RuntimeException failure;
            try {
                // markers alone (a drain, a read waiting for earlier writes): they learn how the batch before them went
                failure = unique.isEmpty() ? lastOutcome : send(unique, null, false);
            } catch (RuntimeException unexpected) { // every writer of the batch hears of it; none waits forever
                failure = new IndeterminateOperationException("replicating slot " + store.slot + " failed: " + unexpected,
                        unexpected);
            }
            lastOutcome = failure;
            for (Pending p : batch) {
                p.failure = failure;
                p.shipped = true; // after failure: a writer reads shipped, then failure
            }
            shippingWrites = false;
        }
    }

    /**
     * Sends one batch, each key with its value now, to every backup the member's table lists for the
     * slot and to every joining copy; holding the drain.
     *
     * @param copying the joining copy this batch is part of the copy of, or {@code null}
     * @param last whether the batch completes {@code copying}
     * @return {@code null} if every listed backup applied it, else the failure for its writers
     */
    private RuntimeException send(List<Pending> unique, Joining copying, boolean last) {
        int slot = store.slot;
        SlotTable table = member.table();
        int[] listed = java.util.Arrays.stream(table.replicas().backupsOf(slot)).filter(b -> b != member.id())
                .toArray(); // itself: a migration target whose table still names it a backup, until the cutover's table
        joining.removeIf(j -> j.complete && contains(listed, j.member)); // listed now: an ordinary target
        List<Joining> copies = new ArrayList<>(joining.size());
        for (Joining j : joining) {
            if (!contains(listed, j.member)) {
                copies.add(j);
            }
        }
        if (listed.length == 0 && copies.isEmpty()) {
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
        long epoch = store.ownerEpoch();
        long number = seq++;
        List<CompletableFuture<Object>> answers = new ArrayList<>(listed.length + copies.size());
        for (int backup : listed) {
            answers.add(member.router().askAsync(backup,
                    new ReplicaRequest.Apply(slot, member.id(), epoch, number, mapIds, keys, values, false, false, -1)));
        }
        for (Joining j : copies) {
            answers.add(member.router().askAsync(j.member, new ReplicaRequest.Apply(slot, member.id(), epoch, number, mapIds,
                    keys, values, !j.started, j == copying && last, j.started ? -1 : j.planned)));
        }
        RuntimeException failure = null;
        for (int i = 0; i < answers.size(); i++) {
            Joining j = i < listed.length ? null : copies.get(i - listed.length);
            int backup = j == null ? listed[i] : j.member;
            String refusal;
            try {
                Object answer = answers.get(i).join();
                refusal = answer instanceof ReplicaRequest.Refused refused ? "refused it: " + refused.why()
                        : answer instanceof ReplicaRequest.Retired retired && (j != null || retired.epoch() <= table.epoch())
                                ? "holds no copy, and its table (epoch " + retired.epoch() + ") does not list it"
                                : null; // a backup retired by a newer table than this member's: its replacements got it
            } catch (RuntimeException e) {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                refusal = "did not confirm it: " + cause;
            }
            if (j != null) {
                if (refusal != null) {
                    j.failure = "member " + backup + " " + refusal;
                    joining.remove(j);
                } else {
                    j.started = true;
                    j.complete |= j == copying && last;
                }
            } else if (refusal != null && failure == null) {
                failure = new IndeterminateOperationException("written on " + member.name() + " as the owner of slot " + slot
                        + " at epoch " + epoch + ", but its backup " + backup + " " + refusal, null);
            }
        }
        return failure;
    }

    private static boolean contains(int[] members, int member) {
        for (int m : members) {
            if (m == member) {
                return true;
            }
        }
        return false;
    }

    private record MapKey(int mapId, Object key) {
    }
}
