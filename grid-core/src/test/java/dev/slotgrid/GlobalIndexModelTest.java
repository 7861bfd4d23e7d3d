package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.spi.IndexExtractor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Model-based check of GLOBAL indexes, a plain one (city) and a unique one (email), while writers
 * put, remove, compute and change values of keys in 64 slots, emails are contended between
 * writers, and both the keys' slots and the index values' slots migrate without pause:
 * <ul>
 *   <li>during the run a query never returns an entry that does not match, and a unique value
 *       never yields two entries;
 *   <li>a writer that reads its own write with {@code awaitIndexed} always finds it;
 *   <li>a write rejected by the unique index changed nothing;
 *   <li>at quiescence both indexes equal their recomputation (verifyIndex), every query equals the
 *       brute-force filter of the model, and no two keys share an email.
 * </ul>
 */
class GlobalIndexModelTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    private static final int WRITERS = 4;
    private static final int CHECKERS = 1;
    private static final int SLOTS = 64;
    private static final int KEYS = 2_000;
    private static final int CITIES = 16;
    private static final int EMAILS = 600;
    /** Writers, the checker and the migrator run at least this long, and then until every minimum below is met. */
    private static final Duration RUN_TIME = Duration.ofSeconds(12);
    /** ...but never longer than this: the bound of every loop. */
    private static final Duration HARD_CAP = Duration.ofSeconds(60);
    private static final int MIN_MIGRATIONS = 10;
    private static final long MIN_REJECTED = 0;
    private static final long MIN_OWN_READS = 100;
    private static final long MIN_MATCHES_SEEN = 100;
    private static final int MAX_OPS_PER_WRITER = 1_000_000;
    private static final int MAX_QUERIES = 1_000_000;

    /** A stored value; {@code email} may be null (no unique value). Serializable for the codecs of the copying bindings. */
    record Account(String email, String city, int n) implements java.io.Serializable {
    }

    @Test
    void globalIndexes_equalTheirRecomputation_afterConcurrentWritesAndMigrations_andNeverReturnAWrongEntry()
            throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("GlobalIndexModelTest seed " + seed + " (rerun with -Dseed=" + seed + ")");
        Map<Integer, String> tags = SlotKeys.tagsInDistinctSlots(SLOTS);
        List<String> tagList = new ArrayList<>(tags.values());
        try (SlotGrid grid = builder().nodes(3).jmx(false).migrationThrottle(2_000_000).build()) {
            grid.registerExtractor(IndexExtractor.of("city", v -> ((Account) v).city()));
            grid.registerExtractor(IndexExtractor.of("email", v -> ((Account) v).email()));
            grid.addIndex("accounts", IndexDefinition.global("by-city", "city"));
            grid.addIndex("accounts", IndexDefinition.global("by-email", "email").asUnique());
            // the slots that move: the keys', and those of a share of the index values
            List<Integer> moving = new ArrayList<>(tags.keySet());
            for (int c = 0; c < CITIES; c++) {
                moving.add(grid.partitioner().slotOf(city(c)));
            }
            for (int e = 0; e < EMAILS; e += 10) {
                moving.add(grid.partitioner().slotOf(email(e)));
            }
            AtomicReferenceArray<Account> model = new AtomicReferenceArray<>(KEYS);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            AtomicLong writes = new AtomicLong();
            AtomicLong rejected = new AtomicLong();
            AtomicLong ownReads = new AtomicLong();
            AtomicLong queries = new AtomicLong();
            AtomicLong matchesSeen = new AtomicLong();
            AtomicInteger migrations = new AtomicInteger();
            long startNanos = System.nanoTime();
            long deadline = startNanos + RUN_TIME.toNanos();
            long hardDeadline = startNanos + HARD_CAP.toNanos();
            // keep going while the run time lasts or any minimum the assertions below require is unmet (each
            // count only grows, so once this is false it stays false for every thread), up to the hard cap
            BooleanSupplier keepGoing = () -> {
                long now = System.nanoTime();
                return failures.isEmpty() && now - hardDeadline < 0 && (now - deadline < 0 || migrations.get() <= MIN_MIGRATIONS
                        || rejected.get() <= MIN_REJECTED || ownReads.get() <= MIN_OWN_READS
                        || matchesSeen.get() <= MIN_MATCHES_SEEN);
            };
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + CHECKERS + 1);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                int thread = t;
                tasks.add(pool.submit(() -> {
                    Random random = new Random(seed * 31 + thread);
                    start.await();
                    for (int i = 0; i < MAX_OPS_PER_WRITER && keepGoing.getAsBoolean(); i++) {
                        int k = thread + WRITERS * random.nextInt(KEYS / WRITERS);
                        List<GridNode> nodes = grid.nodes();
                        GridNode entry = nodes.get(random.nextInt(nodes.size()));
                        try {
                            write(entry, key(tagList, k), k, model, random, rejected, ownReads);
                            writes.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(new AssertionError("writer " + thread + " op " + i + ", seed " + seed, e));
                        }
                    }
                    return null;
                }));
            }
            for (int c = 0; c < CHECKERS; c++) {
                int checker = c;
                tasks.add(pool.submit(() -> {
                    Random random = new Random(seed * 17 + checker);
                    start.await();
                    for (int i = 0; i < MAX_QUERIES && keepGoing.getAsBoolean(); i++) {
                        try {
                            matchesSeen.addAndGet(checkNoWrongEntry(grid, random));
                            queries.incrementAndGet();
                        } catch (Throwable e) {
                            failures.add(new AssertionError("checker " + checker + " query " + i + ", seed " + seed, e));
                        }
                    }
                    return null;
                }));
            }
            Future<?> migrator = pool.submit(() -> {
                start.await();
                RandomMigrations.run(grid, moving, new Random(seed), keepGoing, migrations);
                return null;
            });
            start.countDown();
            for (Future<?> task : tasks) {
                task.get(HARD_CAP.toSeconds() + 60, TimeUnit.SECONDS);
            }
            migrator.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            failures.forEach(Throwable::printStackTrace);
            assertThat(failures).as("disagreements with the model, seed %d", seed).isEmpty();
            assertThat(migrations.get()).as("migrations during the run").isGreaterThan(MIN_MIGRATIONS);
            assertThat(rejected.get()).as("writes the unique index rejected").isGreaterThan(MIN_REJECTED);
            assertThat(ownReads.get()).as("read-your-writes checks").isGreaterThan(MIN_OWN_READS);
            assertThat(matchesSeen.get()).as("entries returned to the checker").isGreaterThan(MIN_MATCHES_SEEN);

            // quiescence
            Map<String, Account> expected = new HashMap<>();
            for (int k = 0; k < KEYS; k++) {
                if (model.get(k) != null) {
                    expected.put(key(tagList, k), model.get(k));
                }
            }
            List<String> allKeys = new ArrayList<>();
            for (int k = 0; k < KEYS; k++) {
                allKeys.add(key(tagList, k));
            }
            assertThat(grid.<String, Account>map("accounts").getAll(allKeys)).as("map contents").isEqualTo(expected);
            Set<String> emails = new HashSet<>();
            for (Account account : expected.values()) {
                if (account.email() != null) {
                    assertThat(emails.add(account.email())).as("email %s held twice, seed %d", account.email(), seed).isTrue();
                }
            }
            for (String index : List.of("by-city", "by-email")) {
                IndexVerification verification = grid.verifyIndex("accounts", index);
                assertThat(verification.consistent()).as("%s, seed %d", verification, seed).isTrue();
                assertThat(verification.baseEntries()).isEqualTo(expected.size());
            }
            for (int c = 0; c <= CITIES; c++) {
                String city = city(c);
                Set<String> brute = new HashSet<>();
                expected.forEach((k, v) -> {
                    if (v.city().equals(city)) {
                        brute.add(k);
                    }
                });
                QueryResult<String, Account> result = grid.<String, Account>query("accounts").eq("by-city", city).execute();
                assertThat(Set.copyOf(result.keys())).as("city %s, seed %d", city, seed).isEqualTo(brute);
                assertThat(result.slotsQueried()).isEqualTo(1);
            }
            for (int e = 0; e < EMAILS; e++) {
                String email = email(e);
                List<String> holders = expected.entrySet().stream().filter(en -> email.equals(en.getValue().email()))
                        .map(Map.Entry::getKey).toList();
                assertThat(grid.<String, Account>query("accounts").eq("by-email", email).execute().keys())
                        .as("email %s, seed %d", email, seed).isEqualTo(holders);
            }
            IndexStats lag = grid.indexStats();
            assertThat(lag.pending()).isZero();
            System.out.println("GlobalIndexModelTest: " + writes.get() + " writes (" + rejected.get() + " rejected as"
                    + " duplicates), " + ownReads.get() + " read-your-writes checks, " + queries.get() + " queries, "
                    + migrations.get() + " migrations; " + lag);
        }
    }

    private static String city(int c) {
        return "city-" + c;
    }

    private static String email(int e) {
        return "e" + e + "@x.org";
    }

    /** One random write of key {@code k} (owned by this thread), checked against its model. */
    private static void write(GridNode entry, String key, int k, AtomicReferenceArray<Account> model, Random random,
            AtomicLong rejected, AtomicLong ownReads) {
        GridMap<String, Account> accounts = entry.map("accounts");
        Account current = model.get(k);
        String email = random.nextInt(5) == 0 ? null : email(random.nextInt(EMAILS));
        Account next = new Account(email, city(random.nextInt(CITIES)), random.nextInt(1000));
        Account after;
        try {
            switch (random.nextInt(6)) {
                case 0, 1 -> {
                    assertThat(accounts.put(key, next)).isEqualTo(current);
                    after = next;
                }
                case 2 -> {
                    assertThat(accounts.remove(key)).isEqualTo(current);
                    after = null;
                }
                case 3 -> { // a new city, the same email: never rejected
                    after = accounts.computeIfPresent(key, (kk, v) -> new Account(v.email(), next.city(), v.n() + 1));
                    assertThat(after).isEqualTo(current == null ? null
                            : new Account(current.email(), next.city(), current.n() + 1));
                }
                case 4 -> {
                    after = accounts.merge(key, next, (old, given) -> new Account(given.email(), old.city(), old.n()));
                    assertThat(after).isEqualTo(current == null ? next : new Account(next.email(), current.city(), current.n()));
                }
                default -> {
                    boolean added = accounts.putIfAbsent(key, next) == null;
                    assertThat(added).isEqualTo(current == null);
                    after = added ? next : current;
                }
            }
        } catch (UniqueIndexViolationException e) {
            assertThat(e.indexName()).isEqualTo("by-email");
            assertThat(email).isNotNull();
            assertThat(accounts.get(key)).as("a rejected write changed nothing").isEqualTo(current);
            rejected.incrementAndGet();
            return;
        }
        model.set(k, after);
        if (after != null && random.nextInt(50) == 0) {
            // read-your-writes: this thread is the only writer of the key
            QueryResult<String, Account> byCity = entry.<String, Account>query("accounts").eq("by-city", after.city())
                    .filter((kk, v) -> kk.equals(key)).awaitIndexed(Duration.ofSeconds(30)).execute();
            assertThat(byCity.entries()).as("own write of %s by city", key).containsExactly(Map.entry(key, after));
            if (after.email() != null) {
                assertThat(entry.<String, Account>query("accounts").eq("by-email", after.email())
                        .awaitIndexed(Duration.ofSeconds(30)).execute().keys()).as("own email of %s", key).containsExactly(key);
            }
            ownReads.incrementAndGet();
        }
    }

    /** A query during the writes: every entry returned matches; a unique value yields at most one. */
    private static long checkNoWrongEntry(SlotGrid grid, Random random) {
        List<GridNode> nodes = grid.nodes();
        GridNode entry = nodes.get(random.nextInt(nodes.size()));
        if (random.nextBoolean()) {
            Set<String> cities = new LinkedHashSet<>(List.of(city(random.nextInt(CITIES)), city(random.nextInt(CITIES))));
            QueryResult<String, Account> result = entry.<String, Account>query("accounts").in("by-city", cities).execute();
            for (Map.Entry<String, Account> e : result.entries()) {
                assertThat(cities).as("city of %s", e).contains(e.getValue().city());
            }
            assertThat(Set.copyOf(result.keys())).hasSize(result.entries().size());
            return result.entries().size();
        }
        String email = email(random.nextInt(EMAILS));
        QueryResult<String, Account> result = entry.<String, Account>query("accounts").eq("by-email", email).execute();
        assertThat(result.entries().size()).as("entries for unique %s", email).isLessThanOrEqualTo(1);
        for (Map.Entry<String, Account> e : result.entries()) {
            assertThat(e.getValue().email()).isEqualTo(email);
        }
        return result.entries().size();
    }

    private static String key(List<String> tags, int k) {
        return "{" + tags.get(k % SLOTS) + "}:" + k;
    }
}
