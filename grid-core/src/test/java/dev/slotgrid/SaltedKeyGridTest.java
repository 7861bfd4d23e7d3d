package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.hotkey.SaltedKey;
import dev.slotgrid.slot.KeySlot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Write heat: a salted counter spreads its writes over nodes, reads fold the parts, nothing is lost. */
class SaltedKeyGridTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    /**
     * How many writes each writer makes in the concurrent tests, given what it makes in-JVM: the serializing
     * run makes fewer (each of its calls is a thread handoff), still far more than the reshapes and reads
     * that run meanwhile.
     */
    protected int writesPerWriter(int inJvm) {
        return inJvm;
    }

    /** Reshapes made while the writers run: they keep writing until there were this many. */
    private static final int MIN_RESHAPES = 20;

    private SlotGrid grid() {
        SlotGrid grid = builder().nodes(4).jmx(false).migrationThrottle(5_000_000).build();
        grid.declareMergeable("counters", "long-sum");
        return grid;
    }

    private static SaltedKey saltOf(SlotGrid grid, String map, Object key) {
        GridNode entry = grid.nodes().get(0);
        return entry.member().hotKeys().state(entry.member().catalog().find(map)).salts.get(key);
    }

    @Test
    void salting_placesPartsOnDistinctNodes_andWritesLandOnTheEntryNodesOwnPart() {
        try (SlotGrid grid = grid()) {
            GridMap<String, Long> counters = grid.map("counters");
            counters.add("likes", 5L);
            grid.salt("counters", "likes", 4);
            SaltedKey salt = saltOf(grid, "counters", "likes");
            Set<Integer> owners = new HashSet<>();
            for (int part = 0; part < 4; part++) {
                owners.add(grid.table().ownerOf(salt.partSlot(part)));
            }
            assertThat(owners).as("one part per node").hasSize(4);
            GridStats before = grid.stats();
            for (GridNode node : grid.nodes()) {
                GridMap<String, Long> local = node.map("counters");
                for (int i = 0; i < 100; i++) {
                    local.add("likes", 1L);
                }
            }
            GridStats writes = grid.stats().since(before);
            for (NodeStats node : writes.nodes()) {
                assertThat(node.operations(OpType.MERGE)).as("each node took its own writes").isEqualTo(100);
            }
            assertThat(counters.get("likes")).isEqualTo(405L);
            assertThat(counters.mappingCount()).as("a salted key is one entry, not one per part").isEqualTo(1);
            assertThat(counters.size()).isEqualTo(1);
            assertThat(grid.stats().entries()).as("the physical count has the parts").isEqualTo(5);
            assertThat(grid.hotKeyStats().saltedKeys()).isEqualTo(1);
            assertThat(grid.hotKeyStats().actions()).extracting(HotKeyAction::type).contains(HotKeyAction.Type.SALTED);
        }
    }

    @Test
    void saltedReads_equalUnsaltedResults_underConcurrentWrites() throws Exception {
        long seed = System.nanoTime();
        System.out.println("SaltedKeyGridTest seed " + seed);
        try (SlotGrid grid = grid()) {
            grid.salt("counters", "salted", 3);
            AtomicLong started = new AtomicLong();
            AtomicLong acknowledged = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<?>> writers = new ArrayList<>();
            int writes = writesPerWriter(50_000);
            for (int t = 0; t < 4; t++) {
                GridMap<String, Long> map = grid.nodes().get(t).map("counters");
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < writes; i++) {
                        started.incrementAndGet();
                        map.add("salted", 1L);
                        map.add("plain", 1L);
                        acknowledged.incrementAndGet();
                    }
                }));
            }
            for (int r = 0; r < 2; r++) {
                GridMap<String, Long> map = grid.nodes().get(r).map("counters");
                pool.submit(() -> {
                    while (!stop.get()) {
                        long low = acknowledged.get();
                        Long value = map.get("salted");
                        long high = started.get();
                        long v = value == null ? 0 : value;
                        if (v < low || v > high) {
                            violations.add("read " + v + " outside [" + low + ", " + high + "]");
                        }
                    }
                });
            }
            for (Future<?> w : writers) {
                w.get(2, TimeUnit.MINUTES);
            }
            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(violations).as("seed %d", seed).isEmpty();
            GridMap<String, Long> map = grid.map("counters");
            assertThat(map.get("salted")).isEqualTo(4L * writes).isEqualTo(map.get("plain"));
        }
    }

    @Test
    void noIncrementIsLost_acrossChangesOfTheNumberOfParts_andMigrationsOfTheirSlots() throws Exception {
        long seed = System.nanoTime();
        System.out.println("SaltedKeyGridTest seed " + seed);
        try (SlotGrid grid = grid()) {
            AtomicLong acknowledged = new AtomicLong();
            AtomicBoolean writing = new AtomicBoolean(true);
            // reshapes completed so far; the writers go on until there were enough of them (or the changer
            // stopped, or the time cap passed), so that the reshapes happen during the writes
            AtomicInteger changesMade = new AtomicInteger();
            AtomicBoolean changerDone = new AtomicBoolean();
            long capNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            List<Future<?>> writers = new ArrayList<>();
            int writes = writesPerWriter(40_000);
            for (int t = 0; t < 4; t++) {
                GridMap<Object, Long> map = grid.nodes().get(t).map("counters");
                writers.add(pool.submit(() -> {
                    for (int i = 0; (i < writes || (changesMade.get() < MIN_RESHAPES && !changerDone.get()))
                            && System.nanoTime() - capNanos < 0; i++) {
                        map.add("hot", 1L);
                        map.add(new byte[] {7, 7}, 2L);
                        acknowledged.incrementAndGet();
                    }
                }));
            }
            Future<Integer> changer = pool.submit(() -> {
                try {
                    Random random = new Random(seed);
                    int changes = 0;
                    while (writing.get() && changes < 2_000) {
                        int parts = random.nextInt(6);
                        grid.salt("counters", "hot", parts);
                        grid.salt("counters", new byte[] {7, 7}, random.nextInt(6));
                        SaltedKey salt = saltOf(grid, "counters", "hot");
                        if (salt != null) {
                            int slot = salt.partSlot(random.nextInt(salt.partCount()));
                            List<GridNode> nodes = grid.nodes();
                            grid.migrate(slot, nodes.get(random.nextInt(nodes.size())).name()).get(30, TimeUnit.SECONDS);
                        }
                        changes = changesMade.incrementAndGet();
                    }
                    return changes;
                } finally {
                    changerDone.set(true);
                }
            });
            for (Future<?> w : writers) {
                w.get(2, TimeUnit.MINUTES);
            }
            writing.set(false);
            int changes = changer.get(1, TimeUnit.MINUTES);
            pool.shutdown();
            assertThat(changes).as("reshapes during the writes").isGreaterThanOrEqualTo(MIN_RESHAPES);
            GridMap<Object, Long> map = grid.map("counters");
            assertThat(map.get("hot")).as("seed %d", seed).isEqualTo(acknowledged.get());
            assertThat(map.get(new byte[] {7, 7})).as("seed %d", seed).isEqualTo(2 * acknowledged.get());
            grid.salt("counters", "hot", 0);
            grid.salt("counters", new byte[] {7, 7}, 0);
            assertThat(map.get("hot")).isEqualTo(acknowledged.get());
            assertThat(map.get(new byte[] {7, 7})).isEqualTo(2 * acknowledged.get());
            assertThat(grid.stats().entries()).as("folded back: the two base entries only").isEqualTo(2);
        }
    }

    /**
     * A node that has just joined owns no slot until its share moves in (its migrations are held
     * up here): salting meanwhile places the parts on the nodes that own slots. It divided by the
     * new node's zero slots before (found by the soak right after a kill's replacement joined).
     */
    @Test
    void salting_whileAJoinedNodeOwnsNoSlotYet_placesThePartsOnNodesThatOwnSlots() throws Exception {
        FaultInjector faults = new FaultInjector();
        faults.delay("node-3", FaultInjector.Kind.MIGRATION, java.time.Duration.ofSeconds(2));
        try (SlotGrid grid = builder().nodes(3).jmx(false).faults(faults).build()) {
            grid.declareMergeable("counters", "long-sum");
            GridMap<String, Long> counters = grid.map("counters");
            counters.add("likes", 5L);
            java.util.concurrent.CompletableFuture<GridNode> joining = grid.addNode("node-3", 1);
            int joined = grid.node("node-3").id();
            assertThat(grid.table().slotCount(joined)).as("the new node's slots, its migrations held up").isZero();
            grid.salt("counters", "likes", 4);
            SaltedKey salt = saltOf(grid, "counters", "likes");
            for (int part = 0; part < 4; part++) {
                assertThat(grid.table().ownerOf(salt.partSlot(part))).as("owner of part %d", part).isNotEqualTo(joined);
            }
            counters.add("likes", 1L);
            assertThat(counters.get("likes")).isEqualTo(6L);
            faults.clear();
            joining.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(counters.get("likes")).isEqualTo(6L);
        }
    }

    @Test
    void aWriteOtherThanMerge_foldsTheKeyBackFirst_andSetsTheWholeValue() {
        try (SlotGrid grid = grid()) {
            GridMap<String, Long> counters = grid.map("counters");
            grid.salt("counters", "k", 3);
            for (GridNode node : grid.nodes()) {
                node.<String, Long>map("counters").add("k", 10L);
            }
            assertThat(counters.get("k")).isEqualTo(40L);
            assertThat(counters.merge("k", 2L, Long::sum)).as("merge on a salted key returns the folded value").isEqualTo(42L);
            assertThat(counters.put("k", 7L)).isEqualTo(42L);
            assertThat(saltOf(grid, "counters", "k")).as("unsalted by the put").isNull();
            assertThat(counters.get("k")).isEqualTo(7L);
            assertThat(grid.stats().entries()).isEqualTo(1);
            assertThat(grid.hotKeyStats().actions()).extracting(HotKeyAction::type).containsSubsequence(
                    HotKeyAction.Type.SALTED, HotKeyAction.Type.UNSALTED);
        }
    }

    @Test
    void setUnion_foldsParts() {
        try (SlotGrid grid = builder().nodes(3).jmx(false).build()) {
            grid.declareMergeable("tags", "set-union");
            grid.salt("tags", "post:1", 3);
            for (GridNode node : grid.nodes()) {
                node.<String, Set<String>>map("tags").add("post:1", Set.of(node.name(), "common"));
            }
            assertThat(grid.<String, Set<String>>map("tags").get("post:1"))
                    .containsExactlyInAnyOrder("node-0", "node-1", "node-2", "common");
        }
    }

    @Test
    void misuse_isNamed() {
        try (SlotGrid grid = builder().nodes(2).jmx(false).build()) {
            assertThatThrownBy(() -> grid.salt("plain", "k", 2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("map 'plain' is not mergeable");
            assertThatThrownBy(() -> grid.<String, Long>map("plain").add("k", 1L)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("declare it with");
            assertThatThrownBy(() -> grid.declareMergeable("m", "max")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("available: long-sum, set-union");
            grid.declareMergeable("m", "long-sum");
            assertThatThrownBy(() -> grid.declareMergeable("m", "set-union")).hasMessageContaining("already mergeable");
            assertThatThrownBy(() -> grid.salt("m", "k", 300)).hasMessageContaining("parts must be between 0 and 256");
            assertThat(KeySlot.of("k")).isBetween(0, 16383);
        }
    }
}
