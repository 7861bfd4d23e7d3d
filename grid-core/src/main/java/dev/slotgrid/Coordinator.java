package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;

/**
 * What a member asks of the grid's control plane: in one JVM the grid itself, across JVMs the
 * coordinator member. Thread-safe.
 */
interface Coordinator {

    /** The newest table the control plane has published: the in-JVM equivalent of Redis's {@code CLUSTER SLOTS}. */
    SlotTable latest();

    /**
     * Folds a salted key back into one entry before a write other than {@code add} (every member
     * learns the new shape before this returns). A no-op if the key is not salted.
     */
    void foldBack(int mapId, Object key);

    /**
     * The id of a map name, given now if it has none; every member knows it before this returns.
     *
     * @param internal one of the grid's own maps (named with the reserved prefix), not a user's
     */
    int mapId(String name, boolean internal);
}
