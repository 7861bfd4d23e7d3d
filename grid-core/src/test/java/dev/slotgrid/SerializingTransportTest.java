package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.spi.CodecException;
import dev.slotgrid.spi.Codecs;
import dev.slotgrid.spi.IndexExtractor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * What only the copying binding has: a key or value the codecs cannot encode fails on the caller,
 * names what is wrong, and nothing is sent; the grid's own messages travel with the default codecs.
 */
class SerializingTransportTest {

    /** Neither Serializable nor known to any codec: no binding that copies can carry it. */
    static final class Opaque {
    }

    /** Serializable, but not in the default codecs' (empty) allowlist. */
    record NotAllowed(int n) implements java.io.Serializable {
    }

    private static SlotGrid grid() {
        return SlotGrid.builder().transport(TransportMode.SERIALIZING).codecs(Codecs.defaults()).nodes(3).jmx(false).build();
    }

    private static long writesSeen(SlotGrid grid) {
        long writes = 0;
        for (NodeStats node : grid.stats().nodes()) {
            for (OpType type : OpType.values()) {
                if (type.isWrite()) {
                    writes += node.operations(type);
                }
            }
        }
        return writes;
    }

    @Test
    void aValueTheCodecsCannotEncode_failsOnTheCaller_namingItsClass_andNothingIsSent() throws Exception {
        try (SlotGrid grid = grid()) {
            GridMap<String, Object> map = grid.map("opaque-values");
            for (Object value : List.of(new Object(), new Opaque(), new NotAllowed(1))) {
                String type = value.getClass().getName();
                assertThatThrownBy(() -> map.put("k", value)).isInstanceOf(CodecException.class).hasMessageContaining(type);
                assertThatThrownBy(() -> map.putIfAbsent("k", value)).isInstanceOf(CodecException.class)
                        .hasMessageContaining(type);
                assertThatThrownBy(() -> map.replace("k", value)).isInstanceOf(CodecException.class).hasMessageContaining(type);
                assertThatThrownBy(() -> map.putAll(Map.of("k", value))).isInstanceOf(CodecException.class)
                        .hasMessageContaining(type);
                assertThatThrownBy(() -> map.putAsync("k", value).get()).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(CodecException.class).hasMessageContaining(type);
                // a caller-side function's result travels as the value of its conditional write
                assertThatThrownBy(() -> map.compute("k", (k, v) -> value)).isInstanceOf(CodecException.class)
                        .hasMessageContaining(type);
                assertThatThrownBy(() -> map.merge("k", value, (a, b) -> b)).isInstanceOf(CodecException.class)
                        .hasMessageContaining(type);
            }
            assertThat(writesSeen(grid)).as("no write reached an owner").isZero();
            assertThat(map.get("k")).isNull();
            assertThat(map.size()).isZero();
        }
    }

    /**
     * docs/architecture.md ("Transports"): "a value they cannot encode fails on the caller with a
     * CodecException naming its type and map".
     */
    @Test
    void aValueTheCodecsCannotEncode_failsWithAMessageNamingTheMap() {
        try (SlotGrid grid = grid()) {
            GridMap<String, Object> map = grid.map("opaque-values");
            assertThatThrownBy(() -> map.put("k", new Opaque())).isInstanceOf(CodecException.class)
                    .hasMessageContaining(Opaque.class.getName()).hasMessageContaining("opaque-values");
            assertThat(map.size()).isZero();
        }
    }

    @Test
    void aProcessorArgumentTheCodecsCannotEncode_failsOnTheCaller_andChangesNothing() {
        try (SlotGrid grid = grid()) {
            grid.registerProcessor(FunctionsAcrossTheBoundaryTest.ADD);
            GridMap<String, Long> map = grid.map("counts");
            map.put("k", 1L);
            assertThatThrownBy(() -> map.invoke("k", FunctionsAcrossTheBoundaryTest.ADD.name(), new Opaque()))
                    .isInstanceOf(CodecException.class).hasMessageContaining(Opaque.class.getName());
            assertThat(map.get("k")).isEqualTo(1L);
        }
    }

    /** The grid's own replies must travel with whatever codecs the user chose, the defaults above all. */
    @Test
    void indexStats_travelWithTheDefaultCodecs() {
        try (SlotGrid grid = grid()) {
            grid.registerExtractor(IndexExtractor.of("length", v -> ((String) v).length()));
            grid.addIndex("words", IndexDefinition.global("by-length", "length"));
            grid.<String, String>map("words").put("k", "four");
            IndexStats stats = grid.indexStats();
            assertThat(stats.nodes()).hasSize(3);
            assertThat(stats.oldestPendingAge()).isLessThan(Duration.ofMinutes(1));
        }
    }

    @Test
    void theGridsOwnStatsAndQueries_travelWithTheDefaultCodecs() {
        try (SlotGrid grid = grid()) {
            grid.registerExtractor(IndexExtractor.of("length", v -> ((String) v).length()));
            grid.addIndex("words", IndexDefinition.local("by-length", "length"));
            GridMap<String, String> words = grid.map("words");
            words.putAll(Map.of("a", "one", "b", "three", "c", "two"));
            assertThat(grid.stats().entries()).isEqualTo(3);
            assertThat(grid.migrationStats().slotsFailed()).isZero();
            assertThat(grid.<String, String>query("words").eq("by-length", 3).execute().keys())
                    .containsExactlyInAnyOrder("a", "c");
            assertThat(grid.verifyIndex("words", "by-length").consistent()).isTrue();
            assertThat(grid.hotKeyStats().nearCacheHits()).isZero();
        }
    }
}
