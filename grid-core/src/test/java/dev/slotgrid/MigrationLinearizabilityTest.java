package dev.slotgrid;

import dev.slotgrid.slot.KeySlot;
import java.util.HashMap;
import java.util.Map;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@code get}, {@code put}, {@code remove} and {@code merge} on a few keys while
 * their slot migrates, checked by Lincheck in stress mode. {@code migrate} is itself an operation
 * run concurrently with the others (it moves the keys' slot to the other node and waits for the
 * handover); in the sequential specification it does nothing, since a migration must not be
 * visible in any result. The slot also holds a few thousand entries of ballast so that copies and
 * catch-ups take long enough to overlap the operations.
 */
class MigrationLinearizabilityTest {

    /**
     * The grid under test, built before the test through {@link #builder()}: Lincheck creates
     * {@link MigratingMap} instances by reflection, so they find it here. Test classes run one at a time.
     */
    private static volatile SlotGrid grid;
    private static final String TAG = "lin";
    private static final int SLOT = KeySlot.of(TAG);
    private static final int INVOCATIONS = 300;

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    /**
     * Lincheck stress iterations (of {@value #INVOCATIONS} invocations each): 30 in the default run
     * (about 40 s on two cores, in the JVM of its own that grid-core's pom gives it), more with
     * {@code -Dlincheck.iterations=N} for a deeper search.
     */
    protected int iterations() {
        return Integer.getInteger("lincheck.iterations", 30);
    }

    @BeforeEach
    void open() {
        grid = builder().nodes(2).jmx(false).migrationBatchSize(64).migrationThrottle(1_000_000_000L).build();
        GridMap<String, Integer> ballast = grid.map("ballast");
        for (int i = 0; i < 3_000; i++) {
            ballast.put("{" + TAG + "}:ballast:" + i, i);
        }
    }

    @AfterEach
    void close() {
        grid.close();
    }

    private static String key(int k) {
        return "{" + TAG + "}:" + k;
    }

    @Param(name = "key", gen = IntGen.class, conf = "1:3")
    @Param(name = "value", gen = IntGen.class, conf = "1:5")
    public static class MigratingMap {

        private final GridMap<String, Integer> map;

        public MigratingMap() {
            map = grid.nodes().get(0).map("lin");
            for (int k = 1; k <= 3; k++) {
                map.remove(key(k));
            }
        }

        @Operation
        public Integer get(@Param(name = "key") int k) {
            return map.get(key(k));
        }

        @Operation
        public Integer put(@Param(name = "key") int k, @Param(name = "value") int v) {
            return map.put(key(k), v);
        }

        @Operation
        public Integer remove(@Param(name = "key") int k) {
            return map.remove(key(k));
        }

        @Operation
        public Integer merge(@Param(name = "key") int k, @Param(name = "value") int v) {
            return map.merge(key(k), v, Integer::sum);
        }

        @Operation
        public void migrate() {
            int owner = grid.table().ownerOf(SLOT);
            String other = grid.nodes().get(owner == 0 ? 1 : 0).name();
            grid.migrate(SLOT, other).join();
        }
    }

    /** The sequential specification: a plain map; a migration changes nothing observable. */
    public static class SequentialMap {

        private final Map<Integer, Integer> map = new HashMap<>();

        public Integer get(int k) {
            return map.get(k);
        }

        public Integer put(int k, int v) {
            return map.put(k, v);
        }

        public Integer remove(int k) {
            return map.remove(k);
        }

        public Integer merge(int k, int v) {
            return map.merge(k, v, Integer::sum);
        }

        public void migrate() {
        }
    }

    @Test
    void mapOperations_areLinearizable_whileTheirSlotMigrates() {
        new StressOptions().iterations(iterations()).invocationsPerIteration(INVOCATIONS).threads(3).actorsPerThread(3)
                .sequentialSpecification(SequentialMap.class).check(MigratingMap.class);
        org.assertj.core.api.Assertions.assertThat(grid.migrationStats().cutovers()).as("handovers during the check")
                .isGreaterThan(100);
    }
}
