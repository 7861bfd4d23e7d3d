package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.History.Event;
import dev.slotgrid.History.Op;
import dev.slotgrid.History.Outcome;
import dev.slotgrid.LinearizabilityChecker.KeyResult;
import dev.slotgrid.LinearizabilityChecker.Result;
import dev.slotgrid.LinearizabilityChecker.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Shows that {@link LinearizabilityChecker} tells linearizable register histories from broken ones:
 * hand-written histories with known answers (stale reads, values going back, orders the search must
 * find, racing compare-and-sets, indeterminate and failed writes, deletes, several keys), real
 * concurrent runs against a correct register (linearizable) and against registers broken on
 * purpose at injected points (not linearizable), and a search cut short by its budget (unknown,
 * never a pass). Hand-written times are in milliseconds.
 */
class LinearizabilityCheckerTest {

    private static final long MS = 1_000_000;

    // ---------------------------------------------------------------- hand-written histories

    @Test
    void sequentialWriteThenRead_ofTheSameValue_isLinearizable() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        ok(h, 2, "k", Op.read(), 20, 30, 1);
        assertLinearizable(h);
    }

    @Test
    void readOfAValueNeverWritten_isNotLinearizable() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        ok(h, 2, "k", Op.read(), 20, 30, 7);
        assertNotLinearizable(h, "k");
    }

    @Test
    void readOfAKeyNeverWritten_isNull() {
        History absent = new History();
        ok(absent, 1, "k", Op.read(), 0, 10, null);
        assertLinearizable(absent);

        History something = new History();
        ok(something, 1, "k", Op.read(), 0, 10, 3);
        assertNotLinearizable(something, "k");
    }

    @Test
    void staleRead_afterALaterWriteCompleted_isNotLinearizable() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        ok(h, 1, "k", Op.write(2), 20, 30, null);
        ok(h, 2, "k", Op.read(), 40, 50, 1);
        assertNotLinearizable(h, "k");
    }

    @Test
    void valuesCannotGoBack_afterConcurrentWritesCompleted() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 40, null);
        ok(h, 2, "k", Op.write(2), 0, 40, null);
        ok(h, 3, "k", Op.read(), 50, 60, 2);
        ok(h, 3, "k", Op.read(), 70, 80, 1);
        assertNotLinearizable(h, "k");
    }

    @Test
    void valuesCannotGoBack_evenWhenEveryOperationOverlaps() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 100, null);
        ok(h, 2, "k", Op.write(2), 0, 100, null);
        ok(h, 3, "k", Op.read(), 10, 20, 2);
        ok(h, 3, "k", Op.read(), 30, 40, 1);
        ok(h, 3, "k", Op.read(), 50, 60, 2);
        assertNotLinearizable(h, "k");
    }

    @Test
    void aReadOverlappingAWrite_mayTakeEffectBeforeIt() {
        // write(2), read -> 2, write(1), read -> 1: the first read overlaps write(1), so it may precede it
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 40, null);
        ok(h, 2, "k", Op.write(2), 0, 40, null);
        ok(h, 3, "k", Op.read(), 10, 50, 2);
        ok(h, 3, "k", Op.read(), 60, 70, 1);
        assertLinearizable(h);
    }

    @Test
    void overlappingOperations_linearizableOnlyAgainstTheirInvocationOrder_areFound() {
        // invoked 1, 2, 3; the only order is write(3) write(1) write(2) cas(2 -> 4), each seen by a read
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 100, null);
        ok(h, 2, "k", Op.write(2), 1, 100, null);
        ok(h, 3, "k", Op.write(3), 2, 100, null);
        ok(h, 4, "k", Op.read(), 10, 20, 3);
        ok(h, 4, "k", Op.read(), 30, 40, 1);
        ok(h, 4, "k", Op.read(), 50, 60, 2);
        ok(h, 5, "k", Op.cas(2, 4), 3, 100, true);
        ok(h, 4, "k", Op.read(), 110, 120, 4);
        assertLinearizable(h);
    }

    @Test
    void twoConcurrentCas_fromTheSameValue_cannotBothSucceed() {
        History h = new History();
        ok(h, 0, "k", Op.write(0), 0, 10, null);
        ok(h, 1, "k", Op.cas(0, 1), 20, 40, true);
        ok(h, 2, "k", Op.cas(0, 2), 20, 40, true);
        assertNotLinearizable(h, "k");
    }

    @Test
    void twoConcurrentCas_fromTheSameValue_oneSucceeding_isLinearizable() {
        History h = new History();
        ok(h, 0, "k", Op.write(0), 0, 10, null);
        ok(h, 1, "k", Op.cas(0, 1), 20, 40, true);
        ok(h, 2, "k", Op.cas(0, 2), 20, 40, false);
        ok(h, 0, "k", Op.read(), 50, 60, 1);
        assertLinearizable(h);
    }

    @Test
    void casThatFails_althoughTheValueMatched_isNotLinearizable() {
        History h = new History();
        ok(h, 0, "k", Op.write(0), 0, 10, null);
        ok(h, 1, "k", Op.cas(0, 1), 20, 30, false);
        assertNotLinearizable(h, "k");
    }

    @Test
    void indeterminateWrite_readAfterwards_isLinearizable() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        indeterminate(h, 2, "k", Op.write(2), 20, 25);
        ok(h, 3, "k", Op.read(), 30, 40, 2);
        assertLinearizable(h);
    }

    @Test
    void indeterminateWrite_seenThenUnseen_isNotLinearizable() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        indeterminate(h, 2, "k", Op.write(2), 20, 25);
        ok(h, 3, "k", Op.read(), 30, 40, 2);
        ok(h, 3, "k", Op.read(), 50, 60, 1);
        assertNotLinearizable(h, "k");
    }

    @Test
    void indeterminateWrite_neverRead_isLinearizable() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        indeterminate(h, 2, "k", Op.write(2), 20, 25);
        ok(h, 3, "k", Op.read(), 30, 40, 1);
        ok(h, 3, "k", Op.read(), 50, 60, 1);
        assertLinearizable(h);
    }

    @Test
    void indeterminateWrite_mayTakeEffectLongAfterItsClientGaveUp() {
        History h = new History();
        indeterminate(h, 1, "k", Op.write(2), 0, 10);
        ok(h, 2, "k", Op.write(3), 40, 50, null);
        ok(h, 3, "k", Op.read(), 60, 70, 3);
        ok(h, 3, "k", Op.read(), 80, 90, 2);
        assertLinearizable(h);
    }

    @Test
    void indeterminateWrite_cannotTakeEffectBeforeItsInvocation() {
        History h = new History();
        ok(h, 3, "k", Op.read(), 0, 10, 2);
        indeterminate(h, 1, "k", Op.write(2), 20, 30);
        assertNotLinearizable(h, "k");
    }

    @Test
    void indeterminateCas_mayApplyOrNot() {
        History applied = new History();
        ok(applied, 0, "k", Op.write(0), 0, 10, null);
        indeterminate(applied, 1, "k", Op.cas(0, 1), 20, 30);
        ok(applied, 2, "k", Op.read(), 40, 50, 1);
        assertLinearizable(applied);

        History notApplied = new History();
        ok(notApplied, 0, "k", Op.write(0), 0, 10, null);
        indeterminate(notApplied, 1, "k", Op.cas(0, 1), 20, 30);
        ok(notApplied, 2, "k", Op.read(), 40, 50, 0);
        assertLinearizable(notApplied);

        History fromAnotherValue = new History();
        ok(fromAnotherValue, 0, "k", Op.write(0), 0, 10, null);
        indeterminate(fromAnotherValue, 1, "k", Op.cas(5, 1), 20, 30);
        ok(fromAnotherValue, 2, "k", Op.read(), 40, 50, 1);
        assertNotLinearizable(fromAnotherValue, "k");
    }

    @Test
    void failedWrite_isNeverSeen() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        h.record(2, "k", Op.write(2), 20 * MS, 30 * MS, Outcome.FAIL, null);
        ok(h, 3, "k", Op.read(), 40, 50, 2);
        assertNotLinearizable(h, "k");
    }

    @Test
    void readsThatDidNotComplete_constrainNothing() {
        History h = new History();
        ok(h, 1, "k", Op.write(1), 0, 10, null);
        h.record(2, "k", Op.read(), 20 * MS, 30 * MS, Outcome.FAIL, 99);
        h.record(3, "k", Op.read(), 20 * MS, 30 * MS, Outcome.INDETERMINATE, 98);
        ok(h, 4, "k", Op.read(), 40, 50, 1);
        assertLinearizable(h);
    }

    @Test
    void delete_makesTheRegisterAbsent() {
        History gone = new History();
        ok(gone, 1, "k", Op.write(1), 0, 10, null);
        ok(gone, 1, "k", Op.delete(), 20, 30, 1);
        ok(gone, 2, "k", Op.read(), 40, 50, null);
        assertLinearizable(gone);

        History back = new History();
        ok(back, 1, "k", Op.write(1), 0, 10, null);
        ok(back, 1, "k", Op.delete(), 20, 30, 1);
        ok(back, 2, "k", Op.read(), 40, 50, 1);
        assertNotLinearizable(back, "k");

        History nullSeenThenValueThenNull = new History();
        ok(nullSeenThenValueThenNull, 2, "k", Op.read(), 0, 10, null);
        ok(nullSeenThenValueThenNull, 1, "k", Op.write(1), 20, 30, null);
        ok(nullSeenThenValueThenNull, 2, "k", Op.read(), 40, 50, 1);
        ok(nullSeenThenValueThenNull, 2, "k", Op.read(), 60, 70, null);
        assertNotLinearizable(nullSeenThenValueThenNull, "k");
    }

    @Test
    void oneBadKey_failsTheWholeHistory_andTheMessageNamesIt() {
        History h = new History();
        ok(h, 1, "good", Op.write(1), 0, 10, null);
        ok(h, 2, "good", Op.read(), 20, 30, 1);
        ok(h, 1, "bad", Op.write(1), 0, 10, null);
        ok(h, 1, "bad", Op.write(2), 20, 30, null);
        ok(h, 2, "bad", Op.read(), 40, 50, 1);
        ok(h, 3, "also-good", Op.read(), 0, 50, null);

        Result result = assertNotLinearizable(h, "bad");
        assertThat(result.keys()).extracting(KeyResult::key, KeyResult::verdict).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("good", Verdict.LINEARIZABLE),
                org.assertj.core.groups.Tuple.tuple("bad", Verdict.NOT_LINEARIZABLE),
                org.assertj.core.groups.Tuple.tuple("also-good", Verdict.LINEARIZABLE));
        assertThat(result.message()).contains("1 of 3 keys").doesNotContain("key good").doesNotContain("key also-good");
    }

    @Test
    void failureMessage_showsTheRegisterAndTheOperationsWhereTheSearchGotStuck() {
        History h = new History();
        ok(h, 1, "k7", Op.write(1), 0, 10, null);
        ok(h, 1, "k7", Op.write(12), 20, 30, null);
        ok(h, 3, "k7", Op.read(), 40, 50, 1);
        ok(h, 2, "k7", Op.cas(1, 13), 45, 60, true);

        String message = assertNotLinearizable(h, "k7").message();
        assertThat(message)
                .contains("No linearization extends past 2 of its 4 operations")
                .contains("the register held 12, after:")
                .contains("c1 write(k7, 1) [t=0.000ms..10.000ms] ok")
                .contains("c1 write(k7, 12) [t=20.000ms..30.000ms] ok")
                .contains("c3 read(k7) -> 1 [t=40.000ms..50.000ms] ok   <- completes first")
                .contains("c2 cas(k7, 1, 13) -> true [t=45.000ms..60.000ms] ok");
    }

    @Test
    void operations_printWithClientKeyArgumentsTimesAndOutcome() {
        long origin = 5 * MS;
        assertThat(new Event(3, "k7", Op.write(12), origin + 1_234_000, origin + 1_301_000, Outcome.OK, null)
                .describe(origin)).isEqualTo("c3 write(k7, 12) [t=1.234ms..1.301ms] ok");
        assertThat(new Event(1, "k7", Op.read(), origin, origin + MS, Outcome.OK, null).describe(origin))
                .isEqualTo("c1 read(k7) -> null [t=0.000ms..1.000ms] ok");
        assertThat(new Event(2, "k", Op.cas(1, 2), origin, origin + 2 * MS, Outcome.INDETERMINATE, null).describe(origin))
                .isEqualTo("c2 cas(k, 1, 2) [t=0.000ms..inf, gave up at 2.000ms] indeterminate");
        assertThat(new Event(0, "k", Op.delete(), origin, origin, Outcome.FAIL, null).describe(origin))
                .isEqualTo("c0 delete(k) [t=0.000ms..0.000ms] fail");
    }

    @Test
    void recorder_keepsOneOperationInFlightPerClient_andCountsAnUnfinishedOneAsIndeterminate() {
        History h = new History();
        long first = h.invoke(0, "k", Op.write(1));
        h.ok(first, null);
        h.invoke(0, "k", Op.write(2));
        assertThatThrownBy(() -> h.invoke(0, "k", Op.read())).isInstanceOf(IllegalStateException.class);
        long other = h.invoke(1, "k", Op.read());
        h.ok(other, 1);

        List<Event> events = h.events();
        assertThat(events).extracting(Event::client, Event::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple(0, Outcome.OK),
                org.assertj.core.groups.Tuple.tuple(0, Outcome.INDETERMINATE),
                org.assertj.core.groups.Tuple.tuple(1, Outcome.OK));
        assertThat(events.get(0).completeNanos()).isLessThanOrEqualTo(events.get(1).invokeNanos());
    }

    // ---------------------------------------------------------------- the budget

    @Test
    void aSearchCutShortByItsBudget_isUnknown_neverAPass() {
        // 12 concurrent writes then a read of a value none wrote: every order of every subset is tried
        History h = new History();
        for (int i = 0; i < 12; i++) {
            ok(h, i, "k", Op.write(i), i, 100, null);
        }
        ok(h, 20, "k", Op.read(), 200, 210, 999);

        Result tiny = new LinearizabilityChecker(100, Duration.ofSeconds(10)).check(h);
        assertThat(tiny.verdict()).as(tiny.message()).isEqualTo(Verdict.UNKNOWN);
        assertThat(tiny.linearizable()).isFalse();
        assertThat(tiny.message()).startsWith("UNKNOWN (budget exceeded)").contains("key k").contains("more than 100 states");

        Result noTime = new LinearizabilityChecker(1_000_000, Duration.ZERO).check(h);
        assertThat(noTime.verdict()).as(noTime.message()).isEqualTo(Verdict.UNKNOWN);
        assertThat(noTime.message()).contains("deadline");

        Result full = new LinearizabilityChecker().check(h);
        assertThat(full.verdict()).as(full.message()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(full.keys().get(0).statesExplored()).as("states the full search needed").isGreaterThan(100);
    }

    // ---------------------------------------------------------------- real concurrent runs

    private static final int THREADS = 6;
    private static final int OPS_PER_THREAD = 400;
    private static final List<String> KEYS = List.of("a", "b", "c");
    private static final Duration RUN_CAP = Duration.ofSeconds(20);

    /** A register per key: what the workload calls. */
    private interface Registers {
        Object get(String key);

        void put(String key, Object value);

        boolean cas(String key, Object expected, Object newValue);

        void delete(String key);
    }

    /** Correct: one {@code ConcurrentHashMap}, whose single-key operations are atomic. */
    private static final class AtomicRegisters implements Registers {
        private final ConcurrentHashMap<String, Object> map = new ConcurrentHashMap<>();

        @Override
        public Object get(String key) {
            return map.get(key);
        }

        @Override
        public void put(String key, Object value) {
            map.put(key, value);
        }

        @Override
        public boolean cas(String key, Object expected, Object newValue) {
            return map.replace(key, expected, newValue);
        }

        @Override
        public void delete(String key) {
            map.remove(key);
        }
    }

    @Test
    void aCorrectAtomicRegister_underManyThreads_isLinearizable() throws Exception {
        long seed = seed("aCorrectAtomicRegister_underManyThreads_isLinearizable");
        History history = run(new AtomicRegisters(), seed, true, (client, op, registers, h) -> false);

        Result result = new LinearizabilityChecker().check(history);
        assertThat(history.events()).as("seed %d", seed).hasSize(THREADS * OPS_PER_THREAD);
        assertThat(result.linearizable()).as("seed %d: %s", seed, result).isTrue();
        System.out.println("seed=" + seed + ": " + result);
    }

    /**
     * Broken: reads are served from a per-thread copy, refreshed on every fourth read of a key and
     * not by the thread's own writes (a stale cache).
     */
    private static final class CachingRegisters implements Registers {
        private final AtomicRegisters store = new AtomicRegisters();
        private final ThreadLocal<Map<String, Object>> cache = ThreadLocal.withInitial(HashMap::new);
        private final ThreadLocal<Map<String, Integer>> reads = ThreadLocal.withInitial(HashMap::new);

        @Override
        public Object get(String key) {
            Map<String, Object> copy = cache.get();
            if (reads.get().merge(key, 1, Integer::sum) % 4 == 1 || !copy.containsKey(key)) {
                copy.put(key, store.get(key));
            }
            return copy.get(key);
        }

        /** Reads through, and refreshes the thread's copy (the next three reads of the key use it). */
        Object refresh(String key) {
            reads.get().put(key, 1);
            Object value = store.get(key);
            cache.get().put(key, value);
            return value;
        }

        @Override
        public void put(String key, Object value) {
            store.put(key, value);
        }

        @Override
        public boolean cas(String key, Object expected, Object newValue) {
            return store.cas(key, expected, newValue);
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }
    }

    @Test
    void aRegisterServingStaleCachedReads_isNotLinearizable() throws Exception {
        long seed = seed("aRegisterServingStaleCachedReads_isNotLinearizable");
        CachingRegisters registers = new CachingRegisters();
        Random injections = new Random(seed);
        int[] injectAt = new int[THREADS];
        for (int c = 0; c < THREADS; c++) {
            injectAt[c] = injections.nextInt(OPS_PER_THREAD - 3);
        }
        List<String> injectedKeys = new ArrayList<>();
        for (int c = 0; c < THREADS; c++) {
            injectedKeys.add(KEYS.get(c % KEYS.size()));
        }
        // at its point, each client reads a key through (refreshing its copy), writes it, and reads its
        // copy again: that read returns what the key held before the client's own completed write, and
        // no write can bring that value back (values are unique, and this run has no deletes)
        History history = run(registers, seed, false, (client, op, regs, h) -> {
            if (op != injectAt[client]) {
                return false;
            }
            String key = injectedKeys.get(client);
            long read = h.invoke(client, key, Op.read());
            h.ok(read, registers.refresh(key));
            Object value = uniqueValue(client, op);
            long write = h.invoke(client, key, Op.write(value));
            registers.put(key, value);
            h.ok(write, null);
            long stale = h.invoke(client, key, Op.read());
            h.ok(stale, registers.get(key));
            return true;
        });

        Result result = new LinearizabilityChecker().check(history);
        System.out.println("seed=" + seed + ": " + result.message().lines().findFirst().orElse(""));
        assertThat(result.verdict()).as("seed %d: %s", seed, result).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.keys()).as("seed %d: every key with an injected stale read fails", seed)
                .filteredOn(r -> injectedKeys.contains(r.key()))
                .allSatisfy(r -> assertThat(r.verdict()).as("seed %d, key %s", seed, r.key()).isEqualTo(Verdict.NOT_LINEARIZABLE));
    }

    /**
     * Broken: compare-and-set as a read, then a write, not atomic. Between the two it yields, or, on
     * the key {@code race}, waits for the other racer to have read too.
     */
    private static final class NonAtomicCasRegisters implements Registers {
        private final AtomicRegisters store = new AtomicRegisters();
        private final CyclicBarrier bothRead = new CyclicBarrier(2);

        @Override
        public Object get(String key) {
            return store.get(key);
        }

        @Override
        public void put(String key, Object value) {
            store.put(key, value);
        }

        @Override
        public boolean cas(String key, Object expected, Object newValue) {
            if (!Objects.equals(store.get(key), expected)) {
                return false;
            }
            if (key.equals("race")) {
                try {
                    bothRead.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the other racer never came", e);
                }
            } else {
                Thread.yield();
            }
            store.put(key, newValue);
            return true;
        }

        @Override
        public void delete(String key) {
            store.delete(key);
        }
    }

    @Test
    void aRegisterWithANonAtomicCas_isNotLinearizable() throws Exception {
        long seed = seed("aRegisterWithANonAtomicCas_isNotLinearizable");
        NonAtomicCasRegisters registers = new NonAtomicCasRegisters();
        History history = new History();
        long init = history.invoke(99, "race", Op.write("initial"));
        registers.put("race", "initial");
        history.ok(init, null);
        int raceAt = new Random(seed).nextInt(OPS_PER_THREAD);
        // clients 0 and 1 both cas race from "initial" at the same point; both read it before either writes
        run(registers, seed, true, history, (client, op, regs, h) -> {
            if (client > 1 || op != raceAt) {
                return false;
            }
            Object value = uniqueValue(client, op);
            long cas = h.invoke(client, "race", Op.cas("initial", value));
            h.ok(cas, registers.cas("race", "initial", value));
            return true;
        });

        Result result = new LinearizabilityChecker().check(history);
        System.out.println("seed=" + seed + ": " + result.message().lines().findFirst().orElse(""));
        assertThat(result.verdict()).as("seed %d: %s", seed, result).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.keys()).filteredOn(r -> r.key().equals("race")).singleElement()
                .satisfies(r -> assertThat(r.verdict()).as("seed %d: %s", seed, r.detail()).isEqualTo(Verdict.NOT_LINEARIZABLE));
        assertThat(result.message()).contains("key race: NOT linearizable");
    }

    /** Replaces a client's next operation; returns whether it did. */
    @FunctionalInterface
    private interface Injection {
        boolean at(int client, int op, Registers registers, History history) throws Exception;
    }

    private static History run(Registers registers, long seed, boolean deletes, Injection injection) throws Exception {
        History history = new History();
        run(registers, seed, deletes, history, injection);
        return history;
    }

    /**
     * {@value #THREADS} clients, {@value #OPS_PER_THREAD} operations each on {@link #KEYS}: reads,
     * writes of unique values, cas from the value the client last saw, deletes if asked; each loop is
     * bounded by its count and by {@link #RUN_CAP}.
     */
    private static void run(Registers registers, long seed, boolean deletes, History history, Injection injection)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            long capNanos = System.nanoTime() + RUN_CAP.toNanos();
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < THREADS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    Random random = new Random(seed * 31 + client);
                    Map<String, Object> lastSeen = new HashMap<>();
                    start.await();
                    for (int op = 0; op < OPS_PER_THREAD && System.nanoTime() < capNanos; op++) {
                        if (injection.at(client, op, registers, history)) {
                            continue;
                        }
                        String key = KEYS.get(random.nextInt(KEYS.size()));
                        int dice = random.nextInt(10);
                        Object seen = lastSeen.get(key);
                        if (dice < 4) {
                            long h = history.invoke(client, key, Op.read());
                            Object value = registers.get(key);
                            history.ok(h, value);
                            lastSeen.put(key, value);
                        } else if (dice < 7 || (dice < 9 && seen == null) || (dice == 9 && !deletes)) {
                            Object value = uniqueValue(client, op);
                            long h = history.invoke(client, key, Op.write(value));
                            registers.put(key, value);
                            history.ok(h, null);
                            lastSeen.put(key, value);
                        } else if (dice < 9) {
                            Object value = uniqueValue(client, op);
                            long h = history.invoke(client, key, Op.cas(seen, value));
                            boolean swapped = registers.cas(key, seen, value);
                            history.ok(h, swapped);
                            if (swapped) {
                                lastSeen.put(key, value);
                            }
                        } else {
                            long h = history.invoke(client, key, Op.delete());
                            registers.delete(key);
                            history.ok(h, null);
                            lastSeen.remove(key);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> client : clients) {
                client.get(RUN_CAP.toSeconds() + 10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static Object uniqueValue(int client, int op) {
        return client * 1_000_000 + op;
    }

    private static long seed(String test) {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println(test + " seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        return seed;
    }

    // ---------------------------------------------------------------- helpers

    private static void ok(History h, int client, String key, Op op, long fromMs, long toMs, Object result) {
        h.record(client, key, op, fromMs * MS, toMs * MS, Outcome.OK, result);
    }

    private static void indeterminate(History h, int client, String key, Op op, long fromMs, long gaveUpMs) {
        h.record(client, key, op, fromMs * MS, gaveUpMs * MS, Outcome.INDETERMINATE, null);
    }

    private static void assertLinearizable(History h) {
        Result result = new LinearizabilityChecker().check(h);
        assertThat(result.verdict()).as(result.message()).isEqualTo(Verdict.LINEARIZABLE);
        assertThat(result.linearizable()).isTrue();
    }

    private static Result assertNotLinearizable(History h, String key) {
        Result result = new LinearizabilityChecker().check(h);
        assertThat(result.verdict()).as(result.message()).isEqualTo(Verdict.NOT_LINEARIZABLE);
        assertThat(result.linearizable()).isFalse();
        assertThat(result.message()).contains("key " + key + ": NOT linearizable");
        return result;
    }
}
