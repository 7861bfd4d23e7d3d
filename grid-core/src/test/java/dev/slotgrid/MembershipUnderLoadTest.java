package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.slot.Move;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.PlacementPlanner;
import dev.slotgrid.slot.Plan;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Nodes join and leave while writers run; the planner's moves, and only they, are carried out. */
class MembershipUnderLoadTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    private static final int WRITERS = 4;
    private static final int KEYS_PER_WRITER = 10_000;

    @Test
    void threeToFourNodes_underLoad_movesExactlyThePlannedSlots_andLosesNothing() throws Exception {
        long seed = System.nanoTime();
        System.out.println("MembershipUnderLoadTest seed " + seed);
        try (SlotGrid grid = builder().nodes(3).jmx(false).migrationThrottle(5_000_000).build()) {
            Load load = new Load(grid, seed);
            load.start();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> load.ops.get() > 50_000);

            SlotTable before = grid.table();
            List<NodeInfo> members = new ArrayList<>(before.nodes());
            members.add(new NodeInfo(3, "node-3", 1));
            Plan plan = PlacementPlanner.plan(before, members);
            long doneBefore = grid.migrationStats().slotsDone();

            GridNode added = grid.addNode("node-3", 1).get(2, TimeUnit.MINUTES);
            long opsAtJoin = load.ops.get();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> load.ops.get() > opsAtJoin + 50_000);
            load.stop();

            SlotTable after = grid.table();
            Set<Integer> changed = new HashSet<>();
            for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
                if (after.ownerOf(slot) != before.ownerOf(slot)) {
                    changed.add(slot);
                    assertThat(after.ownerOf(slot)).isEqualTo(added.id());
                }
            }
            Set<Integer> planned = new HashSet<>();
            for (Move move : plan.moves()) {
                planned.add(move.slot());
            }
            assertThat(planned).hasSize(4096);
            assertThat(changed).isEqualTo(planned);
            assertThat(grid.migrationStats().slotsDone() - doneBefore).isEqualTo(4096);
            for (GridNode node : grid.nodes()) {
                assertThat(after.slotCount(node.id())).isEqualTo(4096);
                assertThat(node.stats().slotsOwned()).isEqualTo(4096);
            }
            assertThat(grid.stats().node("node-3").entries()).isPositive();
            load.verify();
        }
    }

    @Test
    void removingANode_underLoad_movesItsSlotsAway_andLosesNothing() throws Exception {
        long seed = System.nanoTime();
        System.out.println("MembershipUnderLoadTest seed " + seed);
        try (SlotGrid grid = builder().nodes(4).jmx(false).migrationThrottle(5_000_000).build()) {
            Load load = new Load(grid, seed);
            load.start();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> load.ops.get() > 50_000);
            SlotTable before = grid.table();
            int leavingSlots = before.slotCount(1);

            grid.removeNode("node-1").get(2, TimeUnit.MINUTES);
            load.stop();

            SlotTable after = grid.table();
            assertThat(after.node(1)).isNull();
            int changed = 0;
            for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
                if (after.ownerOf(slot) != before.ownerOf(slot)) {
                    changed++;
                    assertThat(before.ownerOf(slot)).as("only the leaving node's slots move").isEqualTo(1);
                }
            }
            assertThat(changed).isEqualTo(leavingSlots);
            for (GridNode node : grid.nodes()) {
                assertThat(after.slotCount(node.id())).isBetween(5461, 5462);
            }
            load.verify();
        }
    }

    /** Writers through every node, each owning its keys' writes; the model is checked at once and at the end. */
    private static final class Load {
        private final SlotGrid grid;
        private final long seed;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicLong ops = new AtomicLong();
        private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        private final List<Map<String, Long>> models = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();

        Load(SlotGrid grid, long seed) {
            this.grid = grid;
            this.seed = seed;
        }

        void start() {
            for (int t = 0; t < WRITERS; t++) {
                Map<String, Long> model = new HashMap<>();
                models.add(model);
                int writer = t;
                Thread thread = new Thread(() -> run(writer, model), "load-" + t);
                threads.add(thread);
                thread.start();
            }
        }

        private void run(int writer, Map<String, Long> model) {
            Random random = new Random(seed + writer);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            for (long i = 0; i < 50_000_000 && !stop.get() && System.nanoTime() < deadline; i++) {
                List<GridNode> nodes = grid.nodes();
                GridMap<String, Long> map = nodes.get(random.nextInt(nodes.size())).map("load");
                String key = "w" + writer + ":" + random.nextInt(KEYS_PER_WRITER);
                try {
                    switch (random.nextInt(4)) {
                        case 0 -> check(map.put(key, i), model.put(key, i), key);
                        case 1 -> check(map.remove(key), model.remove(key), key);
                        case 2 -> check(map.merge(key, 1L, Long::sum), model.merge(key, 1L, Long::sum), key);
                        default -> check(map.get(key), model.get(key), key);
                    }
                } catch (Throwable e) {
                    failures.add(new AssertionError("writer " + writer + " op " + i + " seed " + seed, e));
                    return;
                }
                ops.incrementAndGet();
            }
        }

        private static void check(Long actual, Long expected, String key) {
            if (!java.util.Objects.equals(actual, expected)) {
                throw new AssertionError(key + ": grid said " + actual + ", model " + expected);
            }
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }

        void verify() {
            assertThat(failures).as("seed %d", seed).isEmpty();
            long present = 0;
            for (int t = 0; t < WRITERS; t++) {
                Map<String, Long> model = models.get(t);
                present += model.size();
                for (GridNode entry : grid.nodes()) {
                    GridMap<String, Long> map = entry.map("load");
                    for (int k = 0; k < KEYS_PER_WRITER; k++) {
                        String key = "w" + t + ":" + k;
                        assertThat(map.get(key)).as("%s via %s, seed %d", key, entry.name(), seed).isEqualTo(model.get(key));
                    }
                }
            }
            assertThat(grid.<String, Long>map("load").mappingCount()).as("no removed key came back").isEqualTo(present);
        }
    }
}
