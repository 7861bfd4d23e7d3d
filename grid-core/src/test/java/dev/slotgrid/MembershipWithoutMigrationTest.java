package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class MembershipWithoutMigrationTest {

    @Test
    void addAndRemove_onAnEmptyGrid_rebalanceWithMinimalMoves() {
        try (SlotGrid grid = SlotGrid.builder().nodes(3).jmx(false).build()) {
            GridNode added = grid.addNode("node-3", 1).join();
            for (GridNode node : grid.nodes()) {
                assertThat(grid.table().slotCount(node.id())).isEqualTo(4096);
                assertThat(node.stats().slotsOwned()).isEqualTo(4096);
            }
            grid.removeNode("node-1").join();
            assertThat(grid.nodes()).extracting(GridNode::name).containsExactly("node-0", "node-2", "node-3");
            assertThat(grid.table().nodes()).hasSize(3);
            assertThat(added.stats().slotsOwned()).isBetween(5461, 5462);
            GridMap<String, String> map = grid.map("m");
            for (int i = 0; i < 1000; i++) {
                map.put("k" + i, "v" + i);
            }
            assertThat(map.size()).isEqualTo(1000);
        }
    }

    @Test
    void addingOrRemovingANode_whoseSlotsHoldData_isRefused_andLosesNothing() {
        try (SlotGrid grid = SlotGrid.builder().nodes(3).jmx(false).build()) {
            GridMap<String, Integer> map = grid.map("m");
            for (int i = 0; i < 10_000; i++) {
                map.put("k" + i, i);
            }
            long epoch = grid.table().epoch();
            assertThatThrownBy(() -> grid.addNode("node-3", 1).join()).isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("hold").hasMessageContaining("entries");
            assertThatThrownBy(() -> grid.removeNode("node-0").join()).hasCauseInstanceOf(IllegalStateException.class);
            assertThat(grid.nodes()).hasSize(3);
            assertThat(grid.table().slotCount(0)).isEqualTo(5461);
            assertThat(grid.table().epoch()).as("only the short-lived registration").isLessThanOrEqualTo(epoch + 2);
            for (int i = 0; i < 10_000; i++) {
                assertThat(map.get("k" + i)).isEqualTo(i);
            }
            map.put("after", 1);
            assertThat(map.size()).isEqualTo(10_001);
        }
    }

    @Test
    void removingTheLastNode_isRefused() {
        try (SlotGrid grid = SlotGrid.builder().nodes(1).jmx(false).build()) {
            assertThatThrownBy(() -> grid.removeNode("node-0").join()).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("last node");
            assertThatThrownBy(() -> grid.removeNode("ghost")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no active node named 'ghost'");
        }
    }
}
