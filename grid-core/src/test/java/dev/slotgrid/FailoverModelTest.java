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
 *
 * <p>Two deaths in a row: after the first, the grid re-creates the copies it took (the promoted
 * slots have none) while the writers go on, and then a second member dies. Each writer's keys are
 * split in three bands, written only before the first death, only between the deaths, and only
 * after the second: the first band survives the second death only if the snapshot through the
 * stream copied it, the second only if the stream and the snapshot interleave correctly.
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
        Outcome outcome = run(1, 3, List.of("node-1"));
        assertThat(outcome.wrong).as("keys whose value is not the last acknowledged one (seed %d)", outcome.seed).isEmpty();
        assertThat(outcome.lostKeys).as("keys in lost slots (seed %d)", outcome.seed).isZero();
        assertThat(outcome.acknowledgedAfterKill).as("writes acknowledged after the death").isPositive();
        assertThat(outcome.promotedSlots).as("slots promoted on a backup").isGreaterThan(5000);
    }

    /**
     * Every replication batch delivered twice, the second time a few milliseconds late (after the
     * batches that follow it): each copy applies it once, so the death still loses nothing. A copy
     * that applied duplicates again, or broke on them, fails this.
     */
    @Test
    void oneBackup_replicationBatchesDeliveredTwiceAndLate_areAppliedOnce_andADeathLosesNothing() throws Exception {
        Outcome outcome = run(1, 3, List.of("node-1"), faults -> {
            for (int n = 0; n < 3; n++) {
                faults.duplicate("node-" + n, FaultInjector.Kind.REPLICA, Duration.ofMillis(3));
                faults.duplicate("node-" + n, FaultInjector.Kind.TABLE, Duration.ofMillis(5));
            }
        });
        assertThat(outcome.wrong).as("keys whose value is not the last acknowledged one (seed %d)", outcome.seed).isEmpty();
        assertThat(outcome.lostKeys).as("keys in lost slots (seed %d)", outcome.seed).isZero();
        assertThat(outcome.acknowledgedAfterKill).as("writes acknowledged after the death").isPositive();
    }

    @Test
    void noBackups_theSameDeath_losesTheDeadMembersSlots_andTheCheckSeesIt() throws Exception {
        Outcome outcome = run(0, 3, List.of("node-1"));
        assertThat(outcome.lostKeys).as("keys in lost slots (seed %d)", outcome.seed).isGreaterThan(100);
    }

    @Test
    void oneBackup_twoMembersDieInTurn_theCopiesAreRecreatedBetween_andNothingAcknowledgedIsLost() throws Exception {
        Outcome outcome = run(1, 4, List.of("node-1", "node-2"));
        assertThat(outcome.wrong).as("keys whose value is not the last acknowledged one (seed %d)", outcome.seed).isEmpty();
        assertThat(outcome.lostKeys).as("keys in lost slots (seed %d)", outcome.seed).isZero();
        assertThat(outcome.acknowledgedAfterKill).as("writes acknowledged after the last death").isPositive();
    }

    /**
     * A zombie: node-0 is declared dead but never hears of it (its table publications are dropped),
     * so it still takes writes to the slots it owned. With one backup, none of them is acknowledged:
     * each backup it streams to has promoted its copy or follows the new owner, and refuses the old
     * epoch. The new owners' values stand.
     */
    @Test
    void oneBackup_anOwnerCutOffFromItsDeath_acknowledgesNoWrite_andTheNewOwnersValuesStand() {
        Zombie zombie = zombieWrites(1);
        assertThat(zombie.acknowledged).as("writes the zombie acknowledged").isEmpty();
        assertThat(zombie.refused).as("writes the zombie tried").hasSize(ZOMBIE_KEYS);
        assertThat(zombie.afterwards).as("values read through a living member").allMatch(v -> v.startsWith("before-"));
    }

    /** Without backups, said plainly: the zombie acknowledges writes the grid does not have. */
    @Test
    void noBackups_anOwnerCutOffFromItsDeath_acknowledgesWritesThatAreLost() {
        Zombie zombie = zombieWrites(0);
        assertThat(zombie.acknowledged).as("writes the zombie acknowledged").hasSize(ZOMBIE_KEYS);
        assertThat(zombie.afterwards).as("values read through a living member").allMatch(v -> v.equals("lost"));
    }

    private static final int ZOMBIE_KEYS = 40;

    private record Zombie(List<String> acknowledged, List<String> refused, List<String> afterwards) {
    }

    private Zombie zombieWrites(int backups) {
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = builder().nodes(3).jmx(false).backups(backups).faults(faults).build()) {
            int zombieId = grid.node("node-0").id();
            List<String> keys = new ArrayList<>();
            for (int i = 0; keys.size() < ZOMBIE_KEYS; i++) {
                if (grid.table().ownerOf(grid.slotOf("z" + i)) == zombieId) {
                    keys.add("z" + i);
                }
            }
            GridMap<String, String> living = grid.node("node-2").map("kv");
            for (String key : keys) {
                living.put(key, "before-" + key);
            }
            faults.drop("node-0", FaultInjector.Kind.TABLE); // it never learns of its death
            grid.declareDead("node-0");
            assertThat(grid.node("node-0").table().ownerOf(grid.slotOf(keys.get(0)))).as("the zombie's table")
                    .isEqualTo(zombieId);
            GridMap<String, String> cutOff = grid.node("node-0").map("kv");
            List<String> acknowledged = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (String key : keys) {
                try {
                    cutOff.put(key, "zombie-" + key);
                    acknowledged.add(key);
                } catch (IndeterminateOperationException e) {
                    assertThat(e).hasMessageContaining("refused");
                    refused.add(key);
                }
            }
            List<String> afterwards = new ArrayList<>();
            for (String key : keys) {
                try {
                    afterwards.add(living.get(key));
                } catch (SlotLostException e) {
                    afterwards.add("lost");
                }
            }
            return new Zombie(acknowledged, refused, afterwards);
        }
    }

    private record Outcome(long seed, List<String> wrong, int lostKeys, long acknowledgedAfterKill, int promotedSlots) {
    }

    /**
     * Runs writers while the named members die in turn, the grid re-creating the missing copies
     * between two deaths; the writers enter through the members that stay.
     */
    private Outcome run(int backups, int nodes, List<String> deaths) throws Exception {
        return run(backups, nodes, deaths, faults -> { });
    }

    /** As above, with faults set before the grid starts ({@code prepare}); the deaths' drops come on top. */
    private Outcome run(int backups, int nodes, List<String> deaths, java.util.function.Consumer<FaultInjector> prepare)
            throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("FailoverModelTest backups=" + backups + " nodes=" + nodes + " deaths=" + deaths + " seed=" + seed);
        FaultInjector faults = new FaultInjector();
        prepare.accept(faults);
        int bands = deaths.size() + 1;
        int bandKeys = KEYS_PER_THREAD / bands;
        List<String> entries = new ArrayList<>();
        for (int n = 0; n < nodes; n++) {
            if (!deaths.contains("node-" + n)) {
                entries.add("node-" + n);
            }
        }
        try (SlotGrid grid = builder().nodes(nodes).jmx(false).backups(backups).faults(faults).build()) {
            List<List<KeyModel>> models = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                List<KeyModel> keys = new ArrayList<>();
                for (int k = 0; k < KEYS_PER_THREAD; k++) {
                    keys.add(new KeyModel());
                }
                models.add(keys);
            }
            AtomicBoolean stop = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
            AtomicLong acknowledgedAfterKill = new AtomicLong();
            AtomicLong acknowledged = new AtomicLong();
            ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                GridMap<String, String> map = grid.node(entries.get(t % entries.size())).map("kv");
                Random random = new Random(seed + t);
                Thread writer = new Thread(() -> {
                    List<KeyModel> mine = models.get(thread);
                    for (long op = 0; op < MAX_OPS_PER_THREAD && !stop.get(); op++) {
                        int band = phase.get();
                        boolean afterKill = band == bands - 1;
                        // each band of keys is written only in its phase: what the copies must have kept after it
                        int k = random.nextInt(bandKeys) + band * bandKeys;
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
            int deadSlots = 0;
            for (int d = 0; d < deaths.size(); d++) {
                String dying = deaths.get(d);
                if (d > 0) { // the copies the previous death took are made again while the writers go on
                    long before = acknowledged.get();
                    grid.repairReplicas().get(MAX_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(grid.table().replicas().holes()).as("copies missing after the repair").isZero();
                    Awaitility.await().atMost(MAX_WAIT).until(() -> acknowledged.get() >= before + WRITES_BEFORE_KILL / 4
                            || !unexpected.isEmpty());
                }
                for (FaultInjector.Kind kind : FaultInjector.Kind.values()) {
                    faults.drop(dying, kind);
                }
                deadSlots += grid.table().slotCount(grid.node(dying).id());
                phase.incrementAndGet();
                grid.declareDead(dying);
            }
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
                    + acknowledged.get() + " writes acknowledged, " + acknowledgedAfterKill.get() + " after the last death;"
                    + " slots of the dead: " + deadSlots + ", lost: " + grid.table().lostSlots().length + ", copies missing: "
                    + grid.table().replicas().holes());

            assertThat(grid.stats().nodes()).as("stats after the deaths: the survivors")
                    .extracting(NodeStats::nodeName).containsExactlyInAnyOrderElementsOf(entries);
            GridMap<String, String> check = grid.node(entries.get(0)).map("kv");
            List<String> wrong = new ArrayList<>();
            int lostKeys = 0;
            for (int t = 0; t < THREADS; t++) {
                for (int k = 0; k < bands * bandKeys; k++) {
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
