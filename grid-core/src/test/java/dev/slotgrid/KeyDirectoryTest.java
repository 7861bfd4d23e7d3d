package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.slot.KeySlot;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The directory override: a key pinned to a slot of its own on a node of its own. */
class KeyDirectoryTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    /**
     * Three nodes and a fourth, {@code "dedicated"}, to pin keys to. It is there from the start rather than
     * joining: a join moves 4,096 slots, which over the serializing binding takes many seconds (every
     * handover publishes the table to every member) and is not what these tests are about.
     */
    private SlotGridBuilder withDedicatedNode() {
        return builder().node("node-0", 1).node("node-1", 1).node("node-2", 1).node("dedicated", 1).jmx(false);
    }

    @Test
    void aPinnedKey_livesInAnEmptySlotOnItsNode_andEveryNodeRoutesItThere() {
        try (SlotGrid grid = withDedicatedNode().build()) {
            GridMap<String, String> map = grid.map("m");
            map.put("{tag}:celebrity", "v");
            map.put("{tag}:neighbour", "n");
            GridNode dedicated = grid.nodes().stream().filter(n -> n.name().equals("dedicated")).findFirst().orElseThrow();
            long epoch = grid.table().epoch();

            int slot = grid.pin("m", "{tag}:celebrity", "dedicated");

            SlotTable table = grid.table();
            assertThat(slot).isNotEqualTo(KeySlot.of("tag"));
            assertThat(table.ownerOf(slot)).isEqualTo(dedicated.id());
            assertThat(table.epoch()).isGreaterThan(epoch);
            assertThat(table.pins()).containsValue(slot);
            assertThat(SlotKeys.store(dedicated, slot).entryCount()).as("the key alone in its slot").isEqualTo(1);
            GridStats before = grid.stats();
            for (GridNode node : grid.nodes()) {
                assertThat(node.<String, String>map("m").get("{tag}:celebrity")).isEqualTo("v");
            }
            assertThat(grid.stats().since(before).node("dedicated").operations(OpType.GET)).isEqualTo(4);
            assertThat(map.get("{tag}:neighbour")).isEqualTo("n");
            assertThat(map.put("{tag}:celebrity", "w")).isEqualTo("v");
            assertThat(map.mappingCount()).as("no copy left behind").isEqualTo(2);

            assertThat(grid.unpin("m", "{tag}:celebrity")).isTrue();
            assertThat(grid.table().hasPins()).isFalse();
            assertThat(map.get("{tag}:celebrity")).isEqualTo("w");
            assertThat(SlotKeys.store(dedicated, slot).entryCount()).isZero();
            assertThat(grid.unpin("m", "{tag}:celebrity")).isFalse();
        }
    }

    @Test
    void aNodeWithAStaleTable_readsAndWritesThePinnedKeyRight() {
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = builder().nodes(4).jmx(false).faults(faults).build()) {
            GridMap<String, Long> map = grid.map("m");
            map.put("hot", 1L);
            int owner = grid.table().ownerOf(KeySlot.of("hot"));
            // an entry member that neither owns the key nor takes the pin nor moves it (node-0: the control plane's
            // router), and misses the tables that pin it
            GridNode stale = grid.nodes().stream().filter(n -> n.id() != owner && n.id() != 0 && !n.name().equals("node-2"))
                    .findFirst().orElseThrow();
            SlotTable before = grid.table();
            faults.drop(stale.name(), FaultInjector.Kind.TABLE);
            grid.pin("m", "hot", "node-2");
            assertThat(stale.table()).as("the entry member missed the pin").isSameAs(before);
            GridMap<String, Long> viaStale = stale.map("m");
            assertThat(viaStale.get("hot")).isEqualTo(1L);

            assertThat(grid.unpin("m", "hot")).isTrue();
            grid.pin("m", "hot", "node-2"); // missed again: the stale member still routes by an older directory
            assertThat(stale.table().epoch()).isLessThan(grid.table().epoch());
            assertThat(viaStale.merge("hot", 1L, Long::sum)).isEqualTo(2L);
            assertThat(map.get("hot")).isEqualTo(2L);
            assertThat(map.mappingCount()).isEqualTo(1);
        }
    }

    /**
     * A pin is published member by member; while the pin's new owner has not adopted it yet, an entry
     * member that has routes reads of the key to it, and the owner (by its older table) answers MOVED.
     * The read must wait for the owner to catch up (the publication is in progress), not spend its
     * redirects on a member that is merely behind. A slow publication to the owner (500 ms here) makes
     * the window wide enough to hit every time; over the serializing binding the window of an ordinary
     * publication is wide enough too ({@link #pinningAndUnpinningUnderConcurrentWrites_losesNothing}).
     */
    @Test
    void aReadOfAPinnedKey_whileThePinsOwnerIsStillBehind_waitsForItInsteadOfGivingUp() throws Exception {
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = builder().nodes(4).jmx(false).faults(faults).build()) {
            GridMap<String, String> map = grid.map("m");
            map.put("hot", "v");
            int natural = KeySlot.of("hot");
            // the last member a table is published to, so that every other member has the new pin while it waits
            GridNode target = grid.nodes().get(3);
            GridNode entry = grid.nodes().stream().filter(n -> n.id() != target.id()
                    && n.id() != grid.table().ownerOf(natural)).findFirst().orElseThrow();
            int first = grid.pin("m", "hot", "node-2"); // every member has this pin
            faults.delay(target.name(), FaultInjector.Kind.TABLE, Duration.ofMillis(500));
            CompletableFuture<Integer> pin = CompletableFuture.supplyAsync(() -> grid.pin("m", "hot", target.name()));
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .until(() -> !entry.table().pins().containsValue(first));
            assertThat(target.table().pins()).as("the pin's new owner still has the pin before").containsValue(first);
            assertThat(entry.<String, String>map("m").get("hot")).isEqualTo("v");
            int slot = pin.get(30, TimeUnit.SECONDS);
            assertThat(grid.table().ownerOf(slot)).isEqualTo(target.id());
            assertThat(entry.<String, String>map("m").get("hot")).isEqualTo("v");
        }
    }

    @Test
    void pinningAndUnpinningUnderConcurrentWrites_losesNothing() throws Exception {
        long seed = System.nanoTime();
        System.out.println("KeyDirectoryTest seed " + seed);
        try (SlotGrid grid = withDedicatedNode().build()) {
            String[] keys = {"{s}:hot", "{s}:a", "{s}:b", "other"};
            AtomicLongArray acknowledged = new AtomicLongArray(keys.length);
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            // more writers than cores: preemption inside admission is what once let a stale write through
            for (int t = 0; t < 8; t++) {
                int thread = t;
                Thread writer = new Thread(() -> {
                    Random random = new Random(seed + thread);
                    GridMap<String, Long> map = grid.nodes().get(thread % grid.nodes().size()).map("counters");
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (!stop.get() && System.nanoTime() < deadline) {
                        int k = random.nextInt(keys.length);
                        try {
                            map.merge(keys[k], 1L, Long::sum);
                            acknowledged.incrementAndGet(k);
                        } catch (Throwable e) {
                            failures.add(e);
                            return;
                        }
                    }
                });
                writers.add(writer);
                writer.start();
            }
            int moves = 0;
            for (int i = 0; i < 60; i++) {
                grid.pin("counters", "{s}:hot", i % 2 == 0 ? "dedicated" : "node-1");
                if (i % 3 == 0) {
                    grid.unpin("counters", "{s}:hot");
                }
                moves++;
            }
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertThat(failures).as("seed %d", seed).isEmpty();
            assertThat(moves).isEqualTo(60);
            GridMap<String, Long> map = grid.map("counters");
            for (int k = 0; k < keys.length; k++) {
                assertThat(map.get(keys[k])).as("%s, seed %d", keys[k], seed).isEqualTo(acknowledged.get(k));
            }
            assertThat(map.mappingCount()).isEqualTo(keys.length);
        }
    }
}
