package dev.slotgrid.hotkey;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

    private record Request(int id, CompletableFuture<Integer> result) {
    }

    @Test
    void concurrentRequests_areEachExecutedOnce_inBatchesNoLargerThanTheLimit() throws Exception {
        ConcurrentHashMap<Integer, Integer> executions = new ConcurrentHashMap<>();
        AtomicInteger largest = new AtomicInteger();
        MicroBatcher<Request> batcher = new MicroBatcher<>(16, batch -> {
            largest.accumulateAndGet(batch.size(), Math::max);
            for (Request r : batch) {
                executions.merge(r.id(), 1, Integer::sum);
                r.result().complete(r.id() * 2);
            }
        });
        int threads = 8;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            List<CompletableFuture<Integer>> mine = new ArrayList<>();
            futures.addAll(java.util.Collections.nCopies(0, null));
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    CompletableFuture<Integer> f = new CompletableFuture<>();
                    mine.add(f);
                    batcher.submit(new Request(base + i, f));
                }
                synchronized (futures) {
                    futures.addAll(mine);
                }
                return null;
            }));
        }
        start.countDown();
        for (java.util.concurrent.Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertThat(executions).hasSize(threads * perThread);
        assertThat(executions.values()).containsOnly(1);
        for (CompletableFuture<Integer> f : futures) {
            assertThat(f).isDone();
        }
        assertThat(largest.get()).isLessThanOrEqualTo(16);
        assertThat(batcher.requests()).isEqualTo(threads * perThread);
        assertThat(batcher.batches()).isLessThanOrEqualTo(batcher.requests()).isPositive();
    }

    @Test
    void aLoneRequest_isExecutedAtOnce_onTheCallersThread() {
        List<Thread> ranOn = new ArrayList<>();
        MicroBatcher<Request> batcher = new MicroBatcher<>(8, batch -> {
            ranOn.add(Thread.currentThread());
            batch.forEach(r -> r.result().complete(r.id()));
        });
        CompletableFuture<Integer> f = new CompletableFuture<>();
        batcher.submit(new Request(5, f));
        assertThat(f).isCompletedWithValue(5);
        assertThat(ranOn).containsExactly(Thread.currentThread());
        assertThat(batcher.batches()).isEqualTo(1);
    }
}
