package dev.slotgrid;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * A node's counters, always on. Concurrency: operation counts are {@link LongAdder}s (exact,
 * striped under contention). Slot heat is a plain array incremented with a benign race: concurrent
 * increments of one slot may lose counts, never tear (opaque access), and cost no atomic
 * instruction; heat is an estimate for heat maps and planning, not an exact count.
 */
final class StatsRecorder {

    private static final VarHandle HEAT = MethodHandles.arrayElementVarHandle(long[].class);

    private final LongAdder[] byType = new LongAdder[OpType.values().length];
    private final long[] slotHeat = new long[dev.slotgrid.slot.SlotTable.SLOTS];
    final LongAdder movedReplies = new LongAdder();
    final LongAdder redirectsFollowed = new LongAdder();
    final LongAdder tryAgainRetries = new LongAdder();
    final LongAdder readsAwaitingBackups = new LongAdder();
    final LongAdder refusedWithoutMajority = new LongAdder();

    StatsRecorder() {
        for (int i = 0; i < byType.length; i++) {
            byType[i] = new LongAdder();
        }
    }

    void record(OpType op, int slot) {
        byType[op.ordinal()].increment();
        HEAT.setOpaque(slotHeat, slot, (long) HEAT.getOpaque(slotHeat, slot) + 1);
    }

    long count(OpType op) {
        return byType[op.ordinal()].sum();
    }

    long[] slotHeat() {
        long[] copy = new long[slotHeat.length];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = (long) HEAT.getOpaque(slotHeat, i);
        }
        return copy;
    }
}
