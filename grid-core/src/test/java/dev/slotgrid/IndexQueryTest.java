package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.spi.IndexExtractor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The query API over LOCAL and GLOBAL indexes, one behaviour at a time, on a quiet grid. */
class IndexQueryTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    /** A value a LOCAL index cannot order; Serializable, so that the serializing run's codecs carry it to the owner. */
    record NotComparable() implements java.io.Serializable {
    }

    /** Values are {@code "city|age"}. */
    private static String person(String city, int age) {
        return city + "|" + age;
    }

    private static int age(String value) {
        return Integer.parseInt(value.substring(value.indexOf('|') + 1));
    }

    private SlotGrid grid() {
        SlotGrid grid = builder().nodes(3).jmx(false).build();
        grid.registerExtractor(IndexExtractor.of("age", v -> age((String) v)));
        grid.registerExtractor(IndexExtractor.of("name", v -> ((String) v).substring(0, ((String) v).indexOf('|'))));
        return grid;
    }

    private static final List<String> CITIES = List.of("Paris", "Oslo", "Lima", "Pune");

    private static Map<String, String> fill(GridMap<String, String> people, int n) {
        Map<String, String> model = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String value = person(CITIES.get(i % CITIES.size()), 18 + i % 50);
            people.put("p" + i, value);
            model.put("p" + i, value);
        }
        return model;
    }

    @Test
    void localIndex_builtOverExistingData_answersEqInAndRange_likeABruteForceFilter() {
        try (SlotGrid grid = grid()) {
            GridMap<String, String> people = grid.map("people");
            Map<String, String> model = fill(people, 2_000);
            grid.addIndex("people", IndexDefinition.local("by-city", "test-city")); // found through ServiceLoader
            grid.addIndex("people", IndexDefinition.local("by-age", "age"));
            people.put("p0", person("Quito", 99)); // after the build: maintained by the write
            model.put("p0", person("Quito", 99));

            QueryResult<String, String> paris = grid.<String, String>query("people").eq("by-city", "Paris").execute();
            assertThat(paris.isComplete()).isTrue();
            assertThat(paris.slotsAnswered()).isEqualTo(16384);
            assertThat(paris.plan()).contains("LOCAL index 'by-city'").contains("scatter-gather over 3 nodes");
            assertThat(Set.copyOf(paris.keys())).isEqualTo(keys(model, v -> v.startsWith("Paris|")));

            assertThat(Set.copyOf(grid.<String, String>query("people").in("by-city", List.of("Oslo", "Quito")).execute().keys()))
                    .isEqualTo(keys(model, v -> v.startsWith("Oslo|") || v.startsWith("Quito|")));
            assertThat(Set.copyOf(grid.<String, String>query("people").range("by-age", 20, true, 25, false).execute().keys()))
                    .isEqualTo(keys(model, v -> age(v) >= 20 && age(v) < 25));
            assertThat(grid.<String, String>query("people").range("by-age", 60, false, null, true).count().count())
                    .isEqualTo(keys(model, v -> age(v) > 60).size());
        }
    }

    @Test
    void filterLimitCountAndTopK_arePushedDown_andAgreeWithTheModel() {
        try (SlotGrid grid = grid()) {
            GridMap<String, String> people = grid.map("people");
            Map<String, String> model = fill(people, 3_000);
            grid.addIndex("people", IndexDefinition.local("by-city", "test-city"));

            GridQuery<String, String> adultsOfLima = grid.<String, String>query("people").eq("by-city", "Lima")
                    .filter((k, v) -> age(v) >= 40);
            Set<String> expected = keys(model, v -> v.startsWith("Lima|") && age(v) >= 40);
            assertThat(adultsOfLima.count().count()).isEqualTo(expected.size());
            assertThat(adultsOfLima.count().entries()).isEmpty();
            QueryResult<String, String> five = adultsOfLima.limit(5).execute();
            assertThat(five.entries()).hasSize(5);
            assertThat(expected).containsAll(five.keys());
            assertThat(five.isComplete()).isTrue();

            QueryResult<String, String> oldest = grid.<String, String>query("people").orderBy(
                    Comparator.comparingInt(IndexQueryTest::age).reversed().thenComparing(Comparator.naturalOrder()))
                    .limit(7).execute(); // top-K over a full scan
            List<String> expectedTop = model.values().stream()
                    .sorted(Comparator.comparingInt(IndexQueryTest::age).reversed().thenComparing(Comparator.naturalOrder()))
                    .limit(7).toList();
            assertThat(oldest.values()).isEqualTo(expectedTop);
            assertThat(oldest.plan()).contains("scan (no index)");
        }
    }

    @Test
    void aQueryNamingThePartitionKey_goesToThatOneSlot() {
        try (SlotGrid grid = grid()) {
            GridMap<String, String> people = grid.map("people");
            grid.addIndex("people", IndexDefinition.local("by-city", "test-city"));
            for (int i = 0; i < 50; i++) {
                people.put("{tenant-a}:" + i, person(i % 2 == 0 ? "Paris" : "Oslo", 30));
                people.put("{tenant-b}:" + i, person("Paris", 30));
            }
            QueryResult<String, String> result = grid.<String, String>query("people").eq("by-city", "Paris")
                    .partitionKey("{tenant-a}:0").execute();
            assertThat(result.slotsQueried()).isEqualTo(1);
            assertThat(result.plan()).contains("in slot " + grid.partitioner().slotOf("{tenant-a}"));
            assertThat(result.keys()).hasSize(25).allMatch(k -> k.startsWith("{tenant-a}:"));
        }
    }

    @Test
    void globalIndex_exactMatchTouchesOneIndexSlot_andReadsItsOwnWrites() {
        try (SlotGrid grid = grid()) {
            GridMap<String, String> people = grid.map("people");
            Map<String, String> model = fill(people, 1_000);
            grid.addIndex("people", IndexDefinition.global("g-city", "test-city"));
            assertThat(grid.indexes("people")).extracting(IndexDefinition::name).containsExactly("g-city");

            QueryResult<String, String> pune = grid.<String, String>query("people").eq("g-city", "Pune").execute();
            assertThat(pune.slotsQueried()).isEqualTo(1);
            assertThat(pune.plan()).startsWith("GLOBAL index 'g-city'");
            assertThat(Set.copyOf(pune.keys())).isEqualTo(keys(model, v -> v.startsWith("Pune|")));

            for (int i = 0; i < 100; i++) {
                people.put("new" + i, person("Reykjavik", 40));
            }
            QueryResult<String, String> mine = grid.<String, String>query("people").eq("g-city", "Reykjavik")
                    .awaitIndexed(Duration.ofSeconds(10)).execute();
            assertThat(mine.keys()).hasSize(100);
            people.remove("new0");
            people.put("new1", person("Lima", 41));
            assertThat(grid.<String, String>query("people").eq("g-city", "Reykjavik").awaitIndexed(Duration.ofSeconds(10))
                    .count().count()).isEqualTo(98);
            assertThat(grid.<String, String>query("people").in("g-city", List.of("Reykjavik", "Lima"))
                    .awaitIndexed(Duration.ofSeconds(10)).execute().slotsQueried()).isBetween(1, 2);
            IndexVerification verification = grid.verifyIndex("people", "g-city");
            assertThat(verification.consistent()).as("%s", verification).isTrue();
            assertThat(verification.baseEntries()).isEqualTo(1_100 - 1);
            assertThat(grid.indexStats().pending()).isZero();
            assertThat(grid.indexStats().applied()).isGreaterThanOrEqualTo(1_000);
        }
    }

    /**
     * Back-pressure promises that a node's outbox never holds more than its capacity plus one update
     * per writer in flight, and that a writer which filled it waits. It does not promise that every
     * writer meets a full outbox: a writer with fewer writes than the outboxes' room may finish first
     * (issue 11: with 2,000 writes each over 3 outboxes of 1,024, 8 runs of 20 saw one writer finish
     * before the outboxes filled, so only 3 waits were ever counted). So each writer here has more
     * writes than all the outboxes can hold while the drainers are gated: none can finish, and each
     * must be found waiting, exactly once.
     *
     * <p>A drainer applies an update inside the base key's atomic update, so a drainer gated there
     * holds that key's lock (a hash bin of its slot's map): the gate is a sentinel entry per node in a
     * slot that no writer's key uses, and the writers start once every drainer waits at it.
     */
    @Test
    void globalIndex_whoseOutboxIsFull_makesWritersWaitForRoom_andLosesNothing() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        int capacity = 1_024;
        int writers = 4;
        try (SlotGrid grid = builder().nodes(3).jmx(false).indexOutboxCapacity(capacity).build()) {
            int nodes = grid.nodes().size();
            CountDownLatch drainersAtGate = new CountDownLatch(nodes);
            grid.registerExtractor(IndexExtractor.of("gated-city", v -> {
                String city = ((String) v).substring(0, ((String) v).indexOf('|'));
                if (city.equals("Gate") && appliesAnOutboxUpdate()) {
                    drainersAtGate.countDown();
                    awaitGate(gate);
                }
                return city;
            }));
            grid.addIndex("people", IndexDefinition.global("g-city", "gated-city"));
            GridMap<String, String> people = grid.map("people");
            int roomWhileGated = nodes * (capacity + writers);
            int perWriter = roomWhileGated + 1_000; // no writer can finish before the gate opens
            Set<Integer> writerSlots = new java.util.HashSet<>();
            for (int w = 0; w < writers; w++) {
                for (int i = 0; i < perWriter; i++) {
                    writerSlots.add(grid.partitioner().slotOf("w" + w + "-" + i));
                }
            }
            for (GridNode node : grid.nodes()) {
                String sentinel = java.util.stream.IntStream.range(0, 1_000_000).mapToObj(j -> "gate-" + j)
                        .filter(k -> {
                            int slot = grid.partitioner().slotOf(k);
                            return grid.table().ownerOf(slot) == node.id() && !writerSlots.contains(slot);
                        }).findFirst().orElseThrow();
                people.put(sentinel, person("Gate", 0)); // its update goes to the owner's outbox
            }
            assertThat(drainersAtGate.await(60, TimeUnit.SECONDS)).as("every drainer waits at the gate").isTrue();
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < perWriter; i++) {
                            people.put("w" + writer + "-" + i, person(CITIES.get(i % CITIES.size()), 30));
                        }
                    }));
                }
                Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> grid.indexStats().writerWaits() >= writers);
                assertThat(done).as("no writer can finish while the outboxes are full").noneMatch(Future::isDone);
                assertThat(grid.indexStats().writerWaits()).as("each writer waits once, and stays waiting").isEqualTo(writers);
                long pending = 0;
                for (IndexStats.Node node : grid.indexStats().nodes()) {
                    // the capacity, overshot at most by one update per writer in flight
                    assertThat(node.pending()).as("%s", node).isLessThanOrEqualTo(capacity + writers);
                    pending += node.pending();
                }
                assertThat(pending).as("updates held while gated").isLessThanOrEqualTo(roomWhileGated);

                gate.countDown();
                for (Future<?> f : done) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                gate.countDown();
                pool.shutdownNow();
            }
            for (String city : CITIES) {
                assertThat(grid.<String, String>query("people").eq("g-city", city).awaitIndexed(Duration.ofSeconds(60))
                        .count().count()).as(city).isEqualTo(writers * perWriter / CITIES.size());
            }
            IndexVerification verification = grid.verifyIndex("people", "g-city");
            assertThat(verification.consistent()).as("%s", verification).isTrue();
            assertThat(verification.baseEntries()).isEqualTo(writers * perWriter + nodes);
        }
    }

    /**
     * Whether this extraction is a drainer's application of an outbox update (a {@code Reconcile} at the
     * key's owner), not the writer's own: in-JVM it runs on the drainer's thread, over a copying binding
     * on a callee thread serving the drainer's request; on both, inside {@code MemberIndexes.reconcile}.
     */
    private static boolean appliesAnOutboxUpdate() {
        return StackWalker.getInstance().walk(frames -> frames.anyMatch(frame -> frame.getClassName()
                .equals(MemberIndexes.class.getName()) && frame.getMethodName().contains("reconcile")));
    }

    private static void awaitGate(CountDownLatch gate) {
        try {
            if (!gate.await(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void uniqueIndex_rejectsADuplicate_withAClearException_andChangesNothing() {
        try (SlotGrid grid = grid()) {
            GridMap<String, String> users = grid.map("users");
            grid.addIndex("users", IndexDefinition.global("by-email", "name").asUnique());
            users.put("u1", "ann@x.org|30");
            users.put("u2", "bob@x.org|40");
            assertThatThrownBy(() -> users.put("u2", "ann@x.org|41"))
                    .isInstanceOf(UniqueIndexViolationException.class)
                    .hasMessageContaining("by-email").hasMessageContaining("ann@x.org").hasMessageContaining("'u1'")
                    .hasMessageContaining("changed nothing");
            assertThatThrownBy(() -> users.putIfAbsent("u3", "ann@x.org|1")).isInstanceOf(UniqueIndexViolationException.class);
            assertThatThrownBy(() -> users.merge("u2", "x", (old, x) -> "ann@x.org|7"))
                    .isInstanceOf(UniqueIndexViolationException.class);
            assertThat(users.get("u2")).isEqualTo("bob@x.org|40");
            assertThat(users.get("u3")).isNull();
            assertThat(grid.<String, String>query("users").eq("by-email", "bob@x.org").awaitIndexed(Duration.ofSeconds(10))
                    .execute().keys()).containsExactly("u2");

            users.put("u1", "ann@y.org|30"); // ann@x.org is free again at once, even before the outbox catches up
            users.put("u2", "ann@x.org|40");
            users.put("u1", "ann@y.org|31"); // same value again: no self-conflict
            assertThat(grid.<String, String>query("users").eq("by-email", "ann@x.org").awaitIndexed(Duration.ofSeconds(10))
                    .execute().keys()).containsExactly("u2");
            IndexVerification verification = grid.verifyIndex("users", "by-email");
            assertThat(verification.consistent()).as("%s", verification).isTrue();
        }
    }

    @Test
    void addingAUniqueIndex_overDuplicates_fails_andLeavesNoIndex() {
        try (SlotGrid grid = grid()) {
            GridMap<String, String> users = grid.map("users");
            users.put("a", "same|1");
            users.put("b", "same|2");
            users.put("c", "other|3");
            assertThatThrownBy(() -> grid.addIndex("users", IndexDefinition.global("by-name", "name").asUnique()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("same");
            assertThat(grid.indexes("users")).isEmpty();
            users.put("d", "same|4"); // not enforced: there is no index
            grid.addIndex("users", IndexDefinition.global("by-name", "name"));
            assertThat(grid.<String, String>query("users").eq("by-name", "same").execute().keys())
                    .containsExactlyInAnyOrder("a", "b", "d");
        }
    }

    @Test
    void badInput_getsAClearException_andChangesNothing() {
        try (SlotGrid grid = grid()) {
            GridMap<String, Object> things = grid.map("things");
            grid.registerExtractor(IndexExtractor.of("identity", v -> v));
            grid.addIndex("things", IndexDefinition.local("ordered", "identity"));
            assertThatThrownBy(() -> things.put("k", new NotComparable()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be Comparable");
            assertThat(things.containsKey("k")).isFalse();

            grid.addIndex("things", IndexDefinition.global("global-identity", "identity"));
            assertThatThrownBy(() -> things.put("k", 1.5d)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("GLOBAL index 'global-identity'");
            assertThat(things.containsKey("k")).isFalse();

            assertThatThrownBy(() -> grid.addIndex("things", IndexDefinition.local("ordered", "identity")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already has an index named 'ordered'");
            assertThatThrownBy(() -> grid.addIndex("things", IndexDefinition.local("x", "no-such")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no index extractor named 'no-such'");
            assertThatThrownBy(() -> IndexDefinition.local("x", "identity").asUnique())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a GLOBAL index can be unique");
            assertThatThrownBy(() -> grid.query("things").eq("nope", 1).execute())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no index named 'nope'")
                    .hasMessageContaining("ordered");
            assertThatThrownBy(() -> grid.query("things").range("global-identity", 1, true, 5, true).execute())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not ranges");
            assertThatThrownBy(() -> grid.query("things").eq("ordered", 1).in("ordered", List.of(2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one index condition");
            assertThatThrownBy(() -> grid.query("things").limit(0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> grid.map("\u0000index:0")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reserved");
        }
    }

    @Test
    void byteArrayKeys_comeBackAsTheCallersBytes() {
        try (SlotGrid grid = grid()) {
            GridMap<byte[], String> map = grid.map("bytes");
            grid.addIndex("bytes", IndexDefinition.local("by-city", "test-city"));
            grid.addIndex("bytes", IndexDefinition.global("g-city", "test-city"));
            map.put(new byte[] {1, 2, 3}, person("Paris", 1));
            assertThat(grid.<byte[], String>query("bytes").eq("by-city", "Paris").execute().keys())
                    .singleElement().isEqualTo(new byte[] {1, 2, 3});
            assertThat(grid.<byte[], String>query("bytes").eq("g-city", "Paris").awaitIndexed(Duration.ofSeconds(10))
                    .execute().keys()).singleElement().isEqualTo(new byte[] {1, 2, 3});
        }
    }

    @Test
    void aKeyPinnedToASlotOfItsOwn_andBack_staysFoundThroughBothKindsOfIndex() {
        try (SlotGrid grid = grid()) {
            GridMap<String, String> people = grid.map("people");
            grid.addIndex("people", IndexDefinition.local("by-city", "test-city"));
            grid.addIndex("people", IndexDefinition.global("g-city", "test-city"));
            grid.addIndex("people", IndexDefinition.global("g-name", "name").asUnique());
            people.put("hot", person("Paris", 1));
            people.put("cold", person("Lima", 2));
            grid.pin("people", "hot", "node-2");
            people.put("hot", person("Oslo", 3)); // written in its pin slot
            assertThat(grid.<String, String>query("people").eq("by-city", "Oslo").execute().keys()).containsExactly("hot");
            assertThat(grid.<String, String>query("people").eq("g-city", "Oslo").awaitIndexed(Duration.ofSeconds(10))
                    .execute().keys()).containsExactly("hot");
            assertThatThrownBy(() -> people.put("cold", person("Oslo", 4))).isInstanceOf(UniqueIndexViolationException.class);
            assertThat(grid.unpin("people", "hot")).isTrue();
            people.put("hot", person("Pune", 5));
            assertThat(grid.<String, String>query("people").eq("by-city", "Pune").execute().keys()).containsExactly("hot");
            assertThat(grid.<String, String>query("people").eq("g-city", "Pune").awaitIndexed(Duration.ofSeconds(10))
                    .execute().keys()).containsExactly("hot");
            assertThat(grid.<String, String>query("people").eq("g-city", "Oslo").awaitIndexed(Duration.ofSeconds(10))
                    .execute().keys()).isEmpty();
            for (String index : List.of("by-city", "g-city", "g-name")) {
                IndexVerification verification = grid.verifyIndex("people", index);
                assertThat(verification.consistent()).as("%s", verification).isTrue();
            }
        }
    }

    private static Set<String> keys(Map<String, String> model, java.util.function.Predicate<String> matches) {
        return model.entrySet().stream().filter(e -> matches.test(e.getValue())).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }
}
