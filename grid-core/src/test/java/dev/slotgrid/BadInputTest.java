package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.hotkey.LongSumMerger;
import dev.slotgrid.spi.IndexExtractor;
import dev.slotgrid.spi.Merger;
import dev.slotgrid.spi.Partitioner;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, "every bad input named": every public method of the grid's API rejects a bad argument
 * with an exception whose message names it (a bare {@code NullPointerException} with message
 * {@code null} fails these tests), and a rejected call changes nothing: a batch is checked whole
 * before any of it is written.
 */
class BadInputTest {

    private static SlotGrid grid;

    @BeforeAll
    static void start() {
        grid = SlotGrid.builder().nodes(3).jmx(false).build();
        grid.declareMergeable("counters", "long-sum");
        grid.registerExtractor(IndexExtractor.of("bad-input-length", v -> ((String) v).length()));
        grid.addIndex("indexed", IndexDefinition.local("by-length", "bad-input-length"));
    }

    @AfterAll
    static void stop() {
        grid.close();
    }

    /** The call throws {@code type} with a message that contains {@code message}. */
    private static void rejects(ThrowingCallable call, Class<? extends Throwable> type, String message) {
        assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(message);
    }

    private static void rejectsNull(ThrowingCallable call, String message) {
        rejects(call, NullPointerException.class, message);
    }

