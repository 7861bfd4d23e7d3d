package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.slot.KeySlot;
import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void operationsByType_slotHeat_entries_andSkew_areCounted() {
        try (SlotGrid grid = SlotGrid.builder().nodes(2).jmx(false).build()) {
            GridMap<String, Long> map = grid.map("stats");
            String hot = "{hot}";
            int hotSlot = KeySlot.of(hot);
            int owner = grid.table().ownerOf(hotSlot);
            for (int i = 0; i < 300; i++) {
                map.merge(hot, 1L, Long::sum);
            }
            map.get(hot);
            map.put("other", 1L);
            NodeStats ownerStats = grid.stats().nodes().get(owner);
            assertThat(ownerStats.operations(OpType.MERGE)).isEqualTo(300);
            assertThat(ownerStats.operations(OpType.GET)).isEqualTo(1);
            assertThat(ownerStats.slotHeat()[hotSlot]).isEqualTo(301);
            assertThat(ownerStats.hottestSlots(1)).containsExactly(hotSlot);
            assertThat(grid.stats().entries()).isEqualTo(2);

            GridStats stats = grid.stats();
            long max = Math.max(stats.nodes().get(0).operationsTotal(), stats.nodes().get(1).operationsTotal());
            assertThat(stats.skew()).isEqualTo(max * 2.0 / 302);
            assertThat(stats.skew()).isGreaterThan(1.9);
            assertThat(stats.skewBand()).isIn(SkewBand.WARNING, SkewBand.CRITICAL);

            GridStats before = grid.stats();
            for (int i = 0; i < 1000; i++) {
                map.put("spread-" + i, 1L);
            }
            GridStats interval = grid.stats().since(before);
            assertThat(interval.operationsTotal()).isEqualTo(1000);
            assertThat(interval.skew()).isLessThan(1.1);
            assertThat(interval.skewBand()).isEqualTo(SkewBand.HEALTHY);
        }
    }

    @Test
    void skewBands_matchTheOperatorsThresholds() {
        assertThat(SkewBand.of(1.0)).isEqualTo(SkewBand.HEALTHY);
        assertThat(SkewBand.of(1.29)).isEqualTo(SkewBand.HEALTHY);
        assertThat(SkewBand.of(1.3)).isEqualTo(SkewBand.WARNING);
        assertThat(SkewBand.of(2.0)).isEqualTo(SkewBand.WARNING);
        assertThat(SkewBand.of(2.01)).isEqualTo(SkewBand.CRITICAL);
    }

    @Test
    void mbeans_showTheGridAndEachNode_andGoAwayOnClose() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName gridName = new ObjectName("dev.slotgrid:type=Grid,name=\"stats-jmx\"");
        ObjectName nodeName = new ObjectName("dev.slotgrid:type=Node,grid=\"stats-jmx\",name=\"node-1\"");
        try (SlotGrid grid = SlotGrid.builder().name("stats-jmx").nodes(3).build()) {
            grid.<String, String>map("m").put("a", "b");
            assertThat(server.getAttribute(gridName, "NodeCount")).isEqualTo(3);
            assertThat(server.getAttribute(gridName, "Operations")).isEqualTo(1L);
            assertThat(server.getAttribute(gridName, "SkewBand")).isEqualTo("CRITICAL");
            assertThat(server.getAttribute(nodeName, "SlotRanges")).isEqualTo("[5461-10922]");
            assertThat((Long) server.getAttribute(nodeName, "Entries")).isBetween(0L, 1L);
        }
        assertThat(server.isRegistered(gridName)).isFalse();
        assertThat(server.isRegistered(nodeName)).isFalse();
    }
}
