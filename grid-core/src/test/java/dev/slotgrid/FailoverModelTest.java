package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Synchronous backups and failover in an embedded grid (issue 14): writers on several threads,
 * each owning its keys, remember every write the grid acknowledged (and every write that failed
 * indeterminately, which may or may not have been applied); a member is cut off from every message
 * and declared dead while they write. Half of each writer's keys are written only before the death
 * (what only the backups can have kept), the other half only after it (the promoted owners serve
 * writes). Every key must then read its last acknowledged value (or one of the indeterminate ones
 * written after it) through the survivors, and no slot is lost.
 *
 * <p>The same scenario without backups is the control: the dead member's slots are lost, and the
 * check finds it, so the check can fail.
 */
class FailoverModelTest {

    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    private static final int THREADS = 4;
    private static final int KEYS_PER_THREAD = 500;
    /** Acknowledged writes before the death, and after it, before the writers stop. */
    private static final long WRITES_BEFORE_KILL = 20_000;
    private static final long WRITES_AFTER_KILL = 20_000;
    private static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final long MAX_OPS_PER_THREAD = 2_000_000;

    /** One writer's knowledge of one key. */
    private static final class KeyModel {
        volatile String acknowledged; // null: never acknowledged
        final Set<String> indeterminate = ConcurrentHashMap.newKeySet(); // written after it, outcome unknown
    }

    @Test
    void oneBackup_aMemberDiesUnderLoad_everyAcknowledgedWriteSurvives_andNoSlotIsLost() throws Exception {
        Outcome outcome = run(1);
        assertThat(outcome.wrong).as("keys whose value is not the last acknowledged one (seed %d)", outcome.seed).isEmpty();
        assertThat(outcome.lostKeys).as("keys in lost slots (seed %d)", outcome.seed).isZero();
        assertThat(outcome.acknowledgedAfterKill).as("writes acknowledged after the death").isPositive();
        assertThat(outcome.promotedSlots).as("slots promoted on a backup").isGreaterThan(5000);
    }

    @Test
    void noBackups_theSameDeath_losesTheDeadMembersSlots_andTheCheckSeesIt() throws Exception {
        Outcome outcome = run(0);
        assertThat(outcome.lostKeys).as("keys in lost slots (seed %d)", outcome.seed).isGreaterThan(100);
    }

    private record Outcome(long seed, List<String> wrong, int lostKeys, long acknowledgedAfterKill, int promotedSlots) {
    }

    private Outcome run(int backups) throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("FailoverModelTest backups=" + backups + " seed=" + seed);
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = builder().nodes(3).jmx(false).backups(backups).faults(faults).build()) {
            List<List<KeyModel>> models = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<KeyModel> keys = new ArrayList<>();
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    keys.add(new KeyModel());
                }
                models.add(keys);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean killed = new AtomicBoolean();
            AtomicLong acknowledgedAfterKill = new AtomicLong();
            AtomicLong acknowledged = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            // the writers enter through node-0 and node-2; node-1 dies
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                GridMap<String, String> map = grid.node(t % 2 == 0 ? "node-0" : "node-2").map("kv");
                Random random = new Random(seed + t);
                Thread writer = new Thread(() -> {
                    List<KeyModel> mine = models.get(thread);
                    for (long op = 0; op < MAX_OPS_PER_THREAD && !stop.get(); op++) {
                        boolean afterKill = killed.get();
                        // the first half of the keys is written only before the death: what the backups must have kept
                        int k = random.nextInt(KEYS_PER_THREAD / 2) + (afterKill ? KEYS_PER_THREAD / 2 : 0);
                        String key = "t" + thread + ":k" + k;
                        String value = key + "#" + op;
                        KeyModel model = mine.get(k);
                        try {
                            map.put(key, value);
                            model.acknowledged = value;
                            model.indeterminate.clear();
                            acknowledged.incrementAndGet();
                            if (afterKill) {
                                acknowledgedAfterKill.incrementAndGet();
                            }
                        } catch (IndeterminateOperationException | IllegalStateException | MemberUnavailableException
                                | SlotLostException | RemoteFailureException e) {
                            // may or may not have been applied: the dying member's calls fail this way
                            model.indeterminate.add(value);
                        } catch (Throwable e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }, "failover-writer-" + t);
                writers.add(writer);
                writer.start();
            }
            long start = System.nanoTime();
            Awaitility.await().atMost(MAX_WAIT).until(() -> acknowledged.get() >= WRITES_BEFORE_KILL || !unexpected.isEmpty());
            for (FaultInjector.Kind kind : FaultInjector.Kind.values()) {
                faults.drop("node-1", kind);
            }
            int deadSlots = grid.table().slotCount(1);
            killed.set(true);
            grid.declareDead("node-1");
            Awaitility.await().atMost(MAX_WAIT).until(() -> acknowledgedAfterKill.get() >= WRITES_AFTER_KILL
                    || !unexpected.isEmpty() || backups == 0);
            stop.set(true);
            for (Thread writer : writers) {
                writer.join(Duration.ofSeconds(30).toMillis());
                assertThat(writer.isAlive()).as("writer %s stopped", writer.getName()).isFalse();
            }
            if (!unexpected.isEmpty()) {
                fail("unexpected failure (seed " + seed + ")", unexpected.peek());
            }
            System.out.println("FailoverModelTest ran " + (System.nanoTime() - start) / 1_000_000 + " ms; "
                    + acknowledged.get() + " writes acknowledged, " + acknowledgedAfterKill.get() + " after the death; slots of"
                    + " node-1: " + deadSlots + ", lost: " + grid.table().lostSlots().length + ", now node-0 "
                    + grid.table().slotCount(0) + ", node-2 " + grid.table().slotCount(2));

            GridMap<String, String> check = grid.node("node-0").map("kv");
            List<String> wrong = new ArrayList<>();
            int lostKeys = 0;
            for (int t = 0; t < THREADS; t++) {
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    String key = "t" + t + ":k" + k;
                    KeyModel model = models.get(t).get(k);
                    String actual;
                    try {
                        actual = check.get(key);
                    } catch (SlotLostException e) {
                        lostKeys++;
                        continue;
                    }
                    Set<String> allowed = new HashSet<>(model.indeterminate);
                    allowed.add(model.acknowledged);
                    if (!allowed.contains(actual)) {
                        wrong.add(key + " = " + actual + ", acknowledged " + model.acknowledged + ", indeterminate "
                                + model.indeterminate.size());
                    }
                }
            }
            int promoted = backups == 0 ? 0 : deadSlots - grid.table().lostSlots().length;
            return new Outcome(seed, wrong.size() > 20 ? wrong.subList(0, 20) : wrong, lostKeys, acknowledgedAfterKill.get(),
                    promoted);
        }
    }
}
