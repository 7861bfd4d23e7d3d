package dev.slotgrid.hotkey;

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

class SingleFlightTest {

    private static final int CALLERS = 64;

    @Test
    void sixtyFourConcurrentCallers_invokeTheLoaderOnce_andAllGetItsValue() throws Exception {
        SingleFlight<String, String> flight = new SingleFlight<>();
        AtomicInteger invocations = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < CALLERS; i++) {
                results.add(pool.submit(() -> flight.load("k", () -> {
                    invocations.incrementAndGet();
                    await(release);
                    return "loaded";
                })));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> flight.coalesced() == CALLERS - 1);
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(20, TimeUnit.SECONDS)).isEqualTo("loaded");
            }
            assertThat(invocations.get()).isEqualTo(1);
            assertThat(flight.loads()).isEqualTo(1);
            assertThat(flight.inFlight()).isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailure_reachesEveryWaiter_andIsNotCached() throws Exception {
        SingleFlight<String, String> flight = new SingleFlight<>();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> flight.load("k", () -> {
                    await(release);
                    throw new IllegalStateException("backend down");
                })));
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> flight.coalesced() == 7);
            release.countDown();
            for (Future<String> result : results) {
                assertThatThrownBy(() -> result.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("backend down");
            }
            assertThat(flight.load("k", () -> "recovered")).as("the failure was not cached").isEqualTo("recovered");
            assertThat(flight.loads()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void differentKeys_doNotCoalesce() {
        SingleFlight<Integer, Integer> flight = new SingleFlight<>();
        assertThat(flight.load(1, () -> 10)).isEqualTo(10);
        assertThat(flight.load(2, () -> 20)).isEqualTo(20);
        assertThat(flight.coalesced()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
