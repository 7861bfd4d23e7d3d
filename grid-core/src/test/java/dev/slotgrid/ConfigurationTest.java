package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.slot.SlotRange;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigurationTest {

    @Test
    void badValues_areNamedWithWhatIsWrong() {
        assertThatThrownBy(() -> SlotGrid.builder().nodes(0)).hasMessage("nodes must be between 1 and 1024, was 0");
        assertThatThrownBy(() -> SlotGrid.builder().nodes(5000)).hasMessage("nodes must be between 1 and 1024, was 5000");
        assertThatThrownBy(() -> SlotGrid.builder().node("a", 0)).hasMessageContaining("weight of node 'a' must be in [1, 65536], was 0");
        assertThatThrownBy(() -> SlotGrid.builder().node(" ", 1)).hasMessageContaining("node name must not be blank");
        assertThatThrownBy(() -> SlotGrid.builder().node("a", 1).node("a", 2)).hasMessageContaining("node name 'a' is given twice");
        assertThatThrownBy(() -> SlotGrid.builder().maxRedirects(0)).hasMessage("maxRedirects must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> SlotGrid.builder().cutoverTimeout(Duration.ZERO)).hasMessageContaining("cutoverTimeout must be positive");
        assertThatThrownBy(() -> SlotGrid.builder().name("")).hasMessageContaining("grid name must not be blank");
        assertThatThrownBy(() -> SlotGrid.builder().storeProvider("disk")).hasMessageContaining("no StoreProvider plugin named 'disk'; available: heap");
        assertThatThrownBy(() -> SlotGrid.builder().indexOutboxCapacity(10)).hasMessageContaining("indexOutboxCapacity must be between 1024 and 16777216 updates, was 10");
    }

    @Test
    void twoOpenGridsWithTheSameName_areRefused() {
        try (SlotGrid first = SlotGrid.builder().name("twice").build()) {
            assertThatThrownBy(() -> SlotGrid.builder().name("twice").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a grid named 'twice'");
            assertThat(first.isClosed()).isFalse();
        }
        SlotGrid.builder().name("twice").build().close(); // the name is free again
    }

    @Test
    void weightedNodes_getWeightedRanges() {
        try (SlotGrid grid = SlotGrid.builder().node("small", 1).node("big", 3).jmx(false).build()) {
            assertThat(grid.table().rangesOf(grid.node("small").id())).containsExactly(new SlotRange(0, 4095));
            assertThat(grid.table().rangesOf(grid.node("big").id())).containsExactly(new SlotRange(4096, 16383));
        }
    }
}
