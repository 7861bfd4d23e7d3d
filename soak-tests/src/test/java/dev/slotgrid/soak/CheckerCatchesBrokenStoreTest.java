package dev.slotgrid.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.slotgrid.GridMap;
import dev.slotgrid.HotKeyAction;
import dev.slotgrid.SlotGrid;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A checker that cannot fail proves nothing: each test runs the soak against a store broken in one
 * way (wrapping the grid's map handles) and requires the checker to notice while the load runs, to
 * name the right invariant, and to fail the run with its seed.
 */
class CheckerCatchesBrokenStoreTest {

    /** How far apart two times of one moment can be on the run's wall-clock and nanoTime clocks, seconds. */
    private static final double CLOCK_TOLERANCE_SECONDS = 0.010;

    /** One way to break a store, and the invariants that may report it. */
    enum Fault {
        /** Every 100th put is acknowledged but not applied (it even returns the right previous value). */
        DROPS_PUTS(EnumSet.of(Invariant.STALE_READ, Invariant.LOST_WRITE, Invariant.WRONG_PREVIOUS_VALUE)),
        /** Every 20th remove is acknowledged but the key stays. */
        IGNORES_REMOVES(EnumSet.of(Invariant.RESURRECTED_KEY, Invariant.WRONG_PREVIOUS_VALUE)),
        /** Every 100th increment returns the right sum but is not applied. */
        LOSES_INCREMENTS(EnumSet.of(Invariant.COUNTER_MISMATCH)),
        /** Every 20th read answers with the value an earlier read of the key saw. */
        SERVES_STALE_READS(EnumSet.of(Invariant.STALE_READ, Invariant.RESURRECTED_KEY, Invariant.LOST_WRITE)),
        /** Every 500th read answers with another key's value. */
        MIXES_UP_KEYS(EnumSet.of(Invariant.CORRUPT_VALUE)),
        /** Every 10th {@code add} to a key the grid has salted now is acknowledged but not applied. */
        DROPS_ADDS_TO_SALTED_KEYS(EnumSet.of(Invariant.COUNTER_MISMATCH));

        final Set<Invariant> reportedAs;

        Fault(Set<Invariant> reportedAs) {
            this.reportedAs = reportedAs;
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aBrokenStore_isCaughtWhileRunning_andFailsTheRun(Fault fault) throws Exception {
        boolean salting = fault == Fault.DROPS_ADDS_TO_SALTED_KEYS;
        SoakConfig config = SoakConfig.parse("--duration=30s", "--keys=2000", "--threads=2", "--churn-every=0",
                "--migrations-per-sec=5", salting ? "--spike-at=1s" : "--spike-for=0", "--spike-for=" + (salting ? 25 : 0),
                "--hot-keys=on", "--seed=" + (4242 + fault.ordinal()), "--report-dir=target/soak-reports/broken");
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        AtomicReference<SlotGrid> grid = new AtomicReference<>();
        SoakRun run = new SoakRun(config, new PrintStream(output, true, StandardCharsets.UTF_8), false,
                kvWrapper(fault), counterWrapper(fault, grid)).onGridStarted(grid::set);
        CompletableFuture<SoakResult> running = CompletableFuture.supplyAsync(run::run);

        await().atMost(Duration.ofSeconds(25)).until(() -> run.violationsSoFar() > 0 || running.isDone());
        run.stop();
        SoakResult result = running.get(60, TimeUnit.SECONDS);

        assertThat(result.loadSeconds()).as("caught before the run's end").isLessThan(28);
        assertThat(result.passed()).isFalse();
        assertThat(fault.reportedAs).anyMatch(invariant -> result.violations().get(invariant) > 0);
        assertThat(result.violations().get(Invariant.FAILED_OPERATION)).isZero();
        assertThat(result.summary()).startsWith("FAIL").contains("seed " + config.seed())
                .contains("repeat with: ./soak").contains("--seed=" + config.seed());
        if (salting) {
            // caught on the salted path: the first mismatch comes after the grid salted the celebrity. The two
            // times are on different clocks: saltedAt is the action's wall-clock stamp less the load's wall-clock
            // start, each whole milliseconds (so up to 1 ms late), the mismatch's is System.nanoTime since the
            // load's start; 10 ms covers that rounding and any slewing of the wall clock over a few seconds
            double saltedAt = result.hotKeys().celebrityActions().stream().filter(a -> a.type().equals("SALTED"))
                    .mapToDouble(HotKeyWatch.Action::atSeconds).min().orElseThrow();
            assertThat(result.examples().get(Invariant.COUNTER_MISMATCH).get(0).atSeconds())
                    .as("first mismatch (s, nanoTime) after the salting at %.3f s (wall clock)", saltedAt)
                    .isGreaterThan(saltedAt - CLOCK_TOLERANCE_SECONDS);
        }
    }

    private static UnaryOperator<GridMap<String, String>> kvWrapper(Fault fault) {
        AtomicLong calls = new AtomicLong();
        ConcurrentHashMap<Object, String> seen = new ConcurrentHashMap<>();
        return map -> ForwardingGridMap.wrap(map, (method, args, real) -> {
            switch (fault) {
                case DROPS_PUTS -> {
                    if (method.equals("put") && calls.incrementAndGet() % 100 == 0) {
                        return real.get((String) args[0]); // the right previous value, and nothing stored
                    }
                }
                case IGNORES_REMOVES -> {
                    if (method.equals("remove") && args.length == 1 && calls.incrementAndGet() % 20 == 0) {
                        return real.get((String) args[0]);
                    }
                }
                case SERVES_STALE_READS -> {
                    if (method.equals("get")) {
                        String now = real.get((String) args[0]);
                        String earlier = now == null ? seen.get(args[0]) : seen.put(args[0], now);
                        return calls.incrementAndGet() % 20 == 0 && earlier != null ? earlier : now;
                    }
                }
                case MIXES_UP_KEYS -> {
                    if (method.equals("get") && calls.incrementAndGet() % 500 == 0) {
                        String other = real.get(args[0].equals("key:0") ? "key:1" : "key:0");
                        return other != null ? other : ForwardingGridMap.FORWARD;
                    }
                }
                default -> {
                    // this fault is in the counters
                }
            }
            return ForwardingGridMap.FORWARD;
        });
    }

    @SuppressWarnings("unchecked")
    private static UnaryOperator<GridMap<String, Long>> counterWrapper(Fault fault, AtomicReference<SlotGrid> grid) {
        if (fault == Fault.DROPS_ADDS_TO_SALTED_KEYS) {
            SaltedKeys salted = new SaltedKeys(grid);
            AtomicLong adds = new AtomicLong();
            return map -> ForwardingGridMap.wrap(map, (method, args, real) ->
                    method.equals("add") && salted.contains(args[0]) && adds.incrementAndGet() % 10 == 0
                            ? null : ForwardingGridMap.FORWARD); // acknowledged, not applied
        }
        if (fault != Fault.LOSES_INCREMENTS) {
            return UnaryOperator.identity();
        }
        AtomicLong merges = new AtomicLong();
        return map -> ForwardingGridMap.wrap(map, (method, args, real) -> {
            if (method.equals("merge") && merges.incrementAndGet() % 100 == 0) {
                Long current = real.get((String) args[0]);
                BiFunction<Long, Long, Long> sum = (BiFunction<Long, Long, Long>) args[2];
                return current == null ? args[1] : sum.apply(current, (Long) args[1]); // the right sum, not stored
            }
            return ForwardingGridMap.FORWARD;
        });
    }

    /** The keys the grid has salted now, from its hot-key actions, re-read at most every 20 ms. */
    private static final class SaltedKeys {
        private final AtomicReference<SlotGrid> grid;
        private volatile Set<Object> keys = Set.of();
        private volatile long readAtNanos;

        SaltedKeys(AtomicReference<SlotGrid> grid) {
            this.grid = grid;
        }

        boolean contains(Object key) {
            long now = System.nanoTime();
            if (now - readAtNanos > TimeUnit.MILLISECONDS.toNanos(20)) {
                readAtNanos = now;
                Set<Object> salted = new HashSet<>();
                for (HotKeyAction action : grid.get().hotKeyStats().actions()) {
                    if (action.type() == HotKeyAction.Type.SALTED) {
                        salted.add(action.key());
                    } else if (action.type() == HotKeyAction.Type.UNSALTED) {
                        salted.remove(action.key());
                    }
                }
                keys = salted;
            }
            return keys.contains(key);
        }
    }
}
