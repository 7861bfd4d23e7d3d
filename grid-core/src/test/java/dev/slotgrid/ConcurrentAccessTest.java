package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Many threads through every entry node at once; every acknowledged write is remembered and every
 * key checked at the end.
 */
class ConcurrentAccessTest {

    private static final int THREADS = 8;

    /** The grid's binding: in-JVM here, overridden by the runs over other bindings (Bindings). */
    protected SlotGridBuilder builder() {
        return Bindings.inJvm();
    }

    @Test
    void concurrentCountersAndPuts_fromAllNodes_loseNothing() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ConcurrentAccessTest seed " + seed);
        try (SlotGrid grid = builder().nodes(3).jmx(false).build()) {
            int counters = 64;
            AtomicLongArray expected = new AtomicLongArray(counters);
            ConcurrentHashMap<String, String> lastPut = new ConcurrentHashMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    Random random = new Random(seed + thread);
                    GridMap<String, Long> counts = grid.nodes().get(thread % 3).map("counts");
                    GridMap<String, String> values = grid.nodes().get((thread + 1) % 3).map("values");
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        int c = random.nextInt(counters);
                        counts.merge("counter-" + c, 1L, Long::sum);
                        expected.incrementAndGet(c);
                        // each thread owns its own value keys, so the last acknowledged put is the truth
                        String key = "t" + thread + "-" + random.nextInt(500);
                        String value = "v" + i;
                        values.put(key, value);
                        lastPut.put(key, value);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            GridMap<String, Long> counts = grid.map("counts");
            for (int c = 0; c < counters; c++) {
                assertThat(counts.get("counter-" + c)).as("counter %d, seed %d", c, seed).isEqualTo(expected.get(c));
            }
            GridMap<String, String> values = grid.map("values");
            lastPut.forEach((k, v) -> assertThat(values.get(k)).as("key %s, seed %d", k, seed).isEqualTo(v));
            assertThat(values.mappingCount()).isEqualTo(lastPut.size());
        }
    }
}
