package dev.slotgrid.jmh;

import dev.slotgrid.slot.KeySlot;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.util.List;

/**
 * The keys {@code node-0} owns in a fresh 3-node grid (the same initial table
 * {@code SlotGrid.builder().nodes(3)} starts with), so that the baselines of
 * {@link GetCostBenchmark} hold exactly the keys {@code slotgrid-local} holds. Immutable.
 */
final class OwnerKeys {

    static final int OWNER = 0;

    private static final SlotTable TABLE = SlotTable.initial(List.of(new NodeInfo(0, "node-0", 1),
            new NodeInfo(1, "node-1", 1), new NodeInfo(2, "node-2", 1)));

    private OwnerKeys() {
    }

    static boolean owns(int slot) {
        return TABLE.ownerOf(slot) == OWNER;
    }

    static boolean accepts(String key) {
        return owns(KeySlot.of(key));
    }
}
