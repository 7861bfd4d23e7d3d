package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slotgrid.spi.StoreProvider;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link StoreProvider#close}: a slot's stores are released after the slot migrated away
 * ({@code MigrationRequest.DropForwarded}, {@code SlotStore.retire}), and only once no reader can
 * touch them any more, while reads of those slots run through every node and the slots migrate
 * back and forth. The provider's maps know whether they were closed, and every operation on a
 * closed one is recorded and throws.
 */
class StoreReleaseTest {

    private static final int SLOTS = 16;
    private static final int KEYS_PER_SLOT = 50;
    private static final int READERS = 3;
    private static final int MIGRATIONS = 48;
    private static final Duration HARD_CAP = Duration.ofSeconds(60);

    /**
     * Opens {@link ClosableMap}s and closes them when the grid releases them. Given to the builder
     * directly (its field; the builder takes store providers by ServiceLoader name only), because a
     * provider listed in META-INF/services would change what {@code ConfigurationTest} lists as available.
     */
    static final class ClosingProvider implements StoreProvider {
        final AtomicLong opened = new AtomicLong();
        final AtomicLong closed = new AtomicLong();
        /** Operations on a closed map, and second closes: each one a broken promise. */
        final ConcurrentLinkedQueue<String> misuse = new ConcurrentLinkedQueue<>();

        @Override
        public String name() {
            return "test-closing";
        }

        @Override
        public ConcurrentMap<Object, Object> open(String mapName, int slot) {
            opened.incrementAndGet();
            return new ClosableMap(this, mapName, slot);
        }

        @Override
        public void close(String mapName, int slot, ConcurrentMap<Object, Object> store) {
            ClosableMap map = (ClosableMap) store;
            if (!map.mapName.equals(mapName) || map.slot != slot) {
                misuse.add("close of " + map + " as map '" + mapName + "' slot " + slot);
            }
            if (map.closed) {
                misuse.add("second close of " + map);
            }
            map.closed = true;
            closed.incrementAndGet();
        }
    }

    /** A concurrent map that refuses every operation once closed (and records it). */
    static final class ClosableMap extends AbstractMap<Object, Object> implements ConcurrentMap<Object, Object> {
        private final ConcurrentHashMap<Object, Object> data = new ConcurrentHashMap<>();
        private final ClosingProvider provider;
        final String mapName;
        final int slot;
        volatile boolean closed;

        ClosableMap(ClosingProvider provider, String mapName, int slot) {
            this.provider = provider;
            this.mapName = mapName;
            this.slot = slot;
        }

        private void check(String operation) {
            if (closed) {
                String what = operation + " on the closed store of " + this + " on thread " + Thread.currentThread().getName();
                provider.misuse.add(what);
                throw new IllegalStateException(what);
            }
        }

        @Override
        public Object get(Object key) {
            check("get");
            return data.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            check("containsKey");
            return data.containsKey(key);
        }

        @Override
        public Object put(Object key, Object value) {
            check("put");
            return data.put(key, value);
        }

        @Override
        public Object putIfAbsent(Object key, Object value) {
            check("putIfAbsent");
            return data.putIfAbsent(key, value);
        }

        @Override
        public boolean remove(Object key, Object value) {
            check("remove");
            return data.remove(key, value);
        }

        @Override
        public Object remove(Object key) {
            check("remove");
            return data.remove(key);
        }

        @Override
        public boolean replace(Object key, Object oldValue, Object newValue) {
            check("replace");
            return data.replace(key, oldValue, newValue);
        }

        @Override
        public Object replace(Object key, Object value) {
            check("replace");
            return data.replace(key, value);
        }

        @Override
        public Object compute(Object key, BiFunction<? super Object, ? super Object, ?> function) {
            check("compute");
            return data.compute(key, function);
        }

        @Override
        public Object computeIfAbsent(Object key, Function<? super Object, ?> function) {
            check("computeIfAbsent");
            return data.computeIfAbsent(key, function);
        }

        @Override
        public Object computeIfPresent(Object key, BiFunction<? super Object, ? super Object, ?> function) {
            check("computeIfPresent");
            return data.computeIfPresent(key, function);
        }

        @Override
        public Object merge(Object key, Object value, BiFunction<? super Object, ? super Object, ?> function) {
            check("merge");
            return data.merge(key, value, function);
        }

        @Override
        public int size() {
            check("size");
            return data.size();
        }

