package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.spi.EntryProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A caller's functions on both bindings (docs/architecture.md, "Functions across the boundary"):
 * in-JVM the function travels to the owner and runs there once, inside the key's atomic update;
 * over a copying binding it runs on the caller and its result is applied by a conditional write,
 * retried on conflict, so it may run more than once, and the result is still right. A named
 * {@link EntryProcessor} runs on the owner, once, on every binding.
 */
class FunctionsAcrossTheBoundaryTest {

    private static final int THREADS = 4;

    /** Adds its argument to the current value (absent counts as 0), and counts its own runs. */
    static final class CountingAdder implements EntryProcessor<Object, Long, Long> {
        final AtomicLong runs = new AtomicLong();

        @Override
        public String name() {
            return "test-add";
        }

        @Override
        public Long process(Object key, Long current, Long argument) {
            runs.incrementAndGet();
            return (current == null ? 0 : current) + argument;
        }
    }

    /** A processor instance for {@link SerializingTransportTest}; each grid registers its own plugins. */
    static final CountingAdder ADD = new CountingAdder();

    /** What a failing function throws: a type no binding rebuilds, so only the caller's own instance can arrive. */
    static final class Boom extends RuntimeException {
        Boom() {
            super("boom");
        }
    }

    private static SlotGrid grid(TransportMode mode) {
        SlotGridBuilder builder = Bindings.of(mode);
        return builder.nodes(3).jmx(false).build();
    }

