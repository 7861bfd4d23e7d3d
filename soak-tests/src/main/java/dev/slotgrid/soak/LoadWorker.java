package dev.slotgrid.soak;

import dev.slotgrid.GridMap;
import dev.slotgrid.soak.LatencyRecorders.Kind;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * One load thread: draws keys from the Zipf law (or the celebrity during the spike), issues the
 * configured mix of reads, owner writes and counter increments through a random entry node, and
 * checks every answer against the models as it goes.
 *
 * <p>Concurrency: each worker is confined to its own thread; it shares only the models, the
 * recorders and the logs, all thread-safe. It writes only the {@code kv} keys it owns
 * ({@link KvModel#owner}); a write drawn for another thread's key is redrawn among its own keys
 * (bounded), except the celebrity's during the spike, which becomes an increment of the
 * celebrity's counter (a celebrity's traffic is views and likes). With hot-key handling on,
 * increments are {@code add}s (the write-hot idiom: one write to one part of a salted key, no
 * result), except a quarter that stay {@code merge}s, whose results are checked.
 *
 * <p>Bounds: the loop ends when {@code stop} says so, at the deadline, or after
 * {@code maxOps} operations, whichever comes first.
 */
final class LoadWorker implements Runnable {

    /** The operations a worker issues, counted for the report. */
    enum Op {
        GET, GET_COUNTER, PUT, PUT_IF_ABSENT, REPLACE, REPLACE_IF_EQUALS, COMPUTE, REMOVE, MERGE, ADD
    }

    /** The celebrity's counter operations, counted for the report: reads, {@code add}s, {@code merge}s. */
    enum CelebrityOp {
        READ, ADD, MERGE
    }

    /** Redraws of a write key before falling back to a deterministic key of this thread. */
    private static final int OWNED_KEY_DRAWS = 32;
    /** Share of reads that go to the counters map. */
    private static final double COUNTER_READ_SHARE = 0.25;
    /**
     * With hot-key handling on, the share of increments made with {@code merge} (its result is
     * checked; on a salted key it folds every part) rather than {@code add} (no result). The
     * celebrity's redirected writes always use {@code add}.
     */
    private static final double MERGE_SHARE_WITH_HOT_KEYS = 0.25;

    private final int index;
    private final SoakConfig config;
    private final KvModel kv;
    private final CounterModel counters;
    private final ScrambledZipfian zipf;
    private final Spike spike;
    private final List<GridMap<String, String>> kvMaps;
    private final List<GridMap<String, Long>> counterMaps;
    private final LatencyRecorders latency;
    private final ViolationLog violations;
    private final FailureLog failures;
    private final BooleanSupplier stop;
    private final long deadlineNanos;
    private final long maxOps;
    private final SplittableRandom random;
    private final long[] opCounts = new long[Op.values().length];
    private final long[] celebrityCounts = new long[CelebrityOp.values().length];

    LoadWorker(int index, SoakConfig config, KvModel kv, CounterModel counters, ScrambledZipfian zipf, Spike spike,
            List<GridMap<String, String>> kvMaps, List<GridMap<String, Long>> counterMaps, LatencyRecorders latency,
            ViolationLog violations, FailureLog failures, BooleanSupplier stop, long deadlineNanos, long maxOps) {
        this.index = index;
        this.config = config;
        this.kv = kv;
        this.counters = counters;
        this.zipf = zipf;
        this.spike = spike;
        this.kvMaps = kvMaps;
        this.counterMaps = counterMaps;
        this.latency = latency;
        this.violations = violations;
        this.failures = failures;
        this.stop = stop;
        this.deadlineNanos = deadlineNanos;
        this.maxOps = maxOps;
        this.random = new SplittableRandom(config.seed() * 1_000_003L + index);
    }

    @Override
    public void run() {
        long done = 0;
        while (done < maxOps && !stop.getAsBoolean()) {
            long now = System.nanoTime();
            if (now >= deadlineNanos) {
                break;
            }
            runOne(now);
            done++;
        }
    }

    /** @return operations by {@link Op}; read after the thread ended */
    long[] opCounts() {
        return opCounts.clone();
    }

    /** @return the celebrity counter's operations by {@link CelebrityOp}; read after the thread ended */
    long[] celebrityCounts() {
        return celebrityCounts.clone();
    }

    private void runOne(long now) {
        boolean celebrity = spike.isActive(now) && random.nextDouble() < spike.redirectShare();
        int item = celebrity ? spike.item() : zipf.next(random);
        int entry = random.nextInt(kvMaps.size());
        int dice = random.nextInt(100);
        if (dice < config.readPercent()) {
            if (random.nextDouble() < COUNTER_READ_SHARE) {
                readCounter(entry, item);
            } else {
                readKv(entry, item);
            }
        } else if (dice < config.readPercent() + config.writePercent()) {
            if (kv.owner(item) == index) {
                write(entry, item);
            } else if (celebrity) {
                increment(entry, item, config.hotKeys());
            } else {
                write(entry, ownedItem(item));
            }
        } else {
            increment(entry, item, config.hotKeys() && random.nextDouble() >= MERGE_SHARE_WITH_HOT_KEYS);
        }
    }

    private int ownedItem(int drawn) {
        int item = drawn;
        for (int i = 0; i < OWNED_KEY_DRAWS; i++) {
            item = zipf.next(random);
            if (kv.owner(item) == index) {
                return item;
            }
        }
        int threads = config.threads();
        int candidate = item - item % threads + index;
        return candidate < kv.size() ? candidate : index;
    }

    private void readKv(int entry, int item) {
        long before = kv.ackedState(item);
        String value;
        long t0 = System.nanoTime();
        try {
            value = kvMaps.get(entry).get(kv.key(item));
        } catch (RuntimeException e) {
            failed("get", item, e);
            return;
        }
        latency.record(Kind.READ, System.nanoTime() - t0);
        opCounts[Op.GET.ordinal()]++;
        kv.checkRead(item, before, t0, value, violations, "get");
    }

    private void readCounter(int entry, int item) {
        long floor = counters.acked(item);
        Long value;
        long t0 = System.nanoTime();
        try {
            value = counterMaps.get(entry).get(counters.key(item));
        } catch (RuntimeException e) {
            failed("get counter", item, e);
            return;
        }
        latency.record(Kind.READ, System.nanoTime() - t0);
        opCounts[Op.GET_COUNTER.ordinal()]++;
        countCelebrity(item, CelebrityOp.READ);
        counters.check(item, floor, value, violations, "get counter");
    }

    /**
     * Increments a counter by 1..9: with {@code add} (mergeable map; no result to check) or with
     * {@code merge(key, d, Long::sum)} (its result must lie between the acknowledged sum plus
     * {@code d} and the started sum after it).
     */
    private void increment(int entry, int item, boolean add) {
        long delta = 1 + random.nextInt(9);
        long floor = counters.acked(item) + delta;
        counters.begin(item, delta);
        Long result = null;
        long t0 = System.nanoTime();
        try {
            if (add) {
                counterMaps.get(entry).add(counters.key(item), delta);
            } else {
                result = counterMaps.get(entry).merge(counters.key(item), delta, Long::sum);
            }
        } catch (RuntimeException e) {
            failed(add ? "add" : "merge", item, e);
            return;
        }
        latency.record(Kind.MERGE, System.nanoTime() - t0);
        counters.ack(item, delta);
        opCounts[(add ? Op.ADD : Op.MERGE).ordinal()]++;
        countCelebrity(item, add ? CelebrityOp.ADD : CelebrityOp.MERGE);
        if (!add) {
            counters.check(item, floor, result, violations, "merge result of");
        }
    }

    private void countCelebrity(int item, CelebrityOp op) {
        if (item == spike.item()) {
            celebrityCounts[op.ordinal()]++;
        }
    }

    /** One write by the key's owner, chosen by what the owner knows the key holds. */
    private void write(int entry, int item) {
        long before = kv.ackedState(item);
        long startedBefore = kv.startedState(item);
        boolean present = !KvModel.isRemoved(before);
        GridMap<String, String> map = kvMaps.get(entry);
        String key = kv.key(item);
        // after a failed write the key's state is uncertain: only an unconditional put has a known outcome
        Op op = startedBefore != before ? Op.PUT : present ? pickPresentWrite() : Op.PUT_IF_ABSENT;
        long next = kv.begin(item, op == Op.REMOVE);
        String value = op == Op.REMOVE ? null : kv.value(item, KvModel.seqOf(next));
        String previous;
        long t0 = System.nanoTime();
        try {
            previous = switch (op) {
                case PUT -> map.put(key, value);
                case PUT_IF_ABSENT -> map.putIfAbsent(key, value);
                case REPLACE -> map.replace(key, value);
                case REMOVE -> map.remove(key);
                case COMPUTE -> {
                    String[] seen = new String[1];
                    map.compute(key, (k, old) -> {
                        seen[0] = old;
                        return value;
                    });
                    yield seen[0];
                }
                case REPLACE_IF_EQUALS -> {
                    String expected = kv.valueOf(item, before);
                    yield map.replace(key, expected, value) ? expected : "<replace(key, expected, new) returned false>";
                }
                default -> throw new IllegalStateException("not a write: " + op);
            };
        } catch (RuntimeException e) {
            failed(op.name().toLowerCase(java.util.Locale.ROOT), item, e);
            return;
        }
        latency.record(Kind.WRITE, System.nanoTime() - t0);
        opCounts[op.ordinal()]++;
        String wrong = kv.checkPrevious(item, before, startedBefore, previous, op.name().toLowerCase(java.util.Locale.ROOT));
        if (wrong != null) {
            violations.report(Invariant.WRONG_PREVIOUS_VALUE, wrong);
            if (op == Op.REPLACE_IF_EQUALS) {
                return; // the grid says nothing changed: leave the write unacknowledged (uncertain)
            }
        }
        kv.ack(item, next);
    }

    private Op pickPresentWrite() {
        int dice = random.nextInt(100);
        if (dice < 60) {
            return Op.PUT;
        } else if (dice < 70) {
            return Op.REPLACE;
        } else if (dice < 80) {
            return Op.REPLACE_IF_EQUALS;
        } else if (dice < 88) {
            return Op.COMPUTE;
        }
        return Op.REMOVE;
    }

    private void failed(String operation, int item, RuntimeException e) {
        if (failures.excused(operation, e)) {
            return; // the models allow either outcome of a write that failed
        }
        String cause = failures.record(operation, e);
        violations.report(Invariant.FAILED_OPERATION, cause + " on " + kv.key(item) + ": " + e.getMessage());
    }
}