        @Override
        public boolean isEmpty() {
            check("isEmpty");
            return data.isEmpty();
        }

        @Override
        public void clear() {
            check("clear");
            data.clear();
        }

        @Override
        public Set<Entry<Object, Object>> entrySet() {
            check("entrySet");
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<Object, Object>> iterator() {
                    check("iterator");
                    Iterator<Entry<Object, Object>> entries = data.entrySet().iterator();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            check("iteration");
                            return entries.hasNext();
                        }

                        @Override
                        public Entry<Object, Object> next() {
                            check("iteration");
                            return entries.next();
                        }
                    };
                }

                @Override
                public int size() {
                    check("entrySet.size");
                    return data.size();
                }
            };
        }

        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }

        @Override
        public String toString() {
            return "map '" + mapName + "' slot " + slot;
        }
    }

    private static SlotGrid grid(TransportMode mode, ClosingProvider provider) {
        return Bindings.of(mode).storeProvider(provider).nodes(3).jmx(false).migrationThrottle(5_000_000).build();
    }

    private static String key(List<String> tags, int k) {
        return "{" + tags.get(k % SLOTS) + "}:" + k;
    }

    /**
     * Fills {@value #SLOTS} slots, then migrates them {@value #MIGRATIONS} times while {@code readers}
     * threads each run {@code read} in a loop; returns the migrations completed.
     */
    private static int migrateWhileReading(SlotGrid grid, long seed, List<Integer> slots, int readers,
            Consumer<Random> read, ConcurrentLinkedQueue<Throwable> failures) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        long deadline = System.nanoTime() + HARD_CAP.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            int reader = r;
            Thread thread = new Thread(() -> {
                Random random = new Random(seed + reader);
                while (!stop.get() && System.nanoTime() < deadline && failures.isEmpty()) {
                    try {
                        read.accept(random);
                        reads.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(new AssertionError("reader " + reader + ", seed " + seed, e));
                    }
                }
            }, "store-reader-" + r);
            threads.add(thread);
            thread.start();
        }
        AtomicInteger migrations = new AtomicInteger();
        try {
            Awaitility.await("readers started").atMost(Duration.ofSeconds(30)).until(() -> reads.get() > 100);
            AtomicInteger started = new AtomicInteger();
            RandomMigrations.run(grid, slots, new Random(seed), () -> started.getAndIncrement() < MIGRATIONS
                    && System.nanoTime() < deadline && failures.isEmpty(), migrations);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        return migrations.get();
    }

    /** Fills the slots, migrates them without readers: each handover's dropped store is closed, once. */
    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void storesDroppedAfterAMigration_areClosedOnce_andNoneLeaks(TransportMode mode) throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("StoreReleaseTest quiet " + mode + " seed " + seed + " (rerun with -Dseed=" + seed + ")");
        ClosingProvider provider = new ClosingProvider();
        Map<Integer, String> tags = SlotKeys.tagsInDistinctSlots(SLOTS);
        List<Integer> slots = new ArrayList<>(tags.keySet());
        List<String> tagList = new ArrayList<>(tags.values());
        try (SlotGrid grid = grid(mode, provider)) {
            GridMap<String, Integer> data = grid.map("data");
            int keys = SLOTS * KEYS_PER_SLOT;
            for (int k = 0; k < keys; k++) {
                data.put(key(tagList, k), k);
            }
            AtomicInteger migrations = new AtomicInteger();
            AtomicInteger started = new AtomicInteger();
            RandomMigrations.run(grid, slots, new Random(seed), () -> started.getAndIncrement() < MIGRATIONS, migrations);
            long handovers = grid.migrationStats().cutovers();
            assertThat(migrations.get()).isEqualTo(MIGRATIONS);
            assertThat(handovers).as("handovers of slots with data").isGreaterThanOrEqualTo(MIGRATIONS / 3);
            assertThat(provider.closed.get()).as("closes after %d handovers", handovers).isEqualTo(handovers);
            assertThat(provider.opened.get() - provider.closed.get()).as("stores open: one per slot, none leaked")
                    .isEqualTo(SLOTS);
            for (int k = 0; k < keys; k++) {
                assertThat(data.get(key(tagList, k))).as("key %d after the run, seed %d", k, seed).isEqualTo(k);
            }
            assertThat(provider.misuse).as("seed %d", seed).isEmpty();
        }
    }

    /**
     * A read that reaches a slot's old owner after the handover's cleanup (its entry member's table is
     * older than the handover) meets the light FORWARDED marker there and must be sent on (MOVED).
     */
    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void aReadReachingTheOldOwnerAfterTheCleanup_isSentOn(TransportMode mode) {
        ClosingProvider provider = new ClosingProvider();
        FaultInjector faults = new FaultInjector();
        SlotGridBuilder builder = Bindings.of(mode).storeProvider(provider);
        try (SlotGrid grid = builder.nodes(4).jmx(false).faults(faults).build()) {
            GridMap<String, String> map = grid.map("data");
            map.put("k", "v");
            int slot = grid.partitioner().slotOf("k");
            int owner = grid.table().ownerOf(slot);
            // an entry member that misses the tables (not node-0, whose router the control plane uses), and a target
            GridNode entry = grid.nodes().stream().filter(n -> n.id() != owner && n.id() != 0).findFirst().orElseThrow();
            GridNode target = grid.nodes().stream().filter(n -> n.id() != owner && n.id() != entry.id()).findFirst()
                    .orElseThrow();
            faults.drop(entry.name(), FaultInjector.Kind.TABLE);
            grid.migrate(slot, target.name()).join();
            assertThat(entry.table().ownerOf(slot)).as("the entry member still routes to the old owner").isEqualTo(owner);
            assertThat(provider.closed.get()).as("the old owner's store was dropped and closed").isEqualTo(1);
            assertThat(entry.<String, String>map("data").get("k")).isEqualTo("v");
            assertThat(entry.<String, String>map("data").containsKey("k")).isTrue();
            assertThat(provider.misuse).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void storesDroppedAfterAMigration_areClosed_andNoReaderTouchesAClosedOne(TransportMode mode) throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("StoreReleaseTest " + mode + " seed " + seed + " (rerun with -Dseed=" + seed + ")");
        ClosingProvider provider = new ClosingProvider();
        Map<Integer, String> tags = SlotKeys.tagsInDistinctSlots(SLOTS);
        List<Integer> slots = new ArrayList<>(tags.keySet());
        List<String> tagList = new ArrayList<>(tags.values());
        try (SlotGrid grid = grid(mode, provider)) {
            GridMap<String, Integer> data = grid.map("data");
            int keys = SLOTS * KEYS_PER_SLOT;
            for (int k = 0; k < keys; k++) {
                data.put(key(tagList, k), k);
            }
            assertThat(provider.opened.get()).as("one store per slot written").isEqualTo(SLOTS);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            int migrations = migrateWhileReading(grid, seed, slots, READERS, random -> {
                List<GridNode> nodes = grid.nodes();
                GridMap<String, Integer> entry = nodes.get(random.nextInt(nodes.size())).map("data");
                int k = random.nextInt(keys + 10); // and a few keys that are absent
                String key = k < keys ? key(tagList, k) : "{" + tagList.get(k % SLOTS) + "}:absent-" + k;
                Integer expected = k < keys ? k : null;
                if (random.nextBoolean()) {
                    assertThat(entry.get(key)).as("get %s", key).isEqualTo(expected);
                } else {
                    assertThat(entry.containsKey(key)).as("containsKey %s", key).isEqualTo(expected != null);
                }
            }, failures);

            failures.forEach(Throwable::printStackTrace);
            assertThat(failures).as("readers' failures, seed %d", seed).isEmpty();
            assertThat(provider.misuse).as("operations on closed stores, seed %d", seed).isEmpty();
            // a migration to the slot's owner moves nothing; each handover of a slot (all of them hold data)
            // dropped its source's store, which must be closed
            long handovers = grid.migrationStats().cutovers();
            assertThat(migrations).as("migrations requested and done").isEqualTo(MIGRATIONS);
            assertThat(handovers).as("handovers of slots with data").isGreaterThanOrEqualTo(MIGRATIONS / 3);
            Awaitility.await("every dropped store closed").atMost(Duration.ofSeconds(30))
                    .until(() -> provider.closed.get() >= handovers);
            assertThat(provider.closed.get()).as("closes after %d handovers", handovers).isEqualTo(handovers);
            assertThat(provider.opened.get() - provider.closed.get()).as("stores open: one per slot, none leaked")
                    .isEqualTo(SLOTS);
            for (int k = 0; k < keys; k++) {
                assertThat(data.get(key(tagList, k))).as("key %d after the run, seed %d", k, seed).isEqualTo(k);
            }
            assertThat(provider.misuse).isEmpty();
        }
    }
}
