package dev.slotgrid.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridStats;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.slot.KeySlot;
import dev.slotgrid.spi.Partitioner;
import dev.slotgrid.spi.Plugins;
import org.junit.jupiter.api.Test;

class TenantPartitionerTest {

    @Test
    void thePlugin_isFoundByNameThroughServiceLoader() {
        assertThat(Plugins.names(Partitioner.class)).contains("tenant", "crc16", "murmur3");
        assertThat(Plugins.load(Partitioner.class, "tenant")).isInstanceOf(TenantPartitioner.class);
    }

    @Test
    void aGridSelectingIt_placesAllOfATenantsKeysInTheTenantsSlot() {
        try (SlotGrid grid = SlotGrid.builder().nodes(3).jmx(false).partitioner("tenant").build()) {
            assertThat(grid.partitioner()).isInstanceOf(TenantPartitioner.class);
            GridMap<String, Integer> orders = grid.map("orders");
            for (int i = 0; i < 1000; i++) {
                orders.put("acme:order:" + i, i);
            }
            int acmeSlot = KeySlot.of("acme");
            int owner = grid.table().ownerOf(acmeSlot);
            GridStats stats = grid.stats();
            assertThat(stats.nodes().get(owner).entries()).isEqualTo(1000);
            assertThat(stats.nodes().get(owner).slotHeat()[acmeSlot]).isEqualTo(1000);
            assertThat(stats.entries()).isEqualTo(1000);
            // without the plugin the same keys spread over every node
            try (SlotGrid plain = SlotGrid.builder().nodes(3).jmx(false).build()) {
                GridMap<String, Integer> spread = plain.map("orders");
                for (int i = 0; i < 1000; i++) {
                    spread.put("acme:order:" + i, i);
                }
                assertThat(plain.stats().nodes()).allSatisfy(node -> assertThat(node.entries()).isBetween(200L, 500L));
            }
        }
    }

    @Test
    void keysWithoutATenant_fallBackToRedisPlacement() {
        TenantPartitioner tenant = new TenantPartitioner();
        assertThat(tenant.slotOf("plainkey")).isEqualTo(KeySlot.of("plainkey"));
        assertThat(tenant.slotOf(42L)).isEqualTo(KeySlot.of("42"));
    }
}
