package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.History.Event;
import dev.slotgrid.History.Op;
import dev.slotgrid.History.Outcome;
import dev.slotgrid.LinearizabilityChecker.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link GridMap}'s single-key operations as registers, checked by
 * {@link LinearizabilityChecker} on a recorded history: {@value #CLIENTS} clients issue
 * {@code get}, {@code put} (unique values, so a read names the write it saw), {@code replace(key,
 * expected, new)} from the value the client last saw, and {@code remove} on {@value #KEYS} keys in
 * distinct slots, each call through a node chosen at random: on a still grid of three nodes; while
 * those slots migrate back and forth (at least {@value #MIN_CUTOVERS_DURING} cutovers inside the
 * history); the same over {@link TransportMode#NETWORK}; and while the members owning the keys die
 * in turn (one backup), in one JVM and over the network. A zombie owner's stale reads are caught.
 * A control shows the same workload and
 * check failing on this grid where it documents that reads may be stale (near-cached keys, with a
 * member that no invalidation reaches).
 *
 * <p>Assumes what {@link GridMap} documents: every single-key operation is atomic and linearizable,
 * also during a migration; {@link IndeterminateOperationException} means "may or may not have been
 * applied" and {@link MemberUnavailableException} "nothing changed". Any other exception is
 * recorded as indeterminate (the safe reading for the check) and fails the test on its own.
 */
class GridMapLinearizabilityTest {

    private static final int CLIENTS = 4;
    private static final int KEYS = 5;
    /** Operations each client runs at least. */
    private static final int OPS_PER_CLIENT = 1_500;
    /**
     * Operations each client runs at most: in-JVM a call takes microseconds and a migration about a
     * millisecond, so while slots migrate the clients go on past their minimum until
     * {@value #MIN_CUTOVERS_DURING} cutovers fell inside the history.
     */
    private static final int MAX_OPS_PER_CLIENT = 25_000;
    private static final int MIN_CUTOVERS_DURING = 30;
    /** Each client stops after this long, whatever its count. */
    private static final Duration CLIENT_CAP = Duration.ofSeconds(20);
    /** Entries of another map in each key's slot, so that a migration's copy and catch-up take a while. */
    private static final int BALLAST_PER_SLOT = 300;
    private static final String MAP = "registers";

    @Test
    void registerOperations_onAStillGridOfThreeNodes_areLinearizable() throws Exception {
        assertLinearizable(run("still, in-JVM", Bindings.inJvm(), false, Prepare.NOTHING));
    }

    @Test
    void registerOperations_whileTheirSlotsMigrateBackAndForth_areLinearizable() throws Exception {
        assertLinearizable(run("migrating, in-JVM", Bindings.inJvm(), true, Prepare.NOTHING));
    }

    @Test
    void registerOperations_overTheNetwork_whileTheirSlotsMigrate_areLinearizable() throws Exception {
        assertLinearizable(run("migrating, network", Bindings.network(), true, Prepare.NOTHING));
    }

    /**
     * Two of four members die in turn under the clients (cut off by faults, then declared dead),
     * the copies re-created between the deaths: with one backup, each key's register stays
     * linearizable across both promotions. The keys live on the members that die; the clients
     * enter through the two that stay (a cut-off member is a zombie whose reads are stale, which
     * split-brain protection, not built yet, would refuse).
     */
    @Test
    void registerOperations_whileTheMembersOwningThemDieInTurn_areLinearizable() throws Exception {
        runWithDeaths("two deaths, backups 1, in-JVM", Bindings.inJvm());
    }

    @Test
    void registerOperations_overTheNetwork_whileTheMembersOwningThemDieInTurn_areLinearizable() throws Exception {
        runWithDeaths("two deaths, backups 1, network", Bindings.network());
    }

    private static void runWithDeaths(String scenario, SlotGridBuilder builder) throws Exception {
        FaultInjector faults = new FaultInjector();
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("GridMapLinearizabilityTest (" + scenario + ") seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        try (SlotGrid grid = builder.nodes(4).jmx(false).backups(1).faults(faults).build()) {
            List<String> keys = new ArrayList<>(keysOwnedBy(grid, "node-0", 3));
            keys.addAll(keysOwnedBy(grid, "node-1", KEYS - 3));
            Workload workload = new Workload(grid, keys, seed, List.of("node-2", "node-3"), true);
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                long startNanos = System.nanoTime();
                workload.start(pool);
                for (String dying : List.of("node-0", "node-1")) {
                    long before = workload.history.events().size();
                    Awaitility.await("operations before " + dying + " dies").atMost(CLIENT_CAP)
                            .until(() -> workload.history.events().size() > before + CLIENTS * 200L || workload.finished());
                    if (dying.equals("node-1")) {
                        grid.repairReplicas().get(CLIENT_CAP.toSeconds(), TimeUnit.SECONDS);
                        assertThat(grid.table().replicas().holes()).as("copies missing before the second death").isZero();
                    }
                    for (FaultInjector.Kind kind : FaultInjector.Kind.values()) {
                        faults.drop(dying, kind);
                    }
                    grid.declareDead(dying);
                }
                long before = workload.history.events().size();
                Awaitility.await("operations after the deaths").atMost(CLIENT_CAP)
                        .until(() -> workload.history.events().size() > before + CLIENTS * 200L || workload.finished());
                workload.enough.set(true);
                workload.join();
                assertThat(grid.table().lostSlots()).as("slots lost").isEmpty();
                Run run = check(scenario, seed, workload, System.nanoTime() - startNanos, 0, new long[2], new long[2],
                        0, false);
                assertLinearizable(run);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * The control of the deaths: node-0 is cut off only from tables (it never learns of its death)
     * and a client still calls through it. Each key it owned is written through node-2 after the
     * promotion, then read through node-0, which serves its own stale copy: every such key must
     * fail the check. (Its writes fail at the fence; its reads are what split-brain protection
     * would refuse.)
     */
    @Test
    void aZombieOwnerStillServingReads_isFoundNotLinearizable() {
        FaultInjector faults = new FaultInjector();
        try (SlotGrid grid = Bindings.inJvm().nodes(4).jmx(false).backups(1).faults(faults).build()) {
            List<String> keys = keysOwnedBy(grid, "node-0", KEYS);
            GridMap<String, Integer> viaZombie = grid.node("node-0").map(MAP);
            GridMap<String, Integer> viaNode2 = grid.node("node-2").map(MAP);
            History history = new History();
            for (int k = 0; k < keys.size(); k++) {
                put(history, 0, viaZombie, keys.get(k), -1 - 2 * k);
            }
            faults.drop("node-0", FaultInjector.Kind.TABLE);
            grid.declareDead("node-0");
            for (int k = 0; k < keys.size(); k++) {
                put(history, 1, viaNode2, keys.get(k), -2 - 2 * k);
                get(history, 0, viaZombie, keys.get(k));
            }
            Result result = new LinearizabilityChecker().check(history);
            assertThat(result.keys()).as("every key read stale through the zombie: %s", result)
                    .hasSize(KEYS)
                    .allSatisfy(key -> assertThat(key.verdict()).isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE));
        }
    }

    /** {@code count} register keys in distinct slots owned by {@code node} in the grid's table now. */
    private static List<String> keysOwnedBy(SlotGrid grid, String node, int count) {
        List<String> keys = new ArrayList<>();
        for (int s = 0; s < dev.slotgrid.slot.SlotTable.SLOTS && keys.size() < count; s += 997) {
            if (grid.table().ownerOf(s) == grid.node(node).id()) {
                keys.add("{" + SlotKeys.tagForSlot(s) + "}:register");
            }
        }
        assertThat(keys).as("keys on %s", node).hasSize(count);
        return keys;
    }

    /**
     * The control: the keys near-cached (documented as served from copies up to the TTL old) and
     * node-1 deaf to invalidations. Before the clients start, one more client reads each key through
     * node-1 (its copy), writes it through node-0 and reads it through node-1 again, within the TTL:
     * that second read returns the superseded value, so every key must fail the check.
     */
    @Test
    void nearCachedKeys_thatAMemberHearsNoInvalidationOf_areFoundNotLinearizable() throws Exception {
        FaultInjector faults = new FaultInjector();
        Run run = run("control: near cache, node-1 deaf, network", Bindings.network().faults(faults), false,
                (grid, keys, history) -> {
                    keys.forEach(key -> grid.nearCache(MAP, key, true));
                    faults.drop("node-1", FaultInjector.Kind.HOT_KEY);
                    GridMap<String, Integer> viaNode0 = grid.node("node-0").map(MAP);
                    GridMap<String, Integer> viaNode1 = grid.node("node-1").map(MAP);
                    int client = CLIENTS;
                    for (int k = 0; k < keys.size(); k++) {
                        String key = keys.get(k);
                        put(history, client, viaNode0, key, -1 - 2 * k);
                        get(history, client, viaNode1, key);
                        put(history, client, viaNode0, key, -2 - 2 * k);
                        get(history, client, viaNode1, key);
                    }
                });
        assertThat(run.result().verdict()).as("%s: %s", run, run.result())
                .isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE);
        assertThat(run.result().keys()).as("%s: every key was read stale through node-1", run)
                .allSatisfy(key -> assertThat(key.verdict()).isEqualTo(LinearizabilityChecker.Verdict.NOT_LINEARIZABLE));
    }

    private static void put(History history, int client, GridMap<String, Integer> map, String key, int value) {
        long h = history.invoke(client, key, Op.write(value));
        map.put(key, value);
        history.ok(h, null);
    }

    private static void get(History history, int client, GridMap<String, Integer> map, String key) {
        long h = history.invoke(client, key, Op.read());
        history.ok(h, map.get(key));
    }

    /** What a scenario does to the grid (and may record) before its clients start. */
    @FunctionalInterface
    private interface Prepare {
        Prepare NOTHING = (grid, keys, history) -> { };

        void on(SlotGrid grid, List<String> keys, History history);
    }

    /** What one scenario's history showed. */
    private record Run(String scenario, long seed, Result result, List<Event> events, List<Throwable> unexpected,
            long cutoversDuring, long slotsFailed, boolean migrated) {

        @Override
        public String toString() {
            return scenario + ", seed " + seed;
        }
    }

    private static void assertLinearizable(Run run) {
        assertThat(run.result().linearizable()).as("%s: %s", run, run.result()).isTrue();
        assertThat(run.unexpected()).as("%s: exceptions the grid does not document", run).isEmpty();
        long ok = run.events().stream().filter(e -> e.outcome() == Outcome.OK).count();
        assertThat(ok).as("%s: operations that completed (the rest constrain less)", run)
                .isGreaterThanOrEqualTo(run.events().size() * 95L / 100);
        assertThat(run.events()).as("%s: operations recorded", run).hasSizeGreaterThanOrEqualTo(CLIENTS * OPS_PER_CLIENT);
        if (run.migrated()) {
            assertThat(run.cutoversDuring()).as("%s: cutovers of the keys' slots during the history", run)
                    .isGreaterThanOrEqualTo(MIN_CUTOVERS_DURING);
            assertThat(run.slotsFailed()).as("%s: failed migrations", run).isZero();
        }
    }

    private static Run run(String scenario, SlotGridBuilder builder, boolean migrate, Prepare prepare) throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("GridMapLinearizabilityTest (" + scenario + ") seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        Map<Integer, String> tags = SlotKeys.tagsInDistinctSlots(KEYS);
        List<Integer> slots = new ArrayList<>(tags.keySet());
        List<String> keys = tags.values().stream().map(tag -> "{" + tag + "}:register").toList();
        try (SlotGrid grid = builder.nodes(3).jmx(false).migrationBatchSize(32).build()) {
            GridMap<String, Integer> ballast = grid.map("ballast");
            for (String tag : tags.values()) {
                for (int i = 0; i < BALLAST_PER_SLOT; i++) {
                    ballast.put("{" + tag + "}:ballast:" + i, i);
                }
            }
            Workload workload = new Workload(grid, keys, seed, null, false);
            prepare.on(grid, keys, workload.history);
            AtomicBoolean clientsDone = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS + 1);
            try {
                Future<?> migrator = null;
                if (migrate) {
                    migrator = pool.submit(() -> {
                        RandomMigrations.run(grid, slots, new Random(seed), () -> !clientsDone.get(), new AtomicInteger());
                        return null;
                    });
                    long before = grid.migrationStats().cutovers();
                    Awaitility.await("the first cutovers").atMost(CLIENT_CAP)
                            .until(() -> grid.migrationStats().cutovers() > before + 2);
                }
                long cutoversBefore = grid.migrationStats().cutovers();
                long[] routingBefore = routing(grid);
                workload.enough.set(!migrate);
                long startNanos = System.nanoTime();
                workload.start(pool);
                if (migrate) {
                    // polled often: in-JVM the clients run some 300,000 operations a second
                    Awaitility.await(MIN_CUTOVERS_DURING + " cutovers during the history").atMost(CLIENT_CAP)
                            .pollInterval(Duration.ofMillis(2)).until(() -> grid.migrationStats().cutovers() - cutoversBefore >= MIN_CUTOVERS_DURING
                                    || workload.finished());
                }
                workload.enough.set(true);
                workload.join();
                long historyNanos = System.nanoTime() - startNanos;
                long cutoversDuring = grid.migrationStats().cutovers() - cutoversBefore;
                long[] routingAfter = routing(grid);
                clientsDone.set(true);
                if (migrator != null) {
                    migrator.get(60, TimeUnit.SECONDS);
                }

                return check(scenario, seed, workload, historyNanos, cutoversDuring, routingBefore, routingAfter,
                        grid.migrationStats().slotsFailed(), migrate);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static Run check(String scenario, long seed, Workload workload, long historyNanos, long cutoversDuring,
            long[] routingBefore, long[] routingAfter, long slotsFailed, boolean migrate) {
        long checkStart = System.nanoTime();
        Result result = new LinearizabilityChecker().check(workload.history);
        long checkNanos = System.nanoTime() - checkStart;
        List<Event> events = workload.history.events();
        System.out.printf("GridMapLinearizabilityTest (%s) seed=%d: %d operations (%d ok) in %d ms, %d cutovers,"
                + " %d redirects followed and %d cutover retries during them; check %d ms: %s%n", scenario, seed,
                events.size(), events.stream().filter(e -> e.outcome() == Outcome.OK).count(),
                historyNanos / 1_000_000, cutoversDuring, routingAfter[0] - routingBefore[0],
                routingAfter[1] - routingBefore[1], checkNanos / 1_000_000,
                result.message().lines().findFirst().orElse(""));
        workload.unexpected.forEach(Throwable::printStackTrace);
        return new Run(scenario, seed, result, events, List.copyOf(workload.unexpected), cutoversDuring, slotsFailed,
                migrate);
    }

    /** Redirects followed and cutover retries, summed over the nodes. */
    private static long[] routing(SlotGrid grid) {
        List<NodeStats> nodes = grid.stats().nodes();
        return new long[] {nodes.stream().mapToLong(NodeStats::redirectsFollowed).sum(),
            nodes.stream().mapToLong(NodeStats::tryAgainRetries).sum()};
    }

    /** The clients and what they recorded. */
    private static final class Workload {
        final History history = new History();
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        /** Set when the scenario has seen what it needs (the cutovers); the clients may stop after their minimum. */
        final AtomicBoolean enough = new AtomicBoolean();
        private final List<Future<?>> clients = new ArrayList<>();
        private final SlotGrid grid;
        private final List<String> keys;
        private final long seed;
        private final List<String> entryNodes; // the nodes clients call through; null: every node
        private final boolean deaths; // members die: their calls may fail with what a death causes

        Workload(SlotGrid grid, List<String> keys, long seed, List<String> entryNodes, boolean deaths) {
            this.grid = grid;
            this.keys = keys;
            this.seed = seed;
            this.entryNodes = entryNodes;
            this.deaths = deaths;
        }

        /** Starts the clients; each stops at its cap, or once {@link #enough} is set and it has done its minimum. */
        void start(ExecutorService pool) {
            CountDownLatch go = new CountDownLatch(1);
            long capNanos = System.nanoTime() + CLIENT_CAP.toNanos();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    go.await();
                    runClient(client, capNanos);
                    return null;
                }));
            }
            go.countDown();
        }

        boolean finished() {
            return clients.stream().allMatch(Future::isDone);
        }

        void join() throws Exception {
            for (Future<?> client : clients) {
                client.get(CLIENT_CAP.toSeconds() + 30, TimeUnit.SECONDS);
            }
        }

        private void runClient(int client, long capNanos) {
            Random random = new Random(seed * 31 + client);
            List<GridMap<String, Integer>> entries = entryNodes == null
                    ? grid.nodes().stream().map(n -> n.<String, Integer>map(MAP)).toList()
                    : entryNodes.stream().map(n -> grid.node(n).<String, Integer>map(MAP)).toList();
            Map<String, Integer> lastSeen = new HashMap<>();
            for (int seq = 0; seq < MAX_OPS_PER_CLIENT && System.nanoTime() < capNanos
                    && (seq < OPS_PER_CLIENT || !enough.get()); seq++) {
                GridMap<String, Integer> map = entries.get(random.nextInt(entries.size()));
                String key = keys.get(random.nextInt(keys.size()));
                Integer seen = lastSeen.get(key);
                int value = client * 1_000_000 + seq;
                int dice = random.nextInt(10);
                if (dice < 4) {
                    long h = history.invoke(client, key, Op.read());
                    try {
                        Integer read = map.get(key);
                        history.ok(h, read);
                        lastSeen.put(key, read);
                    } catch (RuntimeException e) {
                        failed(h, e);
                    }
                } else if (dice < 7 || (dice < 9 && seen == null)) {
                    long h = history.invoke(client, key, Op.write(value));
                    try {
                        map.put(key, value);
                        history.ok(h, null);
                        lastSeen.put(key, value);
                    } catch (RuntimeException e) {
                        failed(h, e);
                    }
                } else if (dice < 9) {
                    long h = history.invoke(client, key, Op.cas(seen, value));
                    try {
                        boolean replaced = map.replace(key, seen, value);
                        history.ok(h, replaced);
                        if (replaced) {
                            lastSeen.put(key, value);
                        }
                    } catch (RuntimeException e) {
                        failed(h, e);
                    }
                } else {
                    long h = history.invoke(client, key, Op.delete());
                    try {
                        map.remove(key);
                        history.ok(h, null);
                        lastSeen.remove(key);
                    } catch (RuntimeException e) {
                        failed(h, e);
                    }
                }
            }
        }

        private void failed(long handle, RuntimeException e) {
            if (deaths) { // like a real client, back off after a failure: a death's window is not a busy loop
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (e instanceof MemberUnavailableException || deaths && e instanceof IllegalStateException
                    && String.valueOf(e.getMessage()).endsWith("was dropped by fault injection")) {
                history.fail(handle); // never delivered: nothing changed
            } else {
                history.indeterminate(handle);
                boolean ofADeath = deaths && (e instanceof IllegalStateException || e instanceof SlotLostException
                        || e instanceof RemoteFailureException); // a request the cut-off member never received
                if (!(e instanceof IndeterminateOperationException) && !ofADeath) {
                    unexpected.add(e);
                }
            }
        }
    }
}
