package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One member's role as a backup (docs/architecture.md, "Replicas"): a copy of each slot its table
 * names it a backup of, kept by the owner's {@link Replication} stream, and promoted to the slot's
 * store when a table makes this member the owner without a migration (the owner died).
 *
 * <p>A copy is an {@link SlotStore#importing} store, invisible to clients, written like a migration
 * target's ({@link MemberIndexes#importPut}, which keeps its LOCAL indexes), so a promotion is an
 * activation. Rules of {@link #apply}, in order:
 * <ul>
 *   <li>no copy here: refused (this member is not, or no longer, a backup of the slot);
 *   <li>a copy that missed a batch (broken): refused; it is never promoted, the slot is lost instead;
 *   <li>a batch from an older owner epoch than the copy follows, or from a member this member's
 *       table no longer names the owner at a newer epoch than the batch: refused, the copy stays
 *       whole (the fence: a replaced owner cannot get a write confirmed);
 *   <li>a newer owner epoch: a new stream, which must start at batch 0 (the previous owner drained
 *       its stream before handing over, so the copy is what the new owner holds);
 *   <li>a batch the copy already applied (a duplicate delivered again, late or not): ignored, and
 *       answered as applied;
 *   <li>a batch out of order: refused, and the copy is broken.
 * </ul>
 * A batch marked {@code start} creates a fresh copy that begins at its number, in place of any
 * copy held (one a table listed is from a table older than the coordinator's plan); the copy is
 * complete, and may be promoted, once it applied the batch marked {@code complete}. Tables up to
 * the epoch the copy was planned from say nothing of it (this member may adopt them late, after
 * the copy was made). A copy no newer table has listed yet is kept while its owner stays the
 * slot's owner (the coordinator lists it once complete, or stops it); a listed copy is dropped
 * once a newer table no longer lists it.
 *
 * <p>Thread-safe: a copy's batches are applied under its lock, one at a time (the owner sends them
 * one at a time anyway); creation, promotion and drops happen under the member's table lock.
 */
final class MemberReplicas {

    private static final int SLOTS = SlotTable.SLOTS;

    /** A slot's copy and where it is in its owner's stream. */
    private static final class Copy {
        final SlotStore store;
        final int owner; // the owner whose stream created it
        final long planned; // the coordinator's table epoch it was planned from; tables up to it predate it
        long epoch = -1; // the owner epoch whose stream it follows; -1 before the first batch
        long nextSeq;
        String broken; // why it missed a batch, or null
        volatile boolean complete; // it holds every entry its owner held: it may be promoted
        volatile boolean listed; // a table this member adopted listed it as the slot's backup

        Copy(SlotStore store, int owner, long planned) {
            this.store = store;
            this.owner = owner;
            this.planned = planned;
        }
    }

    private final Member member;
    private final AtomicReferenceArray<Copy> copies = new AtomicReferenceArray<>(SLOTS);

    MemberReplicas(Member member) {
        this.member = member;
    }

    /** An empty copy of every slot the table names this member a backup of: for a grid that starts empty. */
    void createEmpty(SlotTable table) {
        for (int slot = 0; slot < SLOTS; slot++) {
            if (table.replicas().isBackup(slot, member.id())) {
                Copy copy = new Copy(member.newImportingStore(slot, table.ownerOf(slot)), table.ownerOf(slot), -1);
                copy.complete = true; // of an empty slot
                copy.listed = true;
                copies.set(slot, copy);
            }
        }
    }

    Object handle(ReplicaRequest request) {
        if (request instanceof ReplicaRequest.Apply batch) {
            return apply(batch);
        }
        if (request instanceof ReplicaRequest.Copy copy) {
            return copyFromHere(copy);
        }
        ReplicaRequest.StopCopy stop = (ReplicaRequest.StopCopy) request;
        SlotStore store = member.store(stop.slot());
        Replication stream = store == null ? null : store.replication();
        if (stream != null) {
            stream.stopCopy(stop.backup());
        }
        if (stop.backup() == member.id()) {
            synchronized (member) { // the table lock: adopt() reads listed under it
                Copy copy = copies.get(stop.slot());
                if (copy != null && !copy.listed) {
                    copies.set(stop.slot(), null);
                }
            }
        }
        return null;
    }

    /** The owner's side of {@link ReplicaRequest.Copy}: the entries sent, or {@link ReplicaRequest.Refused}. */
    private Object copyFromHere(ReplicaRequest.Copy request) {
        int slot = request.slot();
        SlotStore store = member.store(slot);
        Replication stream = store == null ? null : store.replication();
        if (stream == null || store.state() != SlotStore.OWNED) {
            return refused(slot, -1, member.name() + " does not own slot " + slot + " without a migration"
                    + (store == null ? "" : " (state " + store.state() + ")"));
        }
        if (request.backup() == member.id()) {
            return refused(slot, -1, "the owner of slot " + slot + " cannot be its backup");
        }
        try {
            return stream.copyTo(request.backup(), request.planned());
        } catch (IllegalStateException e) {
            return refused(slot, -1, e.getMessage());
        }
    }

    private Object apply(ReplicaRequest.Apply batch) {
        int slot = batch.slot();
        Copy copy;
        if (batch.start()) {
            // Always a fresh copy, even over one a table listed: the coordinator planned this one from a
            // table that does not list this member, so a listed copy here is from an older table, and
            // dropped when this member adopts the newer one (which would drop this copy too if it
            // reused that one).
            synchronized (member) { // the table lock: adopt() replaces copies under it
                Copy held = copies.get(slot);
                if (held != null && held.owner == batch.owner() && held.epoch == batch.epoch()
                        && held.planned == batch.planned() && alreadyApplied(held, batch)) {
                    return null; // a late duplicate of the start: a fresh copy now would lose what followed it
                }
                if (held != null && held.planned > batch.planned()) {
                    return refused(slot, -1, "a copy of slot " + slot + " planned from epoch " + held.planned
                            + " is newer than this start, planned from " + batch.planned());
                }
                SlotTable known = member.table();
                if (known.ownerOf(slot) == member.id()
                        || known.ownerOf(slot) != batch.owner() && known.epoch() > batch.epoch()) {
                    return refused(slot, -1, "member " + batch.owner() + " is not the owner of slot " + slot
                            + " at epoch " + known.epoch());
                }
                copy = new Copy(member.newImportingStore(slot, batch.owner()), batch.owner(), batch.planned());
                copy.epoch = batch.epoch();
                copy.nextSeq = batch.seq();
                copies.set(slot, copy);
            }
        } else {
            copy = copies.get(slot);
        }
        SlotTable view = null;
        if (copy == null) {
            // adopt() drops a copy before it installs the table that dropped it, both under the table lock: read
            // them under it too, or a copy just dropped would be answered from the older table that still lists it
            synchronized (member) {
                copy = copies.get(slot);
                view = member.table();
            }
        }
        if (copy == null) {
            if (!view.replicas().isBackup(slot, member.id()) && view.ownerOf(slot) == batch.owner()) {
                return new ReplicaRequest.Retired(slot, view.epoch()); // the sender's table is older, or this is a refusal
            }
            return refused(slot, -1, member.name() + " holds no copy of slot " + slot + " (its table at epoch "
                    + view.epoch() + " names owner " + view.ownerOf(slot) + ", backups "
                    + java.util.Arrays.toString(view.replicas().backupsOf(slot)) + ")");
        }
        synchronized (copy) {
            if (copy.broken != null) {
                return refused(slot, copy.epoch, "the copy of slot " + slot + " on " + member.name() + " is broken: "
                        + copy.broken);
            }
            if (batch.epoch() < copy.epoch) {
                return refused(slot, copy.epoch, "owner epoch " + batch.epoch() + " is older than " + copy.epoch
                        + ", the stream this copy follows");
            }
            SlotTable known = member.table();
            if (known.ownerOf(slot) != batch.owner() && known.epoch() > batch.epoch()) {
                return refused(slot, copy.epoch, "member " + batch.owner() + " is not the owner of slot " + slot
                        + " at epoch " + known.epoch());
            }
            if (batch.epoch() > copy.epoch) {
                if (batch.seq() != 0) {
                    copy.broken = "the stream of epoch " + batch.epoch() + " reached it at batch " + batch.seq();
                    return refused(slot, copy.epoch, copy.broken);
                }
                copy.epoch = batch.epoch();
                copy.nextSeq = 0;
            }
            if (batch.epoch() == copy.epoch && alreadyApplied(copy, batch)) {
                return null; // a duplicate (a retry, or a late copy of a batch): applied once, in its order
            }
            if (batch.seq() != copy.nextSeq) {
                copy.broken = "batch " + batch.seq() + " came when " + copy.nextSeq + " was due";
                return refused(slot, copy.epoch, copy.broken);
            }
            Object[] keys = batch.keys();
            Object[] values = batch.values();
            int[] mapIds = batch.mapIds();
            MemberIndexes indexes = member.indexes();
            for (int i = 0; i < keys.length; i++) {
                if (values[i] == null) {
                    indexes.importRemove(copy.store, mapIds[i], keys[i]);
                } else {
                    indexes.importPut(copy.store, mapIds[i], keys[i], values[i]);
                }
            }
            copy.nextSeq++;
            if (batch.complete()) {
                copy.complete = true;
            }
        }
        return null;
    }

    /** Whether the copy is past the batch's place in its stream. Under the copy's or the table lock. */
    private static boolean alreadyApplied(Copy copy, ReplicaRequest.Apply batch) {
        synchronized (copy) {
            return copy.broken == null && batch.seq() < copy.nextSeq;
        }
    }

    private static ReplicaRequest.Refused refused(int slot, long epoch, String why) {
        return new ReplicaRequest.Refused(slot, epoch, why);
    }

    /**
     * Called under the member's table lock before it adopts {@code newer}: a slot that becomes this
     * member's without a migration, of which it holds a copy, is promoted (a broken or incomplete
     * copy makes it lost); a listed copy the new table does not list is dropped, and so is an
     * unlisted one whose owner changed.
     */
    void adopt(SlotTable current, SlotTable newer) {
        if (newer.replicas().count() == 0 && current.replicas().count() == 0) {
            return;
        }
        for (int slot = 0; slot < SLOTS; slot++) {
            Copy copy = copies.get(slot);
            if (copy == null) {
                continue;
            }
            boolean mine = newer.ownerOf(slot) == member.id();
            SlotStore served = member.store(slot);
            if (mine && current.ownerOf(slot) != member.id() && (served == null || !SlotStore.readable(served.state()))) {
                synchronized (copy) {
                    if (copy.broken != null || !copy.complete) {
                        member.setStore(slot, SlotStore.lost(slot));
                    } else {
                        copy.store.activate(newer.epoch());
                        member.attachReplication(copy.store);
                        member.setStore(slot, copy.store);
                    }
                    copies.set(slot, null);
                }
            } else if (newer.epoch() <= copy.planned) {
                // a table the copy's plan had already seen: what it says of this member's copies predates this one
            } else if (newer.replicas().isBackup(slot, member.id())) {
                copy.listed = true;
            } else if (copy.listed || mine || newer.ownerOf(slot) != copy.owner) {
                copies.set(slot, null);
            }
        }
    }
}