    /** The future failed with {@code type} and a message that contains {@code message}. */
    private static void failed(CompletableFuture<?> future, Class<? extends Throwable> type, String message)
            throws Exception {
        Throwable failure = future.handle((value, e) -> e).get(10, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(type).hasMessageContaining(message);
    }

    private static <K, V> GridMap<K, V> emptyMap(String name) {
        GridMap<K, V> map = grid.map(name);
        assertThat(map.isEmpty()).as("map '%s' starts empty", name).isTrue();
        return map;
    }

    // ---------------------------------------------------------------- GridMap, single key

    @Test
    void get_nullKey_isNamed() {
        GridMap<String, String> map = emptyMap("get");
        rejectsNull(() -> map.get(null), "key must not be null");
    }

    @Test
    void get_unsupportedKeyType_isNamed() {
        GridMap<Object, String> map = emptyMap("get-type");
        rejects(() -> map.get(3.5d), IllegalArgumentException.class, "unsupported key type java.lang.Double");
    }

    @Test
    void containsKey_nullKey_isNamed() {
        GridMap<String, String> map = emptyMap("containsKey");
        rejectsNull(() -> map.containsKey(null), "key must not be null");
    }

    @Test
    void put_nullKeyOrValue_isNamed_andStoresNothing() {
        GridMap<String, String> map = emptyMap("put");
        rejectsNull(() -> map.put(null, "v"), "key must not be null");
        rejectsNull(() -> map.put("k", null), "value must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void putIfAbsent_nullKeyOrValue_isNamed_andStoresNothing() {
        GridMap<String, String> map = emptyMap("putIfAbsent");
        rejectsNull(() -> map.putIfAbsent(null, "v"), "key must not be null");
        rejectsNull(() -> map.putIfAbsent("k", null), "value must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void replace_nullKeyOrValue_isNamed_andChangesNothing() {
        GridMap<String, String> map = emptyMap("replace");
        map.put("k", "1");
        rejectsNull(() -> map.replace(null, "v"), "key must not be null");
        rejectsNull(() -> map.replace("k", null), "value must not be null");
        assertThat(map.get("k")).isEqualTo("1");
    }

    @Test
    void replaceIfEquals_eachNullArgument_isNamed_andChangesNothing() {
        GridMap<String, String> map = emptyMap("replace-if-equals");
        map.put("k", "1");
        rejectsNull(() -> map.replace(null, "1", "2"), "key must not be null");
        rejectsNull(() -> map.replace("k", null, "2"), "oldValue must not be null");
        rejectsNull(() -> map.replace("k", "1", null), "newValue must not be null");
        assertThat(map.get("k")).isEqualTo("1");
    }

    @Test
    void remove_nullKey_isNamed() {
        GridMap<String, String> map = emptyMap("remove");
        rejectsNull(() -> map.remove(null), "key must not be null");
    }

    @Test
    void removeIfEquals_nullKeyOrValue_isNamed_andChangesNothing() {
        GridMap<String, String> map = emptyMap("remove-if-equals");
        map.put("k", "1");
        rejectsNull(() -> map.remove(null, "1"), "key must not be null");
        rejectsNull(() -> map.remove("k", null), "value must not be null");
        assertThat(map.get("k")).isEqualTo("1");
    }

    @Test
    void compute_nullKeyOrFunction_isNamed_andStoresNothing() {
        GridMap<String, String> map = emptyMap("compute");
        rejectsNull(() -> map.compute(null, (k, v) -> "x"), "key must not be null");
        rejectsNull(() -> map.compute("k", null), "function must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void computeIfAbsent_nullKeyOrFunction_isNamed_andStoresNothing() {
        GridMap<String, String> map = emptyMap("computeIfAbsent");
        rejectsNull(() -> map.computeIfAbsent(null, k -> "x"), "key must not be null");
        rejectsNull(() -> map.computeIfAbsent("k", null), "function must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void computeIfPresent_nullKeyOrFunction_isNamed_andChangesNothing() {
        GridMap<String, String> map = emptyMap("computeIfPresent");
        map.put("k", "1");
        rejectsNull(() -> map.computeIfPresent(null, (k, v) -> "x"), "key must not be null");
        rejectsNull(() -> map.computeIfPresent("k", null), "function must not be null");
        assertThat(map.get("k")).isEqualTo("1");
    }

    @Test
    void merge_eachNullArgument_isNamed_andStoresNothing() {
        GridMap<String, String> map = emptyMap("merge");
        rejectsNull(() -> map.merge(null, "v", String::concat), "key must not be null");
        rejectsNull(() -> map.merge("k", null, String::concat), "value must not be null");
        rejectsNull(() -> map.merge("k", "v", null), "function must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void add_nullKeyOrValue_isNamed_andStoresNothing() {
        GridMap<String, Long> counters = grid.map("counters");
        rejectsNull(() -> counters.add(null, 1L), "key must not be null");
        rejectsNull(() -> counters.add("k", null), "value must not be null");
        assertThat(counters.get("k")).isNull();
    }

    @Test
    void getOrLoad_nullKeyOrLoader_isNamed_andStoresNothing() {
        GridMap<String, String> map = emptyMap("getOrLoad");
        rejectsNull(() -> map.getOrLoad(null, k -> "x"), "key must not be null");
        rejectsNull(() -> map.getOrLoad("k", null), "function must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    // ---------------------------------------------------------------- GridMap, batches

    @Test
    void getAll_nullCollection_isNamed() {
        GridMap<String, String> map = emptyMap("getAll-null");
        rejectsNull(() -> map.getAll(null), "keys must not be null");
    }

    @Test
    void getAll_nullKeyInside_isNamedWithItsIndex() {
        GridMap<String, String> map = emptyMap("getAll");
        map.put("a", "1");
        assertThatThrownBy(() -> map.getAll(Arrays.asList("a", null))).isInstanceOf(NullPointerException.class)
                .hasMessage("keys must not contain null (at index 1)");
    }

    @Test
    void getAll_unsupportedKeyInside_isNamed() {
        GridMap<Object, String> map = emptyMap("getAll-type");
        rejects(() -> map.getAll(List.of("a", 3.5d)), IllegalArgumentException.class, "java.lang.Double");
    }

    @Test
    void getAll_ofNoKeys_isAnEmptyAnswer() {
        GridMap<String, String> map = emptyMap("getAll-empty");
        map.put("a", "1");
        assertThat(map.getAll(List.of())).isEmpty();
    }

    @Test
    void getAll_onAMapWithHotKeyState_nullKeyInside_isNamedWithItsIndex() {
        GridMap<String, Long> counters = grid.map("counters");
        assertThatThrownBy(() -> counters.getAll(Arrays.asList(null, "a"))).isInstanceOf(NullPointerException.class)
                .hasMessage("keys must not contain null (at index 0)");
    }

    @Test
    void putAll_nullMap_isNamed() {
        GridMap<String, String> map = emptyMap("putAll-null");
        rejectsNull(() -> map.putAll(null), "entries must not be null");
    }

    @Test
    void putAll_nullValue_namesItsKey_andStoresNothing() {
        GridMap<String, String> map = emptyMap("putAll-value");
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 0; i < 100; i++) {
            entries.put("k" + i, "v" + i);
        }
        entries.put("k", null);
        entries.put("after", "v");
        assertThatThrownBy(() -> map.putAll(entries)).isInstanceOf(NullPointerException.class)
                .hasMessage("putAll: the value of key 'k' must not be null");
        assertThat(map.isEmpty()).as("putAll checks every entry before it stores any").isTrue();
    }

    @Test
    void putAll_nullKey_isNamed_andStoresNothing() {
        GridMap<String, String> map = emptyMap("putAll-key");
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("a", "1");
        entries.put(null, "2");
        entries.put("b", "3");
        assertThatThrownBy(() -> map.putAll(entries)).isInstanceOf(NullPointerException.class)
                .hasMessage("putAll: entries must not contain a null key");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void putAll_nullValueOfAByteArrayKey_namesItByLength() {
        GridMap<byte[], String> map = emptyMap("putAll-bytes");
        Map<byte[], String> entries = new LinkedHashMap<>();
        entries.put(new byte[] {1, 2, 3}, null);
        rejectsNull(() -> map.putAll(entries), "putAll: the value of key 'byte[3]' must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void putAll_unsupportedKeyInside_isNamed_andStoresNothing() {
        GridMap<Object, String> map = emptyMap("putAll-type");
        Map<Object, String> entries = new LinkedHashMap<>();
        entries.put("a", "1");
        entries.put(3.5d, "2");
        rejects(() -> map.putAll(entries), IllegalArgumentException.class, "java.lang.Double");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void putAll_ofNoEntries_storesNothing() {
        GridMap<String, String> map = emptyMap("putAll-empty");
        map.putAll(Map.of());
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void putAll_onAMapWithHotKeyState_nullValue_namesItsKey_andStoresNothing() {
        GridMap<String, Long> counters = grid.map("counters");
        Map<String, Long> entries = new LinkedHashMap<>();
        entries.put("hot-a", 1L);
        entries.put("hot-b", null);
        rejectsNull(() -> counters.putAll(entries), "putAll: the value of key 'hot-b' must not be null");
        assertThat(counters.get("hot-a")).isNull();
    }

    // ---------------------------------------------------------------- GridMap, asynchronous

    @Test
    void getAsync_nullKey_failsTheFuture_namingIt() throws Exception {
        GridMap<String, String> map = emptyMap("getAsync");
        failed(map.getAsync(null), NullPointerException.class, "key must not be null");
    }

    @Test
    void putAsync_nullKeyOrValue_failsTheFuture_namingIt_andStoresNothing() throws Exception {
        GridMap<String, String> map = emptyMap("putAsync");
        failed(map.putAsync(null, "v"), NullPointerException.class, "key must not be null");
        failed(map.putAsync("k", null), NullPointerException.class, "value must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void putIfAbsentAsync_nullKeyOrValue_failsTheFuture_namingIt_andStoresNothing() throws Exception {
        GridMap<String, String> map = emptyMap("putIfAbsentAsync");
        failed(map.putIfAbsentAsync(null, "v"), NullPointerException.class, "key must not be null");
        failed(map.putIfAbsentAsync("k", null), NullPointerException.class, "value must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void removeAsync_nullKey_failsTheFuture_namingIt() throws Exception {
        GridMap<String, String> map = emptyMap("removeAsync");
        failed(map.removeAsync(null), NullPointerException.class, "key must not be null");
    }

    @Test
    void replaceAsync_nullKeyOrValue_failsTheFuture_namingIt_andChangesNothing() throws Exception {
        GridMap<String, String> map = emptyMap("replaceAsync");
        map.put("k", "1");
        failed(map.replaceAsync(null, "v"), NullPointerException.class, "key must not be null");
        failed(map.replaceAsync("k", null), NullPointerException.class, "value must not be null");
        assertThat(map.get("k")).isEqualTo("1");
    }

    @Test
    void computeAsync_nullKeyOrFunction_failsTheFuture_namingIt() throws Exception {
        GridMap<String, String> map = emptyMap("computeAsync");
        failed(map.computeAsync(null, (k, v) -> "x"), NullPointerException.class, "key must not be null");
        failed(map.computeAsync("k", null), NullPointerException.class, "function must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void mergeAsync_eachNullArgument_failsTheFuture_namingIt() throws Exception {
        GridMap<String, String> map = emptyMap("mergeAsync");
        failed(map.mergeAsync(null, "v", String::concat), NullPointerException.class, "key must not be null");
        failed(map.mergeAsync("k", null, String::concat), NullPointerException.class, "value must not be null");
        failed(map.mergeAsync("k", "v", null), NullPointerException.class, "function must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    @Test
    void getAllAsync_nullCollectionOrKeyInside_failsTheFuture_namingIt() throws Exception {
        GridMap<String, String> map = emptyMap("getAllAsync");
        failed(map.getAllAsync(null), NullPointerException.class, "keys must not be null");
        failed(map.getAllAsync(Arrays.asList("a", "b", null)), NullPointerException.class,
                "keys must not contain null (at index 2)");
        assertThat(map.getAllAsync(List.of()).get(10, TimeUnit.SECONDS)).isEmpty();
    }

    @Test
    void putAllAsync_nullMapOrValue_failsTheFuture_namingIt_andStoresNothing() throws Exception {
        GridMap<String, String> map = emptyMap("putAllAsync");
        failed(map.putAllAsync(null), NullPointerException.class, "entries must not be null");
        Map<String, String> entries = new LinkedHashMap<>();
        entries.put("a", "1");
        entries.put("b", null);
        failed(map.putAllAsync(entries), NullPointerException.class, "putAll: the value of key 'b' must not be null");
        assertThat(map.isEmpty()).isTrue();
    }

    // ---------------------------------------------------------------- SlotGrid

    @Test
    void node_nullOrUnknownName_isNamed() {
        rejectsNull(() -> grid.node(null), "node name must not be null");
        rejects(() -> grid.node("nobody"), IllegalArgumentException.class, "no active node named 'nobody'");
    }

    @Test
    void map_nullOrBlankName_isNamed() {
        rejectsNull(() -> grid.map(null), "map name must not be null");
        rejects(() -> grid.map(" "), IllegalArgumentException.class, "map name must be 1 to 255 characters");
        rejects(() -> grid.map("x".repeat(256)), IllegalArgumentException.class, "map name must be 1 to 255 characters");
    }

    @Test
    void addNode_nullOrBlankName_orBadWeight_isNamed_andAddsNothing() {
        int before = grid.nodes().size();
        rejectsNull(() -> grid.addNode(null, 1), "node name must not be null");
        rejects(() -> grid.addNode(" ", 1), IllegalArgumentException.class, "node name must not be blank");
        rejects(() -> grid.addNode("extra", 0), IllegalArgumentException.class, "weight of node 'extra'");
        rejects(() -> grid.addNode("node-0", 1), IllegalArgumentException.class, "a node named 'node-0' is already");
        assertThat(grid.nodes()).hasSize(before);
        assertThat(grid.table().nodes()).hasSize(before);
    }

    @Test
    void removeNode_nullOrUnknownName_isNamed_andRemovesNothing() {
        int before = grid.nodes().size();
        rejectsNull(() -> grid.removeNode(null), "node name must not be null");
        rejects(() -> grid.removeNode("nobody"), IllegalArgumentException.class, "no active node named 'nobody'");
        assertThat(grid.nodes()).hasSize(before);
    }

    @Test
    void migrate_badSlotOrNullNode_isNamed_andMovesNothing() {
        long epoch = grid.table().epoch();
        rejects(() -> grid.migrate(-1, "node-0"), IllegalArgumentException.class, "slot must be in [0, 16384), was -1");
        rejects(() -> grid.migrate(16384, "node-0"), IllegalArgumentException.class, "slot must be in [0, 16384)");
        rejectsNull(() -> grid.migrate(1, null), "node name must not be null");
        assertThat(grid.table().epoch()).isEqualTo(epoch);
    }

    @Test
    void cancelMigration_badSlot_isNamed() {
        rejects(() -> grid.cancelMigration(-1), IllegalArgumentException.class, "slot must be in [0, 16384), was -1");
        rejects(() -> grid.cancelMigration(16384), IllegalArgumentException.class, "was 16384");
        assertThat(grid.cancelMigration(0)).as("a valid slot with no migration").isFalse();
    }

    @Test
    void registerExtractor_nullOrNamelessExtractor_isNamed() {
        rejectsNull(() -> grid.registerExtractor(null), "extractor must not be null");
        rejectsNull(() -> grid.registerExtractor(new NamedExtractor(null)), "extractor name must not be null");
        rejects(() -> grid.registerExtractor(new NamedExtractor(" ")), IllegalArgumentException.class,
                "extractor name must not be blank");
    }

    @Test
    void addIndex_nullMapOrDefinition_isNamed_andAddsNothing() {
        rejectsNull(() -> grid.addIndex(null, IndexDefinition.local("i", "bad-input-length")), "map name must not be null");
        rejectsNull(() -> grid.addIndex("no-index", null), "index definition must not be null");
        rejects(() -> grid.addIndex("no-index", IndexDefinition.local("i", "no-such-extractor")),
                IllegalArgumentException.class, "no index extractor named 'no-such-extractor'");
        assertThat(grid.indexes("no-index")).isEmpty();
    }

    @Test
    void indexes_nullMap_isNamed() {
        rejectsNull(() -> grid.indexes(null), "map name must not be null");
    }

    @Test
    void query_nullMap_isNamed() {
        rejectsNull(() -> grid.query(null), "map name must not be null");
    }

    @Test
    void verifyIndex_nullMapOrIndex_isNamed() {
        rejectsNull(() -> grid.verifyIndex(null, "by-length"), "map name must not be null");
        rejectsNull(() -> grid.verifyIndex("indexed", null), "index name must not be null");
        rejects(() -> grid.verifyIndex("indexed", "nope"), IllegalArgumentException.class, "no index named 'nope'");
    }

    @Test
    void declareMergeable_byName_nullArguments_areNamed() {
        rejectsNull(() -> grid.declareMergeable("m", (String) null), "Merger name must not be null");
        rejectsNull(() -> grid.declareMergeable(null, "long-sum"), "map name must not be null");
        rejects(() -> grid.declareMergeable("m", "max"), IllegalArgumentException.class, "no Merger plugin named 'max'");
    }

    @Test
    void declareMergeable_byInstance_nullArguments_areNamed() {
        rejectsNull(() -> grid.declareMergeable("m", (Merger<?>) null), "merger must not be null");
        rejectsNull(() -> grid.declareMergeable(null, new LongSumMerger()), "map name must not be null");
    }

    @Test
    void nearCache_nullOrUnsupportedKey_orNullMap_isNamed() {
        rejectsNull(() -> grid.nearCache("m", null, true), "key must not be null");
        rejectsNull(() -> grid.nearCache(null, "k", true), "map name must not be null");
        rejects(() -> grid.nearCache("m", 3.5d, true), IllegalArgumentException.class, "java.lang.Double");
        assertThat(grid.hotKeyStats().nearCachedKeys()).isZero();
    }

    @Test
    void salt_nullKey_nullMap_orBadParts_isNamed() {
        rejectsNull(() -> grid.salt("counters", null, 2), "key must not be null");
        rejectsNull(() -> grid.salt(null, "k", 2), "map name must not be null");
        rejects(() -> grid.salt("counters", "k", -1), IllegalArgumentException.class,
                "parts must be between 0 and 256, was -1");
        rejects(() -> grid.salt("counters", "k", 257), IllegalArgumentException.class, "was 257");
        assertThat(grid.hotKeyStats().saltedKeys()).isZero();
    }

    @Test
    void pin_nullKey_nullMap_orNullNode_isNamed_andPinsNothing() {
        rejectsNull(() -> grid.pin("m", null, "node-0"), "key must not be null");
        rejectsNull(() -> grid.pin(null, "k", "node-0"), "map name must not be null");
        rejectsNull(() -> grid.pin("m", "k", null), "node name must not be null");
        rejects(() -> grid.pin("m", "k", "nobody"), IllegalArgumentException.class, "no active node named 'nobody'");
        assertThat(grid.table().hasPins()).isFalse();
    }

    @Test
    void unpin_nullKeyOrMap_isNamed() {
        rejectsNull(() -> grid.unpin("m", null), "key must not be null");
        rejectsNull(() -> grid.unpin(null, "k"), "map name must not be null");
    }

    // ---------------------------------------------------------------- GridNode

    @Test
    void nodeMap_nullName_isNamed() {
        GridNode node = grid.nodes().get(1);
        rejectsNull(() -> node.map(null), "map name must not be null");
        rejects(() -> node.map(""), IllegalArgumentException.class, "map name must be 1 to 255 characters");
    }

    @Test
    void nodeQuery_nullName_isNamed() {
        GridNode node = grid.nodes().get(1);
        rejectsNull(() -> node.query(null), "map name must not be null");
    }

    // ---------------------------------------------------------------- GridQuery

    @Test
    void queryEq_nullIndexOrValue_isNamed() {
        GridQuery<String, String> query = grid.query("indexed");
        rejectsNull(() -> query.eq(null, 1), "index name must not be null");
        rejectsNull(() -> query.eq("by-length", null), "value must not be null");
    }

    @Test
    void queryIn_nullIndex_nullOrEmptyValues_orNullValueInside_isNamed() {
        GridQuery<String, String> query = grid.query("indexed");
        rejectsNull(() -> query.in(null, List.of(1)), "index name must not be null");
        rejectsNull(() -> query.in("by-length", null), "values must not be null");
        assertThatThrownBy(() -> query.in("by-length", Arrays.asList(1, null, 3))).isInstanceOf(NullPointerException.class)
                .hasMessage("values must not contain null (at index 1)");
        rejects(() -> query.in("by-length", List.of()), IllegalArgumentException.class,
                "an 'in' condition needs at least one value");
    }

    @Test
    void queryRange_nullIndex_orBadBounds_isNamed() {
        GridQuery<String, String> query = grid.query("indexed");
        rejectsNull(() -> query.range(null, 1, true, 2, true), "index name must not be null");
        rejects(() -> query.range("by-length", new Object(), true, null, true), IllegalArgumentException.class,
                "range bounds must be Comparable");
        rejects(() -> query.range("by-length", 1, true, "z", true), IllegalArgumentException.class,
                "range bounds must be of one class");
    }

    @Test
    void queryFilter_nullPredicate_isNamed() {
        rejectsNull(() -> grid.query("indexed").filter(null), "predicate must not be null");
    }

    @Test
    void queryPartitionKey_nullOrUnsupportedKey_isNamed() {
        GridQuery<Object, String> query = grid.query("indexed");
        rejectsNull(() -> query.partitionKey(null), "partition key must not be null");
        rejects(() -> query.partitionKey(3.5d), IllegalArgumentException.class, "java.lang.Double");
    }

    @Test
    void queryLimit_belowOne_isNamed() {
        rejects(() -> grid.query("indexed").limit(0), IllegalArgumentException.class, "limit must be at least 1, was 0");
        rejects(() -> grid.query("indexed").limit(-5), IllegalArgumentException.class, "was -5");
    }

    @Test
    void queryOrderBy_nullComparator_isNamed() {
        rejectsNull(() -> grid.query("indexed").orderBy(null), "comparator must not be null");
    }

    @Test
    void queryNodeBudget_nullOrNotPositive_isNamed() {
        rejectsNull(() -> grid.query("indexed").nodeBudget(null), "budget must not be null");
        rejects(() -> grid.query("indexed").nodeBudget(Duration.ZERO), IllegalArgumentException.class,
                "node budget must be positive");
        rejects(() -> grid.query("indexed").nodeBudget(Duration.ofMillis(-1)), IllegalArgumentException.class,
                "node budget must be positive");
    }

    @Test
    void queryOnPartial_nullPolicy_isNamed() {
        rejectsNull(() -> grid.query("indexed").onPartial(null), "policy must not be null");
    }

    @Test
    void queryAwaitIndexed_nullOrNegative_isNamed() {
        rejectsNull(() -> grid.query("indexed").awaitIndexed(null), "timeout must not be null");
        rejects(() -> grid.query("indexed").awaitIndexed(Duration.ofMillis(-1)), IllegalArgumentException.class,
                "awaitIndexed timeout must not be negative");
        assertThat(grid.query("indexed").awaitIndexed(Duration.ZERO)).as("zero: do not wait").isNotNull();
    }

    // ---------------------------------------------------------------- IndexDefinition

    @Test
    void indexDefinition_eachBadField_isNamed() {
        rejectsNull(() -> new IndexDefinition(null, "e", IndexKind.LOCAL, false), "index name must not be null");
        rejectsNull(() -> new IndexDefinition("i", null, IndexKind.LOCAL, false), "extractor name must not be null");
        rejectsNull(() -> new IndexDefinition("i", "e", null, false), "index kind must not be null");
        rejects(() -> new IndexDefinition(" ", "e", IndexKind.LOCAL, false), IllegalArgumentException.class,
                "index name must be 1 to 64 characters");
        rejects(() -> new IndexDefinition("i".repeat(65), "e", IndexKind.LOCAL, false), IllegalArgumentException.class,
                "index name must be 1 to 64 characters");
        rejects(() -> new IndexDefinition("i", " ", IndexKind.LOCAL, false), IllegalArgumentException.class,
                "index 'i': extractor name must not be blank");
        rejects(() -> new IndexDefinition("i", "e", IndexKind.LOCAL, true), IllegalArgumentException.class,
                "only a GLOBAL index can be unique");
    }

    @Test
    void indexDefinitionLocal_nullArguments_areNamed() {
        rejectsNull(() -> IndexDefinition.local(null, "e"), "index name must not be null");
        rejectsNull(() -> IndexDefinition.local("i", null), "extractor name must not be null");
    }

    @Test
    void indexDefinitionGlobal_nullArguments_areNamed() {
        rejectsNull(() -> IndexDefinition.global(null, "e"), "index name must not be null");
        rejectsNull(() -> IndexDefinition.global("i", null), "extractor name must not be null");
    }

    @Test
    void indexDefinitionAsUnique_ofALocalIndex_isNamed() {
        rejects(() -> IndexDefinition.local("i", "e").asUnique(), IllegalArgumentException.class,
                "index 'i': only a GLOBAL index can be unique");
    }

    // ---------------------------------------------------------------- HotKeyPolicy

    @Test
    void hotKeyPolicy_eachBadValue_isNamed() {
        HotKeyPolicy policy = HotKeyPolicy.defaults();
        rejects(() -> policy.withShareThreshold(0), IllegalArgumentException.class, "shareThreshold must be in (0, 1]");
        rejects(() -> policy.withShareThreshold(Double.NaN), IllegalArgumentException.class, "was NaN");
        rejects(() -> policy.withMinOpsPerSecond(0), IllegalArgumentException.class, "minOpsPerSecond must be positive");
        rejects(() -> policy.withNearCacheReadFraction(1.5), IllegalArgumentException.class,
                "nearCacheReadFraction must be in [0, 1]");
        rejectsNull(() -> policy.withNearCacheTtl(null), "nearCacheTtl must not be null");
        rejects(() -> policy.withNearCacheTtl(Duration.ZERO), IllegalArgumentException.class,
                "nearCacheTtl must be between 1 ms and 1 hour");
        rejects(() -> policy.withMaxSaltParts(1), IllegalArgumentException.class, "maxSaltParts must be between 2 and 256");
        rejectsNull(() -> policy.withCooldown(null), "cooldown must not be null");
        rejects(() -> policy.withCooldown(Duration.ofMillis(-1)), IllegalArgumentException.class,
                "cooldown must be between 100 ms and 1 hour");
    }

    // ---------------------------------------------------------------- SlotGridBuilder

    @Test
    void builder_eachBadValue_isNamed() {
        SlotGridBuilder builder = SlotGrid.builder();
        rejectsNull(() -> builder.hotKeyPolicy(null), "hotKeyPolicy must not be null");
        rejects(() -> builder.migrationThrottle(0), IllegalArgumentException.class, "migrationThrottle must be between");
        rejects(() -> builder.maxMigrationsInFlight(0), IllegalArgumentException.class, "maxMigrationsInFlight");
        rejects(() -> builder.migrationBatchSize(0), IllegalArgumentException.class, "migrationBatchSize");
        rejects(() -> builder.indexOutboxCapacity(0), IllegalArgumentException.class, "indexOutboxCapacity");
        rejects(() -> builder.nodes(-1), IllegalArgumentException.class, "nodes must be between 1 and 1024, was -1");
        rejectsNull(() -> builder.node(null, 1), "node name must not be null");
        rejects(() -> builder.node("a", -1), IllegalArgumentException.class, "weight of node 'a'");
        rejectsNull(() -> builder.name(null), "grid name must not be null");
        rejects(() -> builder.name(" "), IllegalArgumentException.class, "grid name must not be blank");
        rejectsNull(() -> builder.partitioner((String) null), "Partitioner name must not be null");
        rejectsNull(() -> builder.partitioner((Partitioner) null), "partitioner must not be null");
        rejectsNull(() -> builder.storeProvider((String) null), "StoreProvider name must not be null");
        rejectsNull(() -> builder.storeProvider((dev.slotgrid.spi.StoreProvider) null), "storeProvider must not be null");
        rejects(() -> builder.maxRedirects(0), IllegalArgumentException.class, "maxRedirects must be between 1 and 1000");
        rejectsNull(() -> builder.cutoverTimeout(null), "cutoverTimeout must not be null");
        rejects(() -> builder.cutoverTimeout(Duration.ofSeconds(-1)), IllegalArgumentException.class,
                "cutoverTimeout must be positive");
    }

    @Test
    void clusterBuilder_eachBadValue_isNamed() {
        ClusterBuilder builder = SlotGrid.cluster();
        rejects(() -> builder.failureTimeout(Duration.ofSeconds(1)), IllegalArgumentException.class,
                "failureTimeout must be between PT2S and PT10M, was PT1S");
        rejects(() -> builder.callTimeout(Duration.ofMillis(1)), IllegalArgumentException.class,
                "callTimeout must be between");
        rejectsNull(() -> builder.spinWait(null), "spinWait must not be null");
        rejects(() -> builder.spinWait(Duration.ofNanos(-1)), IllegalArgumentException.class,
                "spinWait must be between PT0S and PT0.001S, was PT-0.000000001S");
        rejects(() -> builder.spinWait(Duration.ofMillis(2)), IllegalArgumentException.class, "spinWait must be between");
        rejects(() -> builder.maxInFlight(0), IllegalArgumentException.class, "maxInFlight must be between 1 and 1000000, was 0");
        rejects(() -> builder.maxFrameBytes(1024), IllegalArgumentException.class, "maxFrameBytes must be between");
        assertThatThrownBy(builder::start).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a clustered member needs a memberName");
        builder.spinWait(Duration.ZERO).spinWait(Duration.ofMillis(1));
        assertThat(builder.settings().spinWait()).isEqualTo(Duration.ofMillis(1));
    }

    // ---------------------------------------------------------------- snapshots

    @Test
    void gridStatsNode_nullOrUnknownName_isNamed() {
        GridStats stats = grid.stats();
        rejectsNull(() -> stats.node(null), "node name must not be null");
        rejects(() -> stats.node("nobody"), IllegalArgumentException.class, "no node named 'nobody'");
    }

    @Test
    void gridStatsSince_null_isNamed() {
        rejectsNull(() -> grid.stats().since(null), "earlier stats must not be null");
    }

    @Test
    void nodeStatsOperations_nullType_isNamed() {
        rejectsNull(() -> grid.nodes().get(0).stats().operations(null), "operation type must not be null");
    }

    @Test
    void nodeStatsHottestSlots_negativeCount_isNamed() {
        NodeStats stats = grid.nodes().get(0).stats();
        rejects(() -> stats.hottestSlots(-1), IllegalArgumentException.class,
                "hottestSlots count must not be negative, was -1");
        assertThat(stats.hottestSlots(0)).isEmpty();
    }

    @Test
    void nodeStatsSince_nullOrOtherNode_isNamed() {
        NodeStats stats = grid.nodes().get(0).stats();
        rejectsNull(() -> stats.since(null), "earlier stats must not be null");
        rejects(() -> stats.since(grid.nodes().get(1).stats()), IllegalArgumentException.class,
                "snapshots of different nodes");
    }

    @Test
    void queryResult_nullListsOrElementsOrPlan_areNamed() {
        List<Map.Entry<String, String>> entries = List.of(new AbstractMap.SimpleImmutableEntry<>("k", "v"));
        rejectsNull(() -> new QueryResult<String, String>(null, 0, 1, 1, List.of(), "p"), "entries must not be null");
        rejectsNull(() -> new QueryResult<String, String>(Arrays.asList(entries.get(0), null), 2, 1, 1, List.of(), "p"),
                "entries must not contain null (at index 1)");
        rejectsNull(() -> new QueryResult<>(entries, 1, 1, 1, null, "p"), "nodesTimedOut must not be null");
        rejectsNull(() -> new QueryResult<>(entries, 1, 1, 1, Arrays.asList((String) null), "p"),
                "nodesTimedOut must not contain null (at index 0)");
        rejectsNull(() -> new QueryResult<>(entries, 1, 1, 1, List.of(), null), "plan must not be null");
    }

    @Test
    void indexVerification_nullSamples_areNamed() {
        rejectsNull(() -> new IndexVerification("m", "i", IndexKind.LOCAL, 0, 0, 0, 0, 0, null), "samples must not be null");
        rejectsNull(() -> new IndexVerification("m", "i", IndexKind.LOCAL, 0, 0, 0, 0, 0, Arrays.asList("a", null)),
                "samples must not contain null (at index 1)");
    }

    @Test
    void indexStats_nullNodes_areNamed() {
        rejectsNull(() -> new IndexStats(null), "nodes must not be null");
        rejectsNull(() -> new IndexStats(Arrays.asList((IndexStats.Node) null)), "nodes must not contain null (at index 0)");
    }

    @Test
    void skewBandOf_NaN_isNamed() {
        rejects(() -> SkewBand.of(Double.NaN), IllegalArgumentException.class, "skew must be a number, was NaN");
        assertThat(SkewBand.of(0.5)).as("below 1: balanced").isEqualTo(SkewBand.HEALTHY);
    }

    @Test
    void internalCollectionCheck_namesTheArgumentAndTheIndex() {
        Collection<String> none = null;
        rejectsNull(() -> Require.noNulls(none, "things"), "things must not be null");
        rejectsNull(() -> Require.noNulls(Arrays.asList("a", "b", null), "things"), "things must not contain null (at index 2)");
        assertThat(Require.noNulls(List.of("a"), "things")).containsExactly("a");
    }

    /** An extractor whose name the test chooses, {@code null} and blank included. */
    private record NamedExtractor(String name) implements IndexExtractor {
        @Override
        public Collection<?> extract(Object value) {
            return List.of();
        }
    }
}
