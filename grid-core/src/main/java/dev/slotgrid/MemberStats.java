package dev.slotgrid;

import java.util.EnumMap;

/**
 * A member's counters as they travel ({@link ControlRequest.StatsQuery}): plain arrays, turned into
 * {@link NodeStats} by the caller.
 */
record MemberStats(int id, String name, long[] operations, long entries, int slotsOwned, long movedReplies,
        long redirectsFollowed, long tryAgainRetries, long readsAwaitingBackups, long refusedWithoutMajority, long[] slotHeat) {

    NodeStats toNodeStats() {
        EnumMap<OpType, Long> ops = new EnumMap<>(OpType.class);
        for (OpType type : OpType.values()) {
            ops.put(type, operations[type.ordinal()]);
        }
        return new NodeStats(id, name, ops, entries, slotsOwned, movedReplies, redirectsFollowed, tryAgainRetries,
                readsAwaitingBackups, refusedWithoutMajority, slotHeat);
    }
}
