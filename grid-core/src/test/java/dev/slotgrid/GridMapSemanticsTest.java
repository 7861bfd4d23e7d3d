package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The map contract, checked against {@link ConcurrentHashMap} as the reference model; over the
 * serializing and the network bindings too ({@link GridMapSemanticsOverSerializingTransportTest},
 * {@link GridMapSemanticsOverNetworkTest}).
 */
class GridMapSemanticsTest {

    private SlotGrid grid;

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    @BeforeEach
    void open() {
        grid = builder().nodes(3).build();
    }

    @AfterEach
    void close() {
        grid.close();
    }

    @Test
    void randomOperations_fromEveryEntryNode_matchConcurrentHashMap() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        ConcurrentHashMap<String, Integer> model = new ConcurrentHashMap<>();
        List<GridMap<String, Integer>> views = new ArrayList<>();
        for (GridNode node : grid.nodes()) {
            views.add(node.map("semantics"));
        }
        for (int i = 0; i < 50_000; i++) {
            GridMap<String, Integer> map = views.get(random.nextInt(views.size()));
            String key = "k" + random.nextInt(200);
            int value = random.nextInt(5);
            int old = random.nextInt(5);
            String step = "seed " + seed + " step " + i;
            switch (random.nextInt(12)) {
                case 0 -> assertThat(map.get(key)).as(step).isEqualTo(model.get(key));
                case 1 -> assertThat(map.put(key, value)).as(step).isEqualTo(model.put(key, value));
                case 2 -> assertThat(map.putIfAbsent(key, value)).as(step).isEqualTo(model.putIfAbsent(key, value));
                case 3 -> assertThat(map.replace(key, value)).as(step).isEqualTo(model.replace(key, value));
                case 4 -> assertThat(map.replace(key, old, value)).as(step).isEqualTo(model.replace(key, old, value));
                case 5 -> assertThat(map.remove(key)).as(step).isEqualTo(model.remove(key));
                case 6 -> assertThat(map.remove(key, old)).as(step).isEqualTo(model.remove(key, old));
                case 7 -> assertThat(map.compute(key, (k, v) -> remap(v, value)))
                        .as(step).isEqualTo(model.compute(key, (k, v) -> remap(v, value)));
                case 8 -> assertThat(map.merge(key, value, (a, b) -> a + b > 9 ? null : a + b))
                        .as(step).isEqualTo(model.merge(key, value, (a, b) -> a + b > 9 ? null : a + b));
                case 9 -> assertThat(map.computeIfAbsent(key, k -> value == 0 ? null : value))
                        .as(step).isEqualTo(model.computeIfAbsent(key, k -> value == 0 ? null : value));
                case 10 -> assertThat(map.computeIfPresent(key, (k, v) -> v > 3 ? null : v + 1))
                        .as(step).isEqualTo(model.computeIfPresent(key, (k, v) -> v > 3 ? null : v + 1));
                default -> assertThat(map.containsKey(key)).as(step).isEqualTo(model.containsKey(key));
            }
        }
        assertThat(views.get(0).size()).isEqualTo(model.size());
        for (String key : model.keySet()) {
            assertThat(views.get(1).get(key)).isEqualTo(model.get(key));
        }
    }

    private static Integer remap(Integer current, int value) {
        if (current == null) {
            return value;
        }
        return (current + value) % 7 == 0 ? null : current + value;
    }

    @Test
    void everyKeyType_roundTrips_andDistinctTypesAreDistinctKeys() {
        GridMap<Object, String> map = grid.map("types");
        UUID id = UUID.randomUUID();
        map.put("5", "string");
        map.put(5L, "long");
        map.put(5, "int");
        map.put(id, "uuid");
        map.put(new byte[] {1, 2, 3}, "bytes");
        assertThat(map.get("5")).isEqualTo("string");
        assertThat(map.get(5L)).isEqualTo("long");
        assertThat(map.get(5)).isEqualTo("int");
        assertThat(map.get(UUID.fromString(id.toString()))).isEqualTo("uuid");
        assertThat(map.get(new byte[] {1, 2, 3})).as("byte[] keys compare by content").isEqualTo("bytes");
        assertThat(map.size()).isEqualTo(5);
    }

    @Test
    void byteArrayKey_isCopiedOnWrite_andFunctionsSeeTheCallersKey() {
        GridMap<byte[], String> map = grid.map("bytes");
        byte[] key = {9, 9};
        map.put(key, "v");
        key[0] = 1;
        assertThat(map.get(new byte[] {9, 9})).isEqualTo("v");
        byte[] other = {7};
        assertThat(map.compute(other, (k, v) -> k == other ? "same" : "copy")).isEqualTo("same");
    }

    @Test
    void nulls_areRejectedWithAClearMessage_andChangeNothing() {
        GridMap<String, String> map = grid.map("nulls");
        map.put("a", "1");
        assertThatThrownBy(() -> map.put(null, "x")).isInstanceOf(NullPointerException.class).hasMessage("key must not be null");
        assertThatThrownBy(() -> map.put("a", null)).isInstanceOf(NullPointerException.class).hasMessage("value must not be null");
        assertThatThrownBy(() -> map.get(null)).isInstanceOf(NullPointerException.class).hasMessage("key must not be null");
        assertThatThrownBy(() -> map.merge("a", "x", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("function must not be null");
        assertThatThrownBy(() -> map.replace("a", null, "2")).isInstanceOf(NullPointerException.class)
                .hasMessage("oldValue must not be null");
        Map<String, String> withNull = new HashMap<>();
        withNull.put("b", "2");
        withNull.put("c", null);
        assertThatThrownBy(() -> map.putAll(withNull)).isInstanceOf(NullPointerException.class);
        assertThat(map.get("a")).isEqualTo("1");
        assertThat(map.get("b")).as("putAll checks every entry before storing any").isNull();
        assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void unsupportedKeyType_isAClearError_andChangesNothing() {
        GridMap<Object, String> map = grid.map("bad");
        assertThatThrownBy(() -> map.put(3.5d, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unsupported key type java.lang.Double");
        Map<Object, String> mixed = new HashMap<>();
        mixed.put("fine", "1");
        mixed.put(new Object(), "2");
        assertThatThrownBy(() -> map.putAll(mixed)).isInstanceOf(IllegalArgumentException.class);
        assertThat(map.get("fine")).isNull();
        assertThat(map.size()).isZero();
    }

    @Test
    void failingRemappingFunction_reachesTheCaller_andChangesNothing() {
        GridMap<String, Integer> map = grid.map("fail");
        map.put("k", 1);
        assertThatThrownBy(() -> map.compute("k", (k, v) -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(map.get("k")).isEqualTo(1);
        assertThat(map.merge("k", 2, Integer::sum)).isEqualTo(3);
    }

    @Test
    void getAllAndPutAll_coverEveryNode() {
        GridMap<String, Integer> map = grid.map("bulk");
        Map<String, Integer> entries = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            entries.put("key-" + i, i);
        }
        map.putAll(entries);
        List<String> keys = new ArrayList<>(entries.keySet());
        keys.add("missing");
        assertThat(map.getAll(keys)).isEqualTo(entries);
        assertThat(grid.stats().nodes()).allSatisfy(node -> assertThat(node.operations(OpType.PUT)).isPositive());
        assertThat(map.mappingCount()).isEqualTo(1000);
    }

    @Test
    void asyncVariants_completeWithTheSyncResult_orFailWithItsException() throws Exception {
        GridMap<String, Long> map = grid.map("async");
        assertThat(map.putAsync("a", 1L).get()).isNull();
        assertThat(map.mergeAsync("a", 2L, Long::sum).get()).isEqualTo(3L);
        assertThat(map.getAsync("a").get()).isEqualTo(3L);
        assertThat(map.putIfAbsentAsync("a", 9L).get()).isEqualTo(3L);
        assertThat(map.replaceAsync("a", 4L).get()).isEqualTo(3L);
        assertThat(map.computeAsync("a", (k, v) -> v * 10).get()).isEqualTo(40L);
        map.putAllAsync(Map.of("b", 5L)).get();
        assertThat(map.getAllAsync(List.of("a", "b")).get()).containsEntry("a", 40L).containsEntry("b", 5L);
        assertThat(map.removeAsync("a").get()).isEqualTo(40L);
        assertThatThrownBy(() -> map.getAsync(null).get()).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(NullPointerException.class);
    }

    @Test
    void closedGrid_refusesCalls() {
        GridMap<String, String> map = grid.map("closed");
        grid.close();
        assertThatThrownBy(() -> map.get("x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
