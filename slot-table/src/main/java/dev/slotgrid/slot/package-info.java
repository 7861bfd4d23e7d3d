/**
 * Key &rarr; slot &rarr; node: Redis-compatible key slots ({@link dev.slotgrid.slot.KeySlot},
 * {@link dev.slotgrid.slot.Crc16Partitioner}), the immutable epoch-stamped
 * {@link dev.slotgrid.slot.SlotTable}, and the {@link dev.slotgrid.slot.PlacementPlanner}.
 *
 * <p>Nothing here knows about networking or storage.
 */
package dev.slotgrid.slot;
