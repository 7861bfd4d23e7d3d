package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.slot.KeySlot;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Cancelling, throttling and watching migrations. */
class MigrationControlTest {

    private static final String TAG = "control";
    private static final int SLOT = KeySlot.of(TAG);
    private static final int ENTRIES = 5_000;

    private static SlotGrid slowGrid() {
        // 2,000 entries/s: copying the slot's 5,000 entries takes about 2.5 s
        return SlotGrid.builder().nodes(3).jmx(false).migrationThrottle(2_000).migrationBatchSize(50).build();
    }

    private static GridMap<String, Integer> fill(SlotGrid grid) {
        GridMap<String, Integer> map = grid.map("m");
        List<String> keys = SlotKeys.keysWithTag(TAG, ENTRIES);
        for (int i = 0; i < ENTRIES; i++) {
            map.put(keys.get(i), i);
        }
        return map;
    }

    private static String otherNode(SlotGrid grid) {
        int owner = grid.table().ownerOf(SLOT);
        return grid.nodes().stream().filter(n -> n.id() != owner).findFirst().orElseThrow().name();
    }

    @Test
    void cancelMidCopy_leavesTheSourceOwner_andTheTargetClean() throws Exception {
        try (SlotGrid grid = slowGrid()) {
            GridMap<String, Integer> map = fill(grid);
            int owner = grid.table().ownerOf(SLOT);
            String target = otherNode(grid);
            GridNode targetNode = grid.node(target);
            SlotStore targetBefore = targetNode.store(SLOT);

            CompletableFuture<Void> migration = grid.migrate(SLOT, target);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> grid.migrationStats().entriesMoved() >= 500);
            assertThat(grid.table().migratingTo(SLOT)).isEqualTo(targetNode.id());
            assertThat(targetNode.store(SLOT).state()).isEqualTo(SlotStore.IMPORTING);
            map.put("{" + TAG + "}:during", -1); // a write while it copies

            assertThat(grid.cancelMigration(SLOT)).isTrue();
            assertThatThrownBy(() -> migration.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class)
                    .hasMessageContaining("the source keeps it");

            assertThat(grid.table().ownerOf(SLOT)).isEqualTo(owner);
            assertThat(grid.table().migratingTo(SLOT)).isEqualTo(-1);
            assertThat(grid.peer(owner).store(SLOT).state()).isEqualTo(SlotStore.OWNED);
            assertThat(targetNode.store(SLOT)).as("the target keeps no residue").isSameAs(targetBefore);
            assertThat(grid.stats().node(target).entries()).isZero();
            assertThat(map.mappingCount()).isEqualTo(ENTRIES + 1);
            for (int i = 0; i < ENTRIES; i += 97) {
                assertThat(map.get("{" + TAG + "}:" + i)).isEqualTo(i);
            }
            assertThat(grid.migrationStats().slotsCancelled()).isEqualTo(1);
            assertThat(grid.cancelMigration(SLOT)).as("nothing left to cancel").isFalse();
            // the slot can still move afterwards
            grid.migrate(SLOT, target).get(30, TimeUnit.SECONDS);
            assertThat(grid.table().ownerOf(SLOT)).isEqualTo(targetNode.id());
            assertThat(map.get("{" + TAG + "}:during")).isEqualTo(-1);
        }
    }

    @Test
    void progressAndCutoverWindows_areVisibleInStats() throws Exception {
        try (SlotGrid grid = slowGrid()) {
            GridMap<String, Integer> map = fill(grid);
            CompletableFuture<Void> migration = grid.migrate(SLOT, otherNode(grid));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> grid.migrationStats().entriesMoved() >= 1_000);
            MigrationStats during = grid.migrationStats();
            assertThat(during.slotsLeft()).isEqualTo(1);
            assertThat(during.slotsInFlight()).isEqualTo(1);
            assertThat(during.entriesPerSecond()).as("throttled to 2,000/s").isBetween(500.0, 4_000.0);
            assertThat(during.entriesLeft()).isBetween(1L, (long) ENTRIES);
            assertThat(during.eta()).isPresent();
            assertThat(during.eta().get()).isBetween(Duration.ofMillis(100), Duration.ofSeconds(10));
            assertThat(grid.stats().migrations().slotsLeft()).isEqualTo(1);

            migration.get(30, TimeUnit.SECONDS);
            MigrationStats after = grid.migrationStats();
            assertThat(after.slotsDone()).isEqualTo(1);
            assertThat(after.slotsLeft()).isZero();
            assertThat(after.entriesMoved()).isGreaterThanOrEqualTo(ENTRIES);
            assertThat(after.cutovers()).isEqualTo(1);
            assertThat(after.cutoverMaxNanos()).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(5));
            assertThat(after.cutoverP99Nanos()).isPositive().isLessThanOrEqualTo(after.cutoverMaxNanos());
            assertThat(after.eta()).contains(Duration.ZERO);
            assertThat(map.mappingCount()).isEqualTo(ENTRIES);
        }
    }

    @Test
    void migratingToTheOwner_doesNothing_andBadArguments_areNamed() throws Exception {
        try (SlotGrid grid = SlotGrid.builder().nodes(2).jmx(false).build()) {
            String owner = grid.nodes().get(grid.table().ownerOf(SLOT)).name();
            long epoch = grid.table().epoch();
            grid.migrate(SLOT, owner).get(10, TimeUnit.SECONDS);
            assertThat(grid.table().epoch()).isEqualTo(epoch);
            assertThatThrownBy(() -> grid.migrate(16384, owner)).hasMessageContaining("slot must be in [0, 16384)");
            assertThatThrownBy(() -> grid.migrate(1, "nobody")).hasMessageContaining("no active node named 'nobody'");
            assertThatThrownBy(() -> SlotGrid.builder().migrationThrottle(0))
                    .hasMessageContaining("migrationThrottle must be between 1 and 1000000000");
            assertThatThrownBy(() -> SlotGrid.builder().maxMigrationsInFlight(65))
                    .hasMessageContaining("maxMigrationsInFlight must be between 1 and 64, was 65");
        }
    }

    @Test
    void requestsForASlotAlreadyMigrating_runInOrder() throws Exception {
        try (SlotGrid grid = SlotGrid.builder().nodes(3).jmx(false).build()) {
            fill(grid);
            int owner = grid.table().ownerOf(SLOT);
            List<GridNode> others = grid.nodes().stream().filter(n -> n.id() != owner).toList();
            CompletableFuture<Void> first = grid.migrate(SLOT, others.get(0).name());
            CompletableFuture<Void> second = grid.migrate(SLOT, others.get(1).name());
            CompletableFuture<Void> back = grid.migrate(SLOT, grid.peer(owner).name());
            CompletableFuture.allOf(first, second, back).get(30, TimeUnit.SECONDS);
            assertThat(grid.table().ownerOf(SLOT)).isEqualTo(owner);
            assertThat(grid.migrationStats().cutovers()).isEqualTo(3);
            assertThat(grid.<String, Integer>map("m").mappingCount()).isEqualTo(ENTRIES);
        }
    }
}