    /** Runs {@code THREADS} threads, each entering through another node, each doing {@code perThread} calls. */
    private static void contend(SlotGrid grid, String map, int perThread, Consumer<GridMap<String, Long>> call)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                GridMap<String, Long> entry = grid.nodes().get(t % grid.nodes().size()).map(map);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        call.accept(entry);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long operationsSeen(SlotGrid grid) {
        long ops = 0;
        for (NodeStats node : grid.stats().nodes()) {
            for (OpType type : OpType.values()) {
                ops += node.operations(type);
            }
        }
        return ops;
    }

    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void computeComputeIfPresentAndMerge_underContentionOnOneKey_countExactly(TransportMode mode) throws Exception {
        try (SlotGrid grid = grid(mode)) {
            int perThread = 1_000;
            grid.<String, Long>map("counts").put("present", 0L);
            AtomicLong computeRuns = new AtomicLong();
            contend(grid, "counts", perThread, map -> {
                map.compute("compute", (k, v) -> {
                    computeRuns.incrementAndGet();
                    return v == null ? 1L : v + 1;
                });
                map.computeIfPresent("present", (k, v) -> v + 1);
                map.merge("merge", 1L, Long::sum);
            });
            GridMap<String, Long> map = grid.map("counts");
            long expected = (long) THREADS * perThread;
            assertThat(map.get("compute")).as("compute, %s", mode).isEqualTo(expected);
            assertThat(map.get("present")).as("computeIfPresent, %s", mode).isEqualTo(expected);
            assertThat(map.get("merge")).as("merge, %s", mode).isEqualTo(expected);
            if (mode == TransportMode.IN_JVM) {
                // the function travels to the owner and runs once there, inside the key's atomic update
                assertThat(computeRuns.get()).isEqualTo(expected);
            } else {
                // it runs on the caller, once per attempt of its conditional write: at least once per call
                assertThat(computeRuns.get()).isGreaterThanOrEqualTo(expected);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void computeIfAbsent_racingOnOneKey_storesOneValue_andEveryCallerGetsIt(TransportMode mode) throws Exception {
        try (SlotGrid grid = grid(mode)) {
            for (int round = 0; round < 50; round++) {
                String key = "absent-" + round;
                Set<Long> answers = ConcurrentHashMap.newKeySet();
                AtomicLong next = new AtomicLong();
                contend(grid, "lazy", 1, map -> answers.add(map.computeIfAbsent(key, k -> next.incrementAndGet())));
                Long stored = grid.<String, Long>map("lazy").get(key);
                assertThat(answers).as("round %d, %s", round, mode).containsExactly(stored);
                if (mode == TransportMode.IN_JVM) {
                    assertThat(next.get()).as("the mapping function ran once, on the owner").isEqualTo(1);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void aFunctionsException_reachesTheCallerAsThrown_andChangesNothing(TransportMode mode) {
        try (SlotGrid grid = grid(mode)) {
            GridMap<String, Long> map = grid.map("failing");
            map.put("k", 1L);
            Boom boom = new Boom();
            assertThatThrownBy(() -> map.compute("k", (k, v) -> {
                throw boom;
            })).isSameAs(boom);
            assertThatThrownBy(() -> map.computeIfPresent("k", (k, v) -> {
                throw boom;
            })).isSameAs(boom);
            assertThatThrownBy(() -> map.merge("k", 5L, (a, b) -> {
                throw boom;
            })).isSameAs(boom);
            assertThatThrownBy(() -> map.computeIfAbsent("absent", k -> {
                throw boom;
            })).isSameAs(boom);
            assertThatThrownBy(() -> map.compute("absent", (k, v) -> {
                throw boom;
            })).isSameAs(boom);
            assertThat(map.get("k")).isEqualTo(1L);
            assertThat(map.containsKey("absent")).isFalse();
            assertThat(map.mappingCount()).isEqualTo(1);
            assertThat(map.merge("k", 2L, Long::sum)).as("the key still takes writes").isEqualTo(3L);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void invoke_runsTheNamedProcessorOnceOnTheOwner_underContention(TransportMode mode) throws Exception {
        try (SlotGrid grid = grid(mode)) {
            CountingAdder adder = new CountingAdder();
            grid.registerProcessor(adder);
            int perThread = 1_000;
            contend(grid, "invoked", perThread, map -> map.invoke("hot", adder.name(), 1L));
            long expected = (long) THREADS * perThread;
            assertThat(grid.<String, Long>map("invoked").get("hot")).isEqualTo(expected);
            assertThat(adder.runs.get()).as("one run per invoke, on every binding").isEqualTo(expected);

            GridMap<String, Long> map = grid.map("invoked");
            assertThat(map.invoke("other", adder.name(), 5L)).as("an absent key starts from null").isEqualTo(5L);
            assertThat(map.invoke("other", adder.name(), 2L)).isEqualTo(7L);
            assertThat(map.get("other")).isEqualTo(7L);
        }
    }

    @ParameterizedTest
    @EnumSource(TransportMode.class)
    void invoke_ofAnUnknownProcessor_failsNamingIt_beforeAnythingIsSent(TransportMode mode) {
        try (SlotGrid grid = grid(mode)) {
            GridMap<String, Long> map = grid.map("invoked");
            map.put("k", 1L);
            long before = operationsSeen(grid);
            assertThatThrownBy(() -> map.invoke("k", "no-such-processor", 1L)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no-such-processor");
            assertThat(operationsSeen(grid)).as("no request reached a member").isEqualTo(before);
            assertThat(map.get("k")).isEqualTo(1L);
        }
    }

    @Test
    void inJvm_anUncontendedFunction_runsExactlyOncePerCall() {
        try (SlotGrid grid = grid(TransportMode.IN_JVM)) {
            GridMap<String, Long> map = grid.map("once");
            AtomicLong runs = new AtomicLong();
            int calls = 1_000;
            for (int i = 0; i < calls; i++) {
                map.compute("c", (k, v) -> {
                    runs.incrementAndGet();
                    return v == null ? 1L : v + 1;
                });
                map.merge("m", 1L, (a, b) -> {
                    runs.incrementAndGet();
                    return a + b;
                });
            }
            // compute's function runs on every call, merge's on every call but the first (the key was absent)
            assertThat(runs.get()).isEqualTo(2L * calls - 1);
            assertThat(map.get("c")).isEqualTo((long) calls);
            assertThat(map.get("m")).isEqualTo((long) calls);
        }
    }
}
