package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Request coalescing: one load per key at a time, its failure shared and not remembered. */
class GetOrLoadTest {

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    @Test
    void sixtyFourConcurrentCallers_throughEveryNode_invokeTheLoaderOnce() throws Exception {
        try (SlotGrid grid = builder().nodes(3).jmx(false).build()) {
            AtomicInteger loads = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(64);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                GridMap<String, String> map = grid.nodes().get(i % 3).map("users");
                results.add(pool.submit(() -> map.getOrLoad("user:42", key -> {
                    loads.incrementAndGet();
                    awaitQuietly(release);
                    return "loaded " + key;
                })));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> grid.hotKeyStats().coalescedReads() == 63);
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo("loaded user:42");
            }
            pool.shutdown();
            assertThat(loads.get()).isEqualTo(1);
            assertThat(grid.<String, String>map("users").get("user:42")).as("stored").isEqualTo("loaded user:42");
            assertThat(grid.<String, String>map("users").getOrLoad("user:42", key -> "again")).isEqualTo("loaded user:42");
            assertThat(loads.get()).isEqualTo(1);
        }
    }

    @Test
    void aLoaderFailure_reachesEveryWaiter_andIsNotCached() throws Exception {
        try (SlotGrid grid = builder().nodes(2).jmx(false).build()) {
            GridMap<String, String> map = grid.map("users");
            CountDownLatch release = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> map.getOrLoad("user:1", key -> {
                    awaitQuietly(release);
                    throw new IllegalStateException("database down");
                })));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> grid.hotKeyStats().coalescedReads() == 7);
            release.countDown();
            for (Future<String> result : results) {
                assertThatThrownBy(() -> result.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("database down");
            }
            pool.shutdown();
            assertThat(map.get("user:1")).isNull();
            assertThat(map.getOrLoad("user:1", key -> "recovered")).isEqualTo("recovered");
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void concurrentAsyncCalls_travelInBatches_andEachGetsItsOwnAnswer() throws Exception {
        try (SlotGrid grid = builder().nodes(3).jmx(false).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                GridMap<String, Integer> map = grid.nodes().get(t % 3).map("async");
                callers.add(pool.submit(() -> {
                    List<java.util.concurrent.CompletableFuture<Integer>> puts = new ArrayList<>();
                    for (int i = 0; i < 5_000; i++) {
                        puts.add(map.putAsync("t" + thread + ":" + i, i));
                    }
                    for (java.util.concurrent.CompletableFuture<Integer> put : puts) {
                        assertThat(put.get(20, TimeUnit.SECONDS)).isNull();
                    }
                    for (int i = 0; i < 5_000; i++) {
                        assertThat(map.getAsync("t" + thread + ":" + i).get(20, TimeUnit.SECONDS)).isEqualTo(i);
                    }
                    return null;
                }));
            }
            for (Future<?> caller : callers) {
                caller.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            HotKeyStats stats = grid.hotKeyStats();
            assertThat(stats.batchedRequests()).isEqualTo(40_000);
            assertThat(stats.batches()).isPositive().isLessThanOrEqualTo(stats.batchedRequests());
            assertThat(grid.<String, Integer>map("async").mappingCount()).isEqualTo(20_000);
            assertThatThrownBy(() -> grid.<String, Integer>map("async").putAsync("k", null).join())
                    .hasCauseInstanceOf(NullPointerException.class);
        }
    }
}
