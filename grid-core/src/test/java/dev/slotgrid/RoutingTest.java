package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.slot.KeySlot;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.Partitioner;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RoutingTest {

    /** Table publications to a member can be dropped: it then keeps routing with the table it has. */
    private final FaultInjector faults = new FaultInjector();
    private final SlotGrid grid = SlotGrid.builder().nodes(3).faults(faults).build();

    @AfterEach
    void close() {
        grid.close();
    }

    /** A key whose slot the grid's table gives to {@code owner}. */
    private String keyOwnedBy(SlotTable table, int owner) {
        for (int i = 0;; i++) {
            String key = "key-" + i;
            if (table.ownerOf(KeySlot.of(key)) == owner) {
                return key;
            }
        }
    }

    @Test
    void anOperation_runsOnTheOwner_onTheCallersThread_withNoRedirect() {
        GridNode entry = grid.node("node-0");
        String key = keyOwnedBy(grid.table(), 2);
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        entry.<String, String>map("m").compute(key, (k, v) -> {
            ranOn.set(Thread.currentThread());
            return "v";
        });
        assertThat(ranOn.get()).isSameAs(Thread.currentThread());
        GridStats stats = grid.stats();
        assertThat(stats.node("node-2").operations(OpType.COMPUTE)).isEqualTo(1);
        assertThat(stats.node("node-0").operations(OpType.COMPUTE)).isZero();
        assertThat(stats.node("node-0").redirectsFollowed()).isZero();
        assertThat(stats.node("node-2").entries()).isEqualTo(1);
    }

    @Test
    void aNodeWithAStaleTable_isRedirected_refreshes_andGetsTheRightAnswer() {
        SlotTable initial = grid.table();
        faults.drop("node-0", FaultInjector.Kind.TABLE); // node-0 misses every table from now on
        grid.addNode("node-3", 1).join(); // no data yet: 4096 slots move to node-3
        SlotTable current = grid.table();
        assertThat(current.epoch()).isGreaterThan(initial.epoch());
        String moved = keyOwnedBy(current, 3);
        int slot = KeySlot.of(moved);
        int oldOwner = initial.ownerOf(slot);
        grid.node("node-3").<String, String>map("m").put(moved, "fresh");

        GridNode stale = grid.node("node-0");
        assertThat(stale.table()).as("node-0 missed the new tables").isSameAs(initial);
        assertThat(stale.table().ownerOf(slot)).isEqualTo(oldOwner);

        assertThat(stale.<String, String>map("m").get(moved)).isEqualTo("fresh");
        assertThat(stale.<String, String>map("m").put(moved, "newer")).isEqualTo("fresh");

        assertThat(stale.table().epoch()).as("the entry node refreshed its table").isEqualTo(current.epoch());
        GridStats stats = grid.stats();
        assertThat(stats.node("node-0").redirectsFollowed()).isEqualTo(1);
        assertThat(stats.nodes().get(oldOwner).movedReplies()).isEqualTo(1);
        assertThat(grid.node("node-3").<String, String>map("m").get(moved)).isEqualTo("newer");
    }

    @Test
    void aStaleWrite_isNeverAppliedToTheOldOwnersCopy() {
        SlotTable initial = grid.table();
        faults.drop("node-1", FaultInjector.Kind.TABLE); // node-1 misses every table from now on
        grid.addNode("node-3", 1).join();
        String moved = keyOwnedBy(grid.table(), 3);
        int oldOwner = initial.ownerOf(KeySlot.of(moved));
        GridNode stale = grid.node("node-1");
        assertThat(stale.table()).as("node-1 missed the new tables").isSameAs(initial);
        stale.<String, String>map("m").put(moved, "v");
        SlotStore oldCopy = SlotKeys.store(SlotKeys.byId(grid, oldOwner), KeySlot.of(moved));
        assertThat(oldCopy.state()).isEqualTo(SlotStore.FORWARDED);
        assertThat(oldCopy.entryCount()).isZero();
        assertThat(SlotKeys.store(grid.node("node-3"), KeySlot.of(moved)).entryCount()).isEqualTo(1);
    }

    @Test
    void aPartitionerReturningAnOutOfRangeSlot_isNamedWithTheKey_andChangesNothing() {
        Partitioner broken = new Partitioner() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public int slotOf(Object key) {
                return "bad".equals(key) ? 16384 : 7;
            }
        };
        try (SlotGrid custom = SlotGrid.builder().nodes(2).partitioner(broken).build()) {
            GridMap<String, String> map = custom.map("m");
            map.put("good", "1");
            assertThatThrownBy(() -> map.put("bad", "2")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("partitioner 'broken'").hasMessageContaining("slot 16384")
                    .hasMessageContaining("key 'bad'");
            assertThat(map.size()).isEqualTo(1);
            assertThat(custom.stats().operationsTotal()).as("only the good put ran").isEqualTo(1);
        }
    }

    @Test
    void partitionerPlugins_areSelectedByName() {
        try (SlotGrid murmur = SlotGrid.builder().nodes(2).partitioner("murmur3").build()) {
            assertThat(murmur.partitioner().name()).isEqualTo("murmur3");
            murmur.<String, String>map("m").put("k", "v");
            assertThat(murmur.<String, String>map("m").get("k")).isEqualTo("v");
        }
        assertThatThrownBy(() -> SlotGrid.builder().partitioner("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no Partitioner plugin named 'nope'").hasMessageContaining("crc16, murmur3");
    }
}
