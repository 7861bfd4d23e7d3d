package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;

/**
 * Backups while the layout changes, over loopback sockets: writers go on while a fourth member
 * joins (slots and copies move to it) and one of the first leaves (its slots and copies move off).
 * The copies are re-created through the owners' streams and moved copies replace the old ones in
 * the table, while members adopt each table at slightly different moments. No write may fail for
 * it (an owner with the older table ships to a copy the newer table retired, which says so), every
 * slot ends with its copy, and every key reads its last acknowledged value.
 */
class ReplicasThroughLayoutChangesTest {

    private static final int WRITERS = 3;
    private static final int KEYS = 1_000;
    private static final Duration MAX_WAIT = Duration.ofSeconds(120);

    @Test
    void aJoinAndALeaveUnderLoad_failNoWrite_andLeaveEverySlotWithItsCopy() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("ReplicasThroughLayoutChangesTest seed=" + seed);
        try (SlotGrid grid = Bindings.network().nodes(3).jmx(false).backups(1).build()) {
            AtomicBoolean stop = new AtomicBoolean();
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            List<AtomicReferenceArray<String>> acknowledged = new ArrayList<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                int thread = t;
                AtomicReferenceArray<String> mine = new AtomicReferenceArray<>(KEYS);
                acknowledged.add(mine);
                GridMap<String, String> map = grid.node(t % 2 == 0 ? "node-1" : "node-2").map("kv"); // node-0 leaves
                Random random = new Random(seed + t);
                Thread writer = new Thread(() -> {
                    for (int op = 0; op < 5_000_000 && !stop.get() && failures.size() < 5; op++) {
                        int k = random.nextInt(KEYS);
                        String value = "v" + op;
                        try {
                            map.put("t" + thread + ":" + k, value);
                            mine.set(k, value);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                }, "layout-writer-" + t);
                writers.add(writer);
                writer.start();
            }
            grid.addNode("node-3", 1).get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
            grid.rebalance().get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
            grid.repairReplicas().get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
            int holesAfterJoin = grid.table().replicas().holes();
            int copiesOfTheNewMember = grid.table().replicas().copiesHeldBy(grid.node("node-3").id());
            grid.removeNode("node-0").get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
            grid.repairReplicas().get(MAX_WAIT.toSeconds(), TimeUnit.SECONDS);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(MAX_WAIT.toMillis());
                assertThat(writer.isAlive()).as("writer %s stopped", writer.getName()).isFalse();
            }
            assertThat(failures).as("writes that failed (seed %d)", seed).isEmpty();
            assertThat(holesAfterJoin).as("copies missing after the join").isZero();
            assertThat(copiesOfTheNewMember).as("copies moved to the new member").isGreaterThan(3000);
            assertThat(grid.table().replicas().holes()).as("copies missing after the leave").isZero();
            GridMap<String, String> check = grid.node("node-1").map("kv");
            for (int t = 0; t < WRITERS; t++) {
                for (int k = 0; k < KEYS; k++) {
                    assertThat(check.get("t" + t + ":" + k)).as("t%d:%d (seed %d)", t, k, seed)
                            .isEqualTo(acknowledged.get(t).get(k));
                }
            }
        }
    }
}
