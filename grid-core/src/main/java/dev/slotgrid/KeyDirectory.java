package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The last resort for a hot key: the directory override. A key of a map is pinned to a slot of
 * its own, that slot to a member of its own; the directory is part of the slot table, published and
 * versioned with it (docs/architecture.md, "Hot keys and load").
 *
 * <p>Moving a key between slots (pin and unpin): seal the slot it leaves (its writers retry for
 * microseconds; readers go on), copy the key's value to the new slot through that slot's normal
 * admission, publish the table with the directory change, unseal the old slot with its owner epoch
 * raised to the new table's (so that writes routed by an older table are fenced and re-routed),
 * then delete the old copy. A read that reached the old slot and finds, afterwards, that its owner
 * knows the key moved is re-routed ({@link Member#execute}). Nothing acknowledged is lost: every
 * write of the key before the seal is in the copied value, every write after it goes to the new slot.
 *
 * <p>Each step at the slot the key leaves is a {@link DirectoryRequest} to its owner; the copies are
 * ordinary routed writes. Thread-safety: moves are serialized on this object (control plane only).
 */
final class KeyDirectory {

    /** A map's key as the directory holds it. */
    record PinnedKey(int mapId, Object key) {
    }

    private static final long SEAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final Cluster cluster;
    private final MigrationManager migrations;

    KeyDirectory(Cluster cluster, MigrationManager migrations) {
        this.cluster = cluster;
        this.migrations = migrations;
    }

    /** Pins a key to an empty slot on {@code member} (moved there first if no empty slot is); returns the slot. */
    synchronized int pin(int mapId, Object storedKey, int naturalSlot, int member) {
        PinnedKey pinned = new PinnedKey(mapId, storedKey);
        SlotTable table = cluster.table();
        int from = table.pinnedSlot(pinned, naturalSlot);
        int slot = emptySlot(table, member, Set.copyOf(table.pins().values()), naturalSlot);
        if (table.ownerOf(slot) != member) {
            migrations.migrate(slot, member).join();
        }
        moveKey(mapId, storedKey, from, slot, t -> t.withPin(pinned, slot));
        return slot;
    }

    /** Moves a pinned key back to its natural slot; returns {@code false} if it was not pinned. */
    synchronized boolean unpin(int mapId, Object storedKey, int naturalSlot) {
        PinnedKey pinned = new PinnedKey(mapId, storedKey);
        int from = cluster.table().pinnedSlot(pinned, -1);
        if (from < 0) {
            return false;
        }
        moveKey(mapId, storedKey, from, naturalSlot, t -> t.withoutPin(pinned));
        return true;
    }

    /**
     * A slot of its own: no entry in any map, not pinned to already, not the key's own slot, not in
     * motion; one the member owns if it has one.
     */
    private int emptySlot(SlotTable table, int member, Set<Integer> taken, int naturalSlot) {
        Set<Integer> empty = new HashSet<>();
        for (int id : cluster.activeMemberIds()) {
            for (int slot : ((ControlRequest.Slots) cluster.controlRouter().ask(id, new ControlRequest.EmptySlots())).slots()) {
                if (table.ownerOf(slot) == id) {
                    empty.add(slot);
                }
            }
        }
        int fallback = -1;
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            if (slot == naturalSlot || taken.contains(slot) || table.migratingTo(slot) >= 0 || !empty.contains(slot)) {
                continue;
            }
            if (table.ownerOf(slot) == member) {
                return slot;
            }
            if (fallback < 0) {
                fallback = slot;
            }
        }
        if (fallback < 0) {
            throw new IllegalStateException("no empty slot is left to pin a key to");
        }
        return fallback;
    }

    private void moveKey(int mapId, Object key, int fromSlot, int toSlot, UnaryOperator<SlotTable> change) {
        long deadline = System.nanoTime() + SEAL_WAIT_NANOS;
        Router router = cluster.controlRouter();
        for (int attempt = 0;; attempt++) {
            int owner = cluster.table().ownerOf(fromSlot);
            DirectoryRequest.SealedValue sealed = (DirectoryRequest.SealedValue) router.ask(owner,
                    new DirectoryRequest.SealForKeyMove(fromSlot, mapId, key, SEAL_WAIT_NANOS));
            if (sealed.sealed()) {
                moveSealed(router, owner, mapId, key, sealed.value(), fromSlot, toSlot, change);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("slot " + fromSlot + " stayed busy (migrating) for 30 s; the key was not moved");
            }
            Backoff.pause(attempt); // the slot is migrating: wait for its handover, then seal it at its new owner
        }
    }

    private void moveSealed(Router router, int owner, int mapId, Object key, Object value, int fromSlot, int toSlot,
            UnaryOperator<SlotTable> change) {
        SlotTable next;
        try {
            if (value != null) {
                fixed(router, new KeyRequest.Put(mapId, toSlot, 0, key, KeyRequest.PINS_IGNORED | KeyRequest.INTERNAL, value));
            }
            next = cluster.control().update(change);
        } catch (RuntimeException failure) {
            router.ask(owner, new DirectoryRequest.UnsealAfterKeyMove(fromSlot, 0)); // nothing published: the key stays
            throw failure;
        }
        router.ask(owner, new DirectoryRequest.UnsealAfterKeyMove(fromSlot, next.epoch()));
        if (value != null) {
            fixed(router, new KeyRequest.Remove(mapId, fromSlot, 0, key, KeyRequest.PINS_IGNORED | KeyRequest.INTERNAL));
        }
    }

    /** Routes a write to its slot whatever the directory says: the mover's own copies. */
    private static Object fixed(Router router, KeyRequest request) {
        SlotTable table = router.table();
        return router.route(request.to(request.slot(), table.epoch(), request.flags()), request.slot(), false);
    }
}
