package dev.slotgrid.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.SlotGrid;
import dev.slotgrid.slot.SlotTable;
import org.junit.jupiter.api.Test;

class OwnerKeysTest {

    @Test
    void ownsExactlyTheSlotsOfNodeZeroInAFreshThreeNodeGrid() {
        try (SlotGrid grid = SlotGrid.builder().nodes(3).jmx(false).build()) {
            int entry = grid.node("node-0").id();
            int owned = 0;
            for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
                boolean gridSays = grid.table().ownerOf(slot) == entry;
                assertThat(OwnerKeys.owns(slot)).as("slot %d", slot).isEqualTo(gridSays);
                owned += gridSays ? 1 : 0;
            }
            assertThat(owned).isBetween(SlotTable.SLOTS / 3 - 1, SlotTable.SLOTS / 3 + 1);
        }
    }
}
