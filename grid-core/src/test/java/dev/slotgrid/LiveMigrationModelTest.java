package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Model-based check of live migration, in the shape of Redis's resharding test: 8 threads issue
 * puts, conditional puts, removes, replaces and counter merges on 10,000 keys concentrated in 64
 * slots, while those slots migrate back and forth without pause and a fourth node joins and
 * another leaves. Each thread owns its keys' writes, so every return value is predictable from its
 * model and is checked at once; counters are shared and equal the sum of acknowledged increments
 * at the end. Every key is verified at the end; no caller may see an exception.
 */
class LiveMigrationModelTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    private static final int THREADS = 8;
    private static final int SLOTS = 64;
    private static final int KEYS = 10_000;
    /** The writers run at least this long, and until the membership changes and the minimums below are done. */
    private static final Duration MIN_LOAD = Duration.ofSeconds(15);
    /** The writers stop by themselves after this long, whatever the main thread says: the bound of every loop. */
    private static final Duration HARD_CAP = Duration.ofSeconds(120);
    /** Operations before the join, and again between the join and the leave: membership changes under load. */
    private static final long OPS_BETWEEN_CHANGES = 100_000;
    private static final int MIN_MIGRATIONS = 20;

    /** Operations before the join and between the join and the leave; fewer over a binding where a call costs a round trip. */
    protected long opsBetweenChanges() {
        return OPS_BETWEEN_CHANGES;
    }

    @Test
    void everyAcknowledgedOperation_survivesSlotsMigratingBackAndForth_andMembershipChanges() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("LiveMigrationModelTest seed " + seed + " (rerun with -Dseed=" + seed + ")");
        Map<Integer, String> tags = SlotKeys.tagsInDistinctSlots(SLOTS);
        List<Integer> slots = new ArrayList<>(tags.keySet());
        List<String> tagList = new ArrayList<>(tags.values());
        try (SlotGrid grid = builder().nodes(3).jmx(false).migrationThrottle(2_000_000).build()) {
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLongArray counterModel = new AtomicLongArray(SLOTS);
            List<Map<String, String>> models = new ArrayList<>();
            AtomicBoolean writersDone = new AtomicBoolean();
            AtomicInteger migrations = new AtomicInteger();
            java.util.concurrent.atomic.AtomicLong opsDone = new java.util.concurrent.atomic.AtomicLong();
            // the writers run until the main thread says the scenario is done, or the hard cap passes
            AtomicBoolean stopWriting = new AtomicBoolean();
            long startNanos = System.nanoTime();
            long minLoadEnd = startNanos + MIN_LOAD.toNanos();
            long hardDeadline = startNanos + HARD_CAP.toNanos();

            ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                Map<String, String> model = new HashMap<>();
                models.add(model);
                int thread = t;
                writers.add(pool.submit(() -> {
                    Random random = new Random(seed * 31 + thread);
                    start.await();
                    for (long i = 0; !stopWriting.get() && System.nanoTime() < hardDeadline; i++) {
                        List<GridNode> nodes = grid.nodes();
                        GridNode entry = nodes.get(random.nextInt(nodes.size()));
                        try {
                            step(entry, random, thread, i, tagList, model, counterModel);
                            opsDone.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(new AssertionError("thread " + thread + " op " + i + " seed " + seed, e));
                            return null;
                        }
                    }
                    return null;
                }));
            }
            Future<?> migrator = pool.submit(() -> {
                start.await();
                // keeps going until the writers are done (bounded by their hard cap)
                RandomMigrations.run(grid, slots, new Random(seed),
                        () -> !writersDone.get() && System.nanoTime() < hardDeadline, migrations);
                return null;
            });
            start.countDown();

            // membership under load: a fourth node joins, then one of the first three leaves; the writers
            // keep writing throughout, however long the machine takes for each step
            awaitUntilCap(hardDeadline, "operations before the join", () -> opsDone.get() > opsBetweenChanges()
                    || !failures.isEmpty());
            grid.addNode("node-3", 1).get(2, TimeUnit.MINUTES);
            long afterJoin = opsDone.get();
            awaitUntilCap(hardDeadline, "operations between the join and the leave",
                    () -> opsDone.get() > afterJoin + opsBetweenChanges() || !failures.isEmpty());
            grid.removeNode("node-1").get(2, TimeUnit.MINUTES);
            // the scenario is done once the load has run its minimum time and the migrator its minimum count
            awaitUntilCap(hardDeadline, "the minimum load time and " + MIN_MIGRATIONS + " migrations",
                    () -> (System.nanoTime() - minLoadEnd >= 0 && migrations.get() > MIN_MIGRATIONS) || !failures.isEmpty());
            stopWriting.set(true);

            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            writersDone.set(true);
            migrator.get(60, TimeUnit.SECONDS);
            pool.shutdown();

            failures.forEach(Throwable::printStackTrace);
            assertThat(failures).as("operations that failed or disagreed with the model, seed %d", seed).isEmpty();
            assertThat(migrations.get()).as("slot migrations completed during the run").isGreaterThan(MIN_MIGRATIONS);
            assertThat(grid.nodes()).extracting(GridNode::name).containsExactly("node-0", "node-2", "node-3");

            // every key, checked at the end through every node
            for (GridNode entry : grid.nodes()) {
                GridMap<String, String> values = entry.map("values");
                GridMap<String, Long> counters = entry.map("counters");
                for (int t = 0; t < THREADS; t++) {
                    for (int k = t; k < KEYS; k += THREADS) {
                        String key = key(tagList, k);
                        assertThat(values.get(key)).as("key %s after the run, seed %d", key, seed).isEqualTo(models.get(t).get(key));
                    }
                }
                for (int c = 0; c < SLOTS; c++) {
                    long expected = counterModel.get(c);
                    assertThat(counters.get("{" + tagList.get(c) + "}:counter")).as("counter %d, seed %d", c, seed)
                            .isEqualTo(expected == 0 ? null : expected);
                }
            }
            long present = models.stream().mapToLong(Map::size).sum();
            assertThat(grid.<String, String>map("values").mappingCount()).as("no removed key came back").isEqualTo(present);
            MigrationStats stats = grid.migrationStats();
            assertThat(stats.slotsFailed()).isZero();
            assertThat(stats.cutovers()).as("handovers: manual ones plus the join's and the leave's").isGreaterThan(8_000);
            System.out.println("LiveMigrationModelTest: " + opsDone.get() + " operations, " + migrations.get()
                    + " manual migrations; " + stats + "; " + grid.stats());
        }
    }

    /** Waits for {@code condition}, at most until the writers' hard cap (and a little after it). */
    private static void awaitUntilCap(long hardDeadline, String what, java.util.concurrent.Callable<Boolean> condition) {
        long left = Math.max(0, hardDeadline - System.nanoTime());
        org.awaitility.Awaitility.await(what + " (the writers stop by themselves at the " + HARD_CAP.toSeconds()
                + " s cap)").atMost(Duration.ofNanos(left).plusSeconds(1)).until(condition);
    }

    private static String key(List<String> tags, int k) {
        return "{" + tags.get(k % SLOTS) + "}:" + k;
    }

    /** One random operation; its result is checked against the thread's model at once. */
    private static void step(GridNode entry, Random random, int thread, long i, List<String> tags, Map<String, String> model,
            AtomicLongArray counterModel) {
        GridMap<String, String> values = entry.map("values");
        int k = thread + THREADS * random.nextInt(KEYS / THREADS);
        String key = key(tags, k);
        String value = "t" + thread + "-" + i;
        String current = model.get(key);
        switch (random.nextInt(8)) {
            case 0, 1 -> {
                assertThat(values.put(key, value)).as("put %s", key).isEqualTo(current);
                model.put(key, value);
            }
            case 2 -> {
                assertThat(values.putIfAbsent(key, value)).as("putIfAbsent %s", key).isEqualTo(current);
                model.putIfAbsent(key, value);
            }
            case 3 -> {
                assertThat(values.remove(key)).as("remove %s", key).isEqualTo(current);
                model.remove(key);
            }
            case 4 -> {
                String expected = random.nextBoolean() && current != null ? current : "nope";
                boolean replaced = values.replace(key, expected, value);
                assertThat(replaced).as("replace %s", key).isEqualTo(expected.equals(current));
                if (replaced) {
                    model.put(key, value);
                }
            }
            case 5 -> assertThat(values.get(key)).as("get %s", key).isEqualTo(current);
            default -> {
                int c = random.nextInt(SLOTS);
                entry.<String, Long>map("counters").merge("{" + tags.get(c) + "}:counter", 1L, Long::sum);
                counterModel.incrementAndGet(c);
            }
        }
    }
}
