package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The last resort for a hot key: the directory override. A key of a map is pinned to a slot of
 * its own, that slot to a node of its own; the directory is part of the slot table, published and
 * versioned with it (ARCHITECTURE.md, "Hot keys").
 *
 * <p>Moving a key between slots (pin and unpin): seal the slot it leaves (its writers retry for
 * microseconds; readers go on), copy the key's value to the new slot through that slot's normal
 * admission, publish the table with the directory change, unseal the old slot with its owner epoch
 * raised to the new table's (so that writes routed by an older table are fenced and re-routed),
 * then delete the old copy. A read that reached the old slot and finds, afterwards, that its owner
 * knows the key moved is re-routed ({@link GridNode#route}). Nothing acknowledged is lost: every
 * write of the key before the seal is in the copied value, every write after it goes to the new slot.
 *
 * <p>Thread-safety: moves are serialized on this object (control plane only).
 */
final class KeyDirectory {

    /** A map's key as the directory holds it. */
    record PinnedKey(int mapId, Object key) {
    }

    private static final long SEAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final SlotGrid grid;

    KeyDirectory(SlotGrid grid) {
        this.grid = grid;
    }

    /** Pins a key to an empty slot on {@code node} (moved there first if no empty slot is); returns the slot. */
    synchronized int pin(int mapId, Object storedKey, int naturalSlot, GridNode node) {
        PinnedKey pinned = new PinnedKey(mapId, storedKey);
        SlotTable table = grid.table();
        int from = table.pinnedSlot(pinned, naturalSlot);
        int slot = emptySlot(table, node, Set.copyOf(table.pins().values()), naturalSlot);
        if (table.ownerOf(slot) != node.id()) {
            grid.migrate(slot, node.name()).join();
        }
        moveKey(mapId, storedKey, from, slot, t -> t.withPin(pinned, slot));
        return slot;
    }

    /** Moves a pinned key back to its natural slot; returns {@code false} if it was not pinned. */
    synchronized boolean unpin(int mapId, Object storedKey, int naturalSlot) {
        PinnedKey pinned = new PinnedKey(mapId, storedKey);
        int from = grid.table().pinnedSlot(pinned, -1);
        if (from < 0) {
            return false;
        }
        moveKey(mapId, storedKey, from, naturalSlot, t -> t.withoutPin(pinned));
        return true;
    }

    /**
     * A slot of its own: no entry in any map, not pinned to already, not the key's own slot, not in
     * motion; one the node owns if it has one.
     */
    private int emptySlot(SlotTable table, GridNode node, Set<Integer> taken, int naturalSlot) {
        int fallback = -1;
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            if (slot == naturalSlot || taken.contains(slot) || table.migratingTo(slot) >= 0) {
                continue;
            }
            SlotStore store = grid.peer(table.ownerOf(slot)).store(slot);
            if (store == null || store.entryCount() > 0) {
                continue;
            }
            if (table.ownerOf(slot) == node.id()) {
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
        for (int attempt = 0;; attempt++) {
            GridNode owner = grid.peer(grid.table().ownerOf(fromSlot));
            SlotStore store = owner.store(fromSlot);
            if (store != null && store.sealOwned()) {
                moveSealed(owner, store, mapId, key, fromSlot, toSlot, change);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("slot " + fromSlot + " stayed busy (migrating) for 30 s; the key was not moved");
            }
            Backoff.pause(attempt); // the slot is migrating: wait for its handover, then seal it at its new owner
        }
    }

    private void moveSealed(GridNode owner, SlotStore store, int mapId, Object key, int fromSlot, int toSlot,
            UnaryOperator<SlotTable> change) {
        SlotTable next;
        Object value;
        try {
            store.awaitNoWriters(SEAL_WAIT_NANOS, "the key was not moved");
            ConcurrentMap<Object, Object> map = store.readMap(mapId);
            value = map == null ? null : map.get(key);
            if (value != null) {
                owner.route(OpType.PUT, mapId, toSlot, key, value, null, false);
            }
            next = grid.updateTable(change);
        } catch (RuntimeException failure) {
            store.unseal(store.ownerEpoch()); // nothing published: the key stays where it was
            throw failure;
        }
        store.unseal(next.epoch());
        if (value != null) {
            owner.route(OpType.REMOVE, mapId, fromSlot, key, null, null, false);
        }
    }

}
