package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;

/**
 * The control plane's messages to a member (tables, the map catalog, leaving) and the questions
 * any member may ask another about its state (stats, entry counts). None is routed by slot.
 */
sealed interface ControlRequest extends Request permits ControlRequest.PublishTable, ControlRequest.DefineMap,
        ControlRequest.Leave, ControlRequest.StatsQuery, ControlRequest.CountEntries, ControlRequest.SlotEntryCount,
        ControlRequest.EmptySlots {

    /** A newer slot table; a member adopts it if its epoch is higher than its own table's. Replies {@code null}. */
    record PublishTable(SlotTable table) implements ControlRequest {
    }

    /**
     * The catalog entry of a named map: the id every member uses for it in requests. Ids are given by
     * the control plane in order of first use and never reused. Replies {@code null}.
     */
    record DefineMap(int id, String name) implements ControlRequest {
    }

    /** The member has left the grid: it serves no slot any more but keeps answering MOVED. Replies {@code null}. */
    record Leave() implements ControlRequest {
    }

    /** Replies the member's {@link MemberStats}. */
    record StatsQuery() implements ControlRequest {
    }

    /** Replies the number of entries ({@code Long}) of a map in the slots the member serves. Weakly consistent. */
    record CountEntries(int mapId) implements ControlRequest {
    }

    /** Replies the number of entries ({@code Long}) of every map in one slot the member serves, 0 if it serves none. */
    record SlotEntryCount(int slot) implements ControlRequest {
    }

    /** Replies the slots ({@link Slots}) the member owns and serves with no entry in any map, not migrating. */
    record EmptySlots() implements ControlRequest {
    }

    /** Some slots. */
    record Slots(int[] slots) {
    }
}
