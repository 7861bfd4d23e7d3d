package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.spi.IndexExtractor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Model-based check of LOCAL indexes: writers put, remove, compute and merge values of keys
 * concentrated in 64 slots while those slots migrate without pause, a second index is added in the
 * middle of it all, and checkers query both indexes (scatter-gather and single-slot). Each writer
 * owns its keys and publishes each key's value with a seqlock-style version (odd while a write is
 * in flight), so a checker knows which keys were stable during its query and what they held:
 * <ul>
 *   <li>every entry returned matches the condition, with the value the model says (if stable);
 *   <li>every stable key whose model value matches is returned: the index is never behind its entry;
 *   <li>at the end, every query equals the brute-force filter over the model and over the map, and
 *       verifyIndex finds no drift.
 * </ul>
 */
class LocalIndexModelTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    private static final int WRITERS = 4;
    private static final int CHECKERS = 2;
    private static final int SLOTS = 64;
    private static final int KEYS = 4_000;
    private static final int CITIES = 12;
    /** Writers, checkers and the migrator run at least this long, and until the minimums below are met. */
    private static final Duration MIN_LOAD = Duration.ofSeconds(12);
    /** They stop by themselves after this long, whatever the main thread says: the bound of every loop. */
    private static final Duration HARD_CAP = Duration.ofSeconds(120);
    /** Writes before the second index is added, and again after it: the build runs in the middle of the load. */
    private static final long WRITES_AROUND_THE_BUILD = 50_000;
    private static final int MIN_MIGRATIONS = 10;

    /** Writes before the second index and after its build; fewer over a binding where a call costs a round trip. */
    protected long writesAroundTheBuild() {
        return WRITES_AROUND_THE_BUILD;
    }
    private static final long MIN_STABLE_CHECKED = 1_000;
    /** Queries checked while the second index is available, some of them on it. */
    private static final long MIN_QUERIES_WITH_BOTH_INDEXES = 100;

    /** A stored value: immutable, as values must be; Serializable so that the copying bindings' codecs carry it. */
    record Person(String city, int age) implements java.io.Serializable {
    }

    @Test
    void localIndexQueries_equalABruteForceFilter_underConcurrentWritesMigrationsAndAnIndexBuild() throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("LocalIndexModelTest seed " + seed + " (rerun with -Dseed=" + seed + ")");
        Map<Integer, String> tags = SlotKeys.tagsInDistinctSlots(SLOTS);
        List<Integer> slots = new ArrayList<>(tags.keySet());
        List<String> tagList = new ArrayList<>(tags.values());
        try (SlotGrid grid = builder().nodes(3).jmx(false).migrationThrottle(2_000_000).build()) {
            grid.registerExtractor(IndexExtractor.of("city", v -> ((Person) v).city()));
            grid.registerExtractor(IndexExtractor.of("age", v -> ((Person) v).age()));
            grid.addIndex("people", IndexDefinition.local("by-city", "city"));
            AtomicReferenceArray<Person> model = new AtomicReferenceArray<>(KEYS);
            AtomicLongArray versions = new AtomicLongArray(KEYS);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong writes = new AtomicLong();
            AtomicLong queries = new AtomicLong();
            AtomicLong stableChecked = new AtomicLong();
            AtomicInteger migrations = new AtomicInteger();
            AtomicLong queriesWithBothIndexes = new AtomicLong();
            AtomicBoolean ageIndexReady = new AtomicBoolean();
            // everyone runs until the main thread says the scenario is done, or the hard cap passes
            AtomicBoolean stop = new AtomicBoolean();
            long startNanos = System.nanoTime();
            long minLoadEnd = startNanos + MIN_LOAD.toNanos();
            long hardDeadline = startNanos + HARD_CAP.toNanos();
            java.util.function.BooleanSupplier running = () -> !stop.get() && System.nanoTime() < hardDeadline
                    && failures.isEmpty();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + CHECKERS + 1);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                int thread = t;
                tasks.add(pool.submit(() -> {
                    Random random = new Random(seed * 31 + thread);
                    start.await();
                    for (long i = 0; running.getAsBoolean(); i++) {
                        int k = thread + WRITERS * random.nextInt(KEYS / WRITERS);
                        List<GridNode> nodes = grid.nodes();
                        GridMap<String, Person> people = nodes.get(random.nextInt(nodes.size())).map("people");
                        versions.incrementAndGet(k);
                        try {
                            model.set(k, write(people, key(tagList, k), model.get(k), random));
                        } catch (Throwable e) {
                            failures.add(new AssertionError("writer " + thread + " op " + i + ", seed " + seed, e));
                        }
                        versions.incrementAndGet(k);
                        writes.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (int c = 0; c < CHECKERS; c++) {
                int checker = c;
                tasks.add(pool.submit(() -> {
                    Random random = new Random(seed * 17 + checker);
                    start.await();
                    for (long i = 0; running.getAsBoolean(); i++) {
                        try {
                            boolean bothIndexes = ageIndexReady.get();
                            stableChecked.addAndGet(checkOneQuery(grid, random, tagList, model, versions, bothIndexes));
                            queries.incrementAndGet();
                            if (bothIndexes) {
                                queriesWithBothIndexes.incrementAndGet();
                            }
                        } catch (Throwable e) {
                            failures.add(new AssertionError("checker " + checker + " query " + i + ", seed " + seed, e));
                        }
                    }
                    return null;
                }));
            }
            Future<?> migrator = pool.submit(() -> {
                start.await();
                RandomMigrations.run(grid, slots, new Random(seed), running, migrations);
                return null;
            });
            start.countDown();

            // an index added while writes, migrations and queries run, which go on after it, however long
            // the machine takes for each step
            awaitUntilCap(hardDeadline, "writes before the second index", () -> writes.get() > writesAroundTheBuild()
                    || !failures.isEmpty());
            grid.addIndex("people", IndexDefinition.local("by-age", "age"));
            ageIndexReady.set(true);
            long writesAtBuild = writes.get();
            // the scenario is done once the load has run its minimum time and every minimum below is met
            awaitUntilCap(hardDeadline, "the minimum load time and counts", () -> (System.nanoTime() - minLoadEnd >= 0
                    && writes.get() > writesAtBuild + writesAroundTheBuild() && migrations.get() > MIN_MIGRATIONS
                    && stableChecked.get() > MIN_STABLE_CHECKED && queriesWithBothIndexes.get() > MIN_QUERIES_WITH_BOTH_INDEXES)
                    || !failures.isEmpty());
            stop.set(true);

            for (Future<?> task : tasks) {
                task.get(60, TimeUnit.SECONDS);
            }
            migrator.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            failures.forEach(Throwable::printStackTrace);
            assertThat(failures).as("disagreements with the model, seed %d", seed).isEmpty();
            assertThat(migrations.get()).as("migrations during the run").isGreaterThan(MIN_MIGRATIONS);
            assertThat(stableChecked.get()).as("stable keys checked against queries").isGreaterThan(MIN_STABLE_CHECKED);
            assertThat(queriesWithBothIndexes.get()).as("queries checked after the second index was added")
                    .isGreaterThan(MIN_QUERIES_WITH_BOTH_INDEXES);

            // quiescence: every query equals the brute-force filter over the model and over the map
            Map<String, Person> actual = grid.<String, Person>map("people").getAll(allKeys(tagList));
            Map<String, Person> expected = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                if (model.get(k) != null) {
                    expected.put(key(tagList, k), model.get(k));
                }
            }
            assertThat(actual).as("map contents, seed %d", seed).isEqualTo(expected);
            Random random = new Random(seed ^ 0x5eed);
            for (int q = 0; q < 200; q++) {
                Query query = Query.random(random, true);
                QueryResult<String, Person> result = query.run(grid.<String, Person>query("people")).execute();
                assertThat(result.isComplete()).isTrue();
                assertThat(toMap(result)).as("%s at quiescence, seed %d", query, seed).isEqualTo(filter(expected, query.matches));
            }
            for (String index : List.of("by-city", "by-age")) {
                IndexVerification verification = grid.verifyIndex("people", index);
                assertThat(verification.consistent()).as("%s, seed %d", verification, seed).isTrue();
                assertThat(verification.baseEntries()).isEqualTo(expected.size());
            }
            System.out.println("LocalIndexModelTest: " + writes.get() + " writes (" + writesAtBuild + " before the second"
                    + " index), " + queries.get() + " queries (" + queriesWithBothIndexes.get() + " with both indexes), "
                    + stableChecked.get() + " stable keys checked, " + migrations.get() + " migrations");
        }
    }

    /** Waits for {@code condition}, at most until the hard cap (and a little after it). */
    private static void awaitUntilCap(long hardDeadline, String what, java.util.concurrent.Callable<Boolean> condition) {
        long left = Math.max(0, hardDeadline - System.nanoTime());
        Awaitility.await(what + " (everyone stops by themselves at the " + HARD_CAP.toSeconds() + " s cap)")
                .atMost(Duration.ofNanos(left).plusSeconds(1)).until(condition);
    }

    /** One random write; returns the key's value afterwards (the writer owns the key). */
    private static Person write(GridMap<String, Person> people, String key, Person current, Random random) {
        Person next = new Person("c" + random.nextInt(CITIES), random.nextInt(100));
        switch (random.nextInt(6)) {
            case 0, 1 -> {
                assertThat(people.put(key, next)).isEqualTo(current);
                return next;
            }
            case 2 -> {
                assertThat(people.remove(key)).isEqualTo(current);
                return null;
            }
            case 3 -> {
                Person computed = people.compute(key, (k, v) -> v == null ? next : new Person(v.city(), next.age()));
                assertThat(computed).isEqualTo(current == null ? next : new Person(current.city(), next.age()));
                return computed;
            }
            case 4 -> {
                Person merged = people.merge(key, next, (old, given) -> new Person(given.city(), old.age()));
                return Objects.requireNonNull(merged);
            }
            default -> {
                boolean replaced = people.replace(key, current == null ? next : current, next);
                assertThat(replaced).isEqualTo(current != null);
                return current == null ? null : next;
            }
        }
    }

    /** One query during the run; returns how many stable keys it checked. */
    private static long checkOneQuery(SlotGrid grid, Random random, List<String> tags, AtomicReferenceArray<Person> model,
            AtomicLongArray versions, boolean ageIndexReady) {
        Query query = Query.random(random, ageIndexReady);
        boolean oneSlot = random.nextInt(4) == 0;
        int tag = random.nextInt(SLOTS);
        long[] before = new long[KEYS];
        for (int k = 0; k < KEYS; k++) {
            before[k] = versions.get(k);
        }
        List<GridNode> nodes = grid.nodes();
        GridQuery<String, Person> q = query.run(nodes.get(random.nextInt(nodes.size())).<String, Person>query("people"));
        if (oneSlot) {
            q = q.partitionKey("{" + tags.get(tag) + "}:x");
        }
        QueryResult<String, Person> result = q.execute();
        assertThat(result.isComplete()).as("complete").isTrue();
        Map<String, Person> found = toMap(result);
        assertThat(found).as("no duplicates").hasSize(result.entries().size());
        for (Map.Entry<String, Person> entry : found.entrySet()) {
            assertThat(query.matches.test(entry.getValue())).as("%s returned %s", query, entry).isTrue();
        }
        long checked = 0;
        for (int k = 0; k < KEYS; k++) {
            if (oneSlot && k % SLOTS != tag) {
                continue;
            }
            long after = versions.get(k);
            if (after != before[k] || (after & 1) != 0) {
                continue; // written during the query: either answer is right
            }
            Person value = model.get(k);
            if (versions.get(k) != after) {
                // a seqlock read: the model value counts only if the version is unchanged after it is read. A
                // write that began after the check above may already have set the model (on 2 cores this
                // thread can be descheduled for milliseconds here), and that value is newer than the query.
                continue;
            }
            String key = key(tags, k);
            boolean expected = value != null && query.matches.test(value);
            assertThat(found.containsKey(key)).as("%s: stable key %s = %s", query, key, value).isEqualTo(expected);
            if (expected) {
                assertThat(found.get(key)).isEqualTo(value);
            }
            checked++;
        }
        return checked;
    }

    /** A random index condition and its brute-force equivalent. */
    record Query(String text, java.util.function.UnaryOperator<GridQuery<String, Person>> apply, Predicate<Person> matches) {

        GridQuery<String, Person> run(GridQuery<String, Person> q) {
            return apply.apply(q);
        }

        @Override
        public String toString() {
            return text;
        }

        static Query random(Random random, boolean ageIndex) {
            int choice = random.nextInt(ageIndex ? 4 : 2);
            if (choice == 0) {
                String city = "c" + random.nextInt(CITIES + 1);
                return new Query("city = " + city, q -> q.eq("by-city", city), p -> p.city().equals(city));
            }
            if (choice == 1) {
                Set<String> cities = new HashSet<>(List.of("c" + random.nextInt(CITIES), "c" + random.nextInt(CITIES)));
                return new Query("city in " + cities, q -> q.in("by-city", cities), p -> cities.contains(p.city()));
            }
            int from = random.nextInt(100);
            int to = from + random.nextInt(20);
            boolean fromIn = random.nextBoolean();
            boolean toIn = random.nextBoolean();
            if (choice == 2) {
                return new Query("age in " + (fromIn ? "[" : "(") + from + "," + to + (toIn ? "]" : ")"),
                        q -> q.range("by-age", from, fromIn, to, toIn),
                        p -> (fromIn ? p.age() >= from : p.age() > from) && (toIn ? p.age() <= to : p.age() < to));
            }
            return new Query("age >= " + from + " and city odd", q -> q.range("by-age", from, true, null, false)
                    .filter((k, v) -> Integer.parseInt(v.city().substring(1)) % 2 == 1),
                    p -> p.age() >= from && Integer.parseInt(p.city().substring(1)) % 2 == 1);
        }
    }

    private static Map<String, Person> toMap(QueryResult<String, Person> result) {
        Map<String, Person> map = new HashMap<>();
        for (Map.Entry<String, Person> entry : result.entries()) {
            map.put(entry.getKey(), entry.getValue());
        }
        return map;
    }

    private static Map<String, Person> filter(Map<String, Person> all, Predicate<Person> matches) {
        Map<String, Person> kept = new HashMap<>();
        all.forEach((k, v) -> {
            if (matches.test(v)) {
                kept.put(k, v);
            }
        });
        return kept;
    }

    private static List<String> allKeys(List<String> tags) {
        List<String> keys = new ArrayList<>();
        for (int k = 0; k < KEYS; k++) {
            keys.add(key(tags, k));
        }
        return keys;
    }

    private static String key(List<String> tags, int k) {
        return "{" + tags.get(k % SLOTS) + "}:" + k;
    }
}
