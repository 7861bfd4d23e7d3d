package dev.slotgrid.jmh;

import dev.slotgrid.slot.KeySlot;
import dev.slotgrid.slot.SlotTable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The floor of any slot-sharded map, for telling SlotGrid's own overhead from its design's: a
 * {@code ConcurrentHashMap} per slot, chosen by {@code KeySlot.of(key)}, holding exactly the keys
 * {@code slotgrid-local} holds. What SlotGrid adds on top of {@code chm-slots} is routing, writer
 * admission and stats.
 *
 * <p>As {@code chm-crc16} every slot of the array points to one shared map: the CRC16 of each key
 * and the array read are paid, the 16384 small tables are not.
 */
final class ChmSlotsTarget implements MapTarget {

    static final String NAME = "chm-slots";
    static final String CRC16_ONLY = "chm-crc16";

    @SuppressWarnings({"unchecked", "rawtypes"}) // generic array creation
    private final ConcurrentHashMap<String, Long>[] slots = new ConcurrentHashMap[SlotTable.SLOTS];

    ChmSlotsTarget(boolean oneSharedMap) {
        ConcurrentHashMap<String, Long> shared = new ConcurrentHashMap<>();
        for (int slot = 0; slot < slots.length; slot++) {
            if (OwnerKeys.owns(slot)) {
                slots[slot] = oneSharedMap ? shared : new ConcurrentHashMap<>();
            }
        }
    }

    @Override
    public boolean accepts(String key) {
        return OwnerKeys.accepts(key);
    }

    @Override
    public void load(String[] keys, Long[] values) {
        for (int i = 0; i < keys.length; i++) {
            put(keys[i], values[i]);
        }
    }

    @Override
    public Long get(String key) {
        return slots[KeySlot.of(key)].get(key);
    }

    @Override
    public Long put(String key, Long value) {
        return slots[KeySlot.of(key)].put(key, value);
    }

    @Override
    public void close() {
        // nothing held outside the heap
    }
}
