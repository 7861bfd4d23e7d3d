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
    private static final int ENTRIES = 20_000;
    private static final int THROTTLE = 2_000;
    private static final int BATCH = 50;
    /**
     * What the throttle promises: by {@code t} seconds after the migration's start at most
     * {@code THROTTLE * t + SLACK} entries are shipped (Throttle is a token bucket that starts full
     * with a tenth of a second's worth, 200, and lets a caller run up to 200 into debt before it
     * waits; a batch of 50 is taken whole; the 256 tokens the migration's overhead takes first only
     * lower the count). So the copy of {@link #ENTRIES} takes at least 9.7 s, and a test that has seen
     * 500 or 1,000 entries moved finds the copy still running unless it was itself kept off the CPU
     * for that long.
     */
    private static final int SLACK = 200 + 200 + BATCH;
    /** How long a test waits for a whole throttled copy (about 10 s). */
    private static final long COPY_TIMEOUT_SECONDS = 60;

    private static SlotGrid slowGrid() {
        // 2,000 entries/s: copying the slot's 20,000 entries takes about 10 s
        return SlotGrid.builder().nodes(3).jmx(false).migrationThrottle(THROTTLE).migrationBatchSize(BATCH).build();
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
            SlotStore targetBefore = SlotKeys.store(targetNode, SLOT);

            CompletableFuture<Void> migration = grid.migrate(SLOT, target);
            Awaitility.await().atMost(Duration.ofSeconds(COPY_TIMEOUT_SECONDS))
                    .until(() -> grid.migrationStats().entriesMoved() >= 500);
            assertThat(grid.table().migratingTo(SLOT)).isEqualTo(targetNode.id());
            assertThat(SlotKeys.store(targetNode, SLOT).state()).isEqualTo(SlotStore.IMPORTING);
            map.put("{" + TAG + "}:during", -1); // a write while it copies

            assertThat(grid.cancelMigration(SLOT)).isTrue();
            assertThatThrownBy(() -> migration.get(COPY_TIMEOUT_SECONDS, TimeUnit.SECONDS))
                    .isInstanceOf(CancellationException.class).hasMessageContaining("the source keeps it");

            assertThat(grid.table().ownerOf(SLOT)).isEqualTo(owner);
            assertThat(grid.table().migratingTo(SLOT)).isEqualTo(-1);
            assertThat(SlotKeys.store(SlotKeys.byId(grid, owner), SLOT).state()).isEqualTo(SlotStore.OWNED);
            assertThat(SlotKeys.store(targetNode, SLOT)).as("the target keeps no residue").isSameAs(targetBefore);
            assertThat(grid.stats().node(target).entries()).isZero();
            assertThat(map.mappingCount()).isEqualTo(ENTRIES + 1);
            for (int i = 0; i < ENTRIES; i += 97) {
                assertThat(map.get("{" + TAG + "}:" + i)).isEqualTo(i);
            }
            assertThat(grid.migrationStats().slotsCancelled()).isEqualTo(1);
            assertThat(grid.cancelMigration(SLOT)).as("nothing left to cancel").isFalse();
            // the slot can still move afterwards
            grid.migrate(SLOT, target).get(COPY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(grid.table().ownerOf(SLOT)).isEqualTo(targetNode.id());
            assertThat(map.get("{" + TAG + "}:during")).isEqualTo(-1);
        }
    }

    @Test
    void progressAndCutoverWindows_areVisibleInStats() throws Exception {
        try (SlotGrid grid = slowGrid()) {
            GridMap<String, Integer> map = fill(grid);
            long before = System.nanoTime();
            CompletableFuture<Void> migration = grid.migrate(SLOT, otherNode(grid));
            Awaitility.await().atMost(Duration.ofSeconds(COPY_TIMEOUT_SECONDS))
                    .until(() -> grid.migrationStats().entriesMoved() >= 1_000);
            MigrationStats during = grid.migrationStats();
            double elapsed = (System.nanoTime() - before) / 1e9;
            String seen = String.format("%s, %.2f s after the request", during, elapsed);
            assertThat(during.slotsLeft()).as(seen).isEqualTo(1);
            assertThat(during.slotsInFlight()).as(seen).isEqualTo(1);
            // the rate is the entries moved over the time since the request (this grid's first migration):
            // at least what this thread measures over a longer span, which needs no CPU for the migration;
            // and at most what the throttle lets through, 2,000/s plus its slack over the >= 0.27 s it takes
            // to ship 1,000 entries (< 3,700/s)
            double measuredRate = during.entriesMoved() / elapsed;
            assertThat(during.entriesPerSecond()).as("throttled to 2,000/s; %s", seen)
                    .isBetween(measuredRate * 0.999, 4_000.0);
            assertThat(during.entriesLeft()).as(seen).isBetween(1L, (long) ENTRIES);
            assertThat(during.eta()).as(seen).isPresent();
            // the estimate is the entries left at that rate: between their time at the throttle's bound and
            // their time at the rate this thread measured (1 ms for rounding)
            assertThat(during.eta().get()).as(seen).isBetween(
                    Duration.ofMillis((long) (1000.0 * during.entriesLeft() / 4_000.0) - 1),
                    Duration.ofMillis((long) Math.ceil(1000.0 * during.entriesLeft() / measuredRate) + 1));
            assertThat(grid.stats().migrations().slotsLeft()).isEqualTo(1);

            migration.get(COPY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
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
            CompletableFuture<Void> back = grid.migrate(SLOT, SlotKeys.byId(grid, owner).name());
            CompletableFuture.allOf(first, second, back).get(COPY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(grid.table().ownerOf(SLOT)).isEqualTo(owner);
            assertThat(grid.migrationStats().cutovers()).isEqualTo(3);
            assertThat(grid.<String, Integer>map("m").mappingCount()).isEqualTo(ENTRIES);
        }
    }
}
