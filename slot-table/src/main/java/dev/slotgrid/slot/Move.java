package dev.slotgrid.slot;

/**
 * One slot changing owner.
 *
 * @param slot the slot
 * @param from the id of the node that owns it now
 * @param to the id of the node that will own it
 */
public record Move(int slot, int from, int to) {
}
