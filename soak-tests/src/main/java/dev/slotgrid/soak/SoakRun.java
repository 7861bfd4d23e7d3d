package dev.slotgrid.soak;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.GridStats;
import dev.slotgrid.HotKeyPolicy;
import dev.slotgrid.HotKeyStats;
import dev.slotgrid.NodeStats;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.SlotGridBuilder;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.soak.LatencyRecorders.Kind;
import dev.slotgrid.soak.MigrationDriver.Event;
import dev.slotgrid.soak.Sample.LatencyPoint;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

/**
 * One soak run: starts an embedded grid, preloads every key, runs the load threads, the churn
 * thread and the sampler for the configured duration, stops them, checks every key against the
 * model, and returns a {@link SoakResult}.
 *
 * <p>Shape (after Redis's {@code tests/cluster/tests/04-resharding.tcl}): the client remembers
 * every acknowledged write ({@link KvModel}, {@link CounterModel}) while the cluster changes under
 * it; every read is checked as it happens, a sample of keys is re-read in bulk every interval
 * ({@code getAll}, through a random node), and every key is checked at the end, through every
 * entry node in turn.
 *
 * <p>Thread-safety: {@link #run()} once, from one thread; {@link #stop()} and
 * {@link #violationsSoFar()} from any thread. Bounds: the load ends at the deadline, after
 * {@code max-ops}, or on {@link #stop()}; every thread is joined with a timeout and a thread that
 * does not end is itself a violation ({@link Invariant#HARNESS}).
 */
public final class SoakRun {

    /** Keys re-read in bulk from each map every interval. */
    static final int AUDIT_KEYS = 64;
    /** The longest a load thread may take to notice the stop. */
    static final long WORKER_JOIN_SECONDS = 30;
    /** Keys per preload batch ({@code putAll}). */
    static final int PRELOAD_BATCH = 1000;
    /** The hot-key policy of {@code --hot-keys=on}. */
    static final HotKeyPolicy HOT_KEY_POLICY = HotKeyPolicy.defaults();
    /** After the load, how long past the policy's cooldown the run waits for every key to return to normal. */
    static final long HOT_KEY_SETTLE_SECONDS = 15;
    /** The longest the sampling thread waits between two polls of the hot-key actions. */
    static final long POLL_MILLIS = 50;

    private final SoakConfig config;
    private final PrintStream out;
    private final boolean terminal;
    private final UnaryOperator<GridMap<String, String>> kvWrapper;
    private final UnaryOperator<GridMap<String, Long>> counterWrapper;
    private final ViolationLog violations = new ViolationLog(System.nanoTime());
    /** Open while a member is being killed ({@code --kill-every}) and shortly after. */
    private final KillWindow kills = new KillWindow();
    private final FailureLog failures = new FailureLog(kills);
    private volatile boolean stopped;
    private long audits;
    private java.util.function.Consumer<SlotGrid> onGridStarted = grid -> { };

    /**
     * A run that reports progress to {@code out}.
     *
     * @param config the parameters
     * @param out where progress and the summary go
     * @param terminal whether {@code out} is a terminal (one line rewritten in place)
     */
    public SoakRun(SoakConfig config, PrintStream out, boolean terminal) {
        this(config, out, terminal, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** A run whose map handles are wrapped, e.g. in a deliberately broken store for the checker's own test. */
    SoakRun(SoakConfig config, PrintStream out, boolean terminal, UnaryOperator<GridMap<String, String>> kvWrapper,
            UnaryOperator<GridMap<String, Long>> counterWrapper) {
        this.config = config;
        this.out = out;
        this.terminal = terminal;
        this.kvWrapper = kvWrapper;
        this.counterWrapper = counterWrapper;
    }

    /** Lets a test see the grid once it runs (to break a store the way only the grid's state tells). */
    SoakRun onGridStarted(java.util.function.Consumer<SlotGrid> listener) {
        this.onGridStarted = listener;
        return this;
    }

    /** Ends the load early; the final check and the result still follow. Idempotent. */
    public void stop() {
        stopped = true;
    }

    /** @return violations found so far, over all invariants */
    public long violationsSoFar() {
        return violations.total();
    }

    /**
     * Runs the soak.
     *
     * @return the result; {@link SoakResult#passed()} says whether every invariant held
     */
    public SoakResult run() {
        String startedAt = Instant.now().toString();
        String[] keys = new String[config.keys()];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "key:" + i;
        }
        ScrambledZipfian zipf = new ScrambledZipfian(config.keys(), config.zipfTheta(), config.seed());
        KvModel kv = new KvModel(keys, config.valueSize(), config.threads());
        CounterModel counters = new CounterModel(keys);
        LatencyRecorders latency = new LatencyRecorders();
        NearCacheAllowance nearCache = null;
        if (config.hotKeys()) {
            nearCache = new NearCacheAllowance(keys.length, HOT_KEY_POLICY.nearCacheTtl().toMillis(), System.nanoTime(),
                    System::nanoTime);
            kv.allowNearCache(nearCache);
        }
        SlotGridBuilder builder = SlotGrid.builder().nodes(config.nodes()).name("soak-" + Long.toHexString(config.seed()))
                .jmx(false).migrationThrottle(config.migrationThrottle())
                .maxMigrationsInFlight(config.migrationsInFlight());
        if (config.hotKeys()) {
            builder.hotKeyPolicy(HOT_KEY_POLICY);
        }
        MemberJvms jvms = config.jvms() > 0
                ? new MemberJvms("soak-" + Long.toHexString(config.seed()), MemberJvms.freePort(),
                        config.reportDir().resolve("members-" + Long.toHexString(config.seed())), kills)
                : null;
        try (SlotGrid grid = jvms == null ? builder.build() : startMembers(jvms)) {
          try {
            if (config.hotKeys()) {
                grid.declareMergeable("counters", "long-sum");
            }
            onGridStarted.accept(grid);
            List<GridMap<String, String>> kvMaps = new ArrayList<>();
            List<GridMap<String, Long>> counterMaps = new ArrayList<>();
            for (GridNode node : grid.nodes()) {
                kvMaps.add(kvWrapper.apply(node.map("kv")));
                counterMaps.add(counterWrapper.apply(node.map("counters")));
            }
            preload(kv, kvMaps);
            IndexCheck indexCheck = new IndexCheck(violations);
            if (config.indexes()) {
                IndexCheck.install(grid, "kv");
            }
            out.printf("soak: seed %d, %s, %d nodes, %,d keys, %d threads, mix %d/%d/%d, zipf %.2f, "
                    + "%.1f migrations/s, churn every %s, indexes %s, hot keys %s%n", config.seed(),
                    SoakConfig.format(config.duration()), config.nodes(), config.keys(), config.threads(),
                    config.readPercent(), config.writePercent(), config.mergePercent(), config.zipfTheta(),
                    config.migrationsPerSecond(), SoakConfig.format(config.churnEvery()), config.indexes() ? "on" : "off",
                    config.hotKeys() ? HOT_KEY_POLICY : "off");

            long start = System.nanoTime();
            long startEpochMillis = System.currentTimeMillis();
            violations.restartClock(start);
            long deadline = start + config.duration().toNanos();
            Spike spike = Spike.plan(config, zipf, start);
            int celebritySlot = grid.partitioner().slotOf(keys[spike.item()]);
            MigrationDriver driver = jvms == null ? new MigrationDriver(grid, start) : new MigrationDriver(grid, start, jvms);
            ChurnLoop churn = new ChurnLoop(grid, driver, config, celebritySlot, violations, () -> stopped, deadline);
            List<LoadWorker> workers = new ArrayList<>();
            List<Thread> threads = new ArrayList<>();
            long opsPerWorker = Math.max(1, config.maxOps() / config.threads());
            for (int t = 0; t < config.threads(); t++) {
                LoadWorker worker = new LoadWorker(t, config, kv, counters, zipf, spike, kvMaps, counterMaps, latency,
                        violations, failures, () -> stopped, deadline, opsPerWorker);
                workers.add(worker);
                threads.add(harnessThread(worker, "soak-load-" + t));
            }
            Thread churnThread = harnessThread(churn, "soak-churn");
            Sampler sampler = new Sampler(grid, latency, churn::events, violations, spike::isActive, start,
                    keys[spike.item()], failures);
            HotKeyWatch watch = new HotKeyWatch(grid, nearCache, violations, spike, keys[spike.item()], start,
                    startEpochMillis);
            SaltChanges saltChanges = config.hotKeys() && config.saltChanges() && spike.redirectShare() > 0
                    ? new SaltChanges(grid, keys[spike.item()], spike, deadline, violations, failures) : null;
            threads.forEach(Thread::start);
            churnThread.start();

            sample(grid, sampler, watch, saltChanges, kv, counters, kvMaps, counterMaps, start, deadline, threads, churn,
                    indexCheck, spike.item());
            stopped = true;
            joinAll(threads, WORKER_JOIN_SECONDS);
            joinAll(List.of(churnThread), WORKER_JOIN_SECONDS);
            if (!churn.awaitOutstanding()) {
                violations.report(Invariant.MEMBERSHIP_CHANGE, "changes still running " + MigrationDriver.CHANGE_TIMEOUT_SECONDS
                        + " s after the load stopped: " + grid.migrationStats());
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            List<Sample> taken = sampler.samples();
            if (taken.isEmpty() || loadSeconds - taken.get(taken.size() - 1).atSeconds() > 0.1) {
                sampler.take();
            } else {
                latency.takeInterval(); // the last few operations count in the totals, too short for a sample
            }
            watch.loadStopped();
            long saltedChecked = checkSaltedCounters(watch, counters, counterMaps);
            if (saltChanges != null) {
                saltChanges.finish();
            }
            double secondsToNormal = awaitHotKeysNormal(grid, watch);

            Map<String, Long> finalCheck = finalCheck(grid, kv, counters, kvMaps, counterMaps);
            if (config.indexes()) {
                try {
                    finalCheck.putAll(indexCheck.checkFinal(grid, kv));
                } catch (RuntimeException e) {
                    String cause = failures.record("final index query", e);
                    violations.report(Invariant.FAILED_OPERATION, cause + ": " + e.getMessage());
                }
            }
            watch.finish();
            HotKeyResult hotKeys = hotKeyResult(grid, watch, nearCache, workers, sampler.samples(), saltedChecked,
                    secondsToNormal);
            SoakResult result = result(startedAt, loadSeconds, sampler, workers, latency, churn.events(), spike,
                    celebritySlot, keys, finalCheck, hotKeys);
            if (jvms != null) {
                jvms.close(); // the run is checked: the member processes go at once, and so does this one
                grid.terminate();
            }
            return result;
          } catch (RuntimeException | Error e) {
            if (jvms != null) { // not the graceful leave of close(): the run failed, its members go at once
                jvms.close();
                grid.terminate();
            }
            throw e;
          }
        } finally {
            if (jvms != null) {
                jvms.close();
            }
        }
    }

    /**
     * A cross-process grid ({@code --jvms}): this JVM's member founds it (and coordinates), then
     * {@code jvms - 1} member processes join; returns once the slots are spread fairly.
     */
    private SlotGrid startMembers(MemberJvms jvms) {
        dev.slotgrid.ClusterBuilder member = SlotGrid.cluster().clusterName("soak-" + Long.toHexString(config.seed()))
                .memberName("soak-0").secret(MemberJvms.SECRET).membershipPort(jvms.seedPort())
                .seeds("127.0.0.1:" + jvms.seedPort()).jmx(false).migrationThrottle(config.migrationThrottle())
                .maxMigrationsInFlight(config.migrationsInFlight());
        if (config.hotKeys()) {
            member.hotKeyPolicy(HOT_KEY_POLICY);
        }
        SlotGrid grid = member.start();
        try {
            jvms.attach(grid);
            for (int i = 1; i < config.jvms(); i++) {
                jvms.start("member-" + i);
            }
            if (!jvms.awaitSettled(config.jvms(), MigrationDriver.CHANGE_TIMEOUT_SECONDS * 2)) {
                throw new IllegalStateException("the slots did not settle on " + config.jvms() + " members: " + grid.table());
            }
            // the copies are made once the slots stop moving; a kill before then would lose the slots without one
            if (!jvms.awaitCopies(MigrationDriver.CHANGE_TIMEOUT_SECONDS)) {
                throw new IllegalStateException("the copies were not all made on " + config.jvms() + " members: "
                        + grid.table());
            }
            out.printf("soak: %d members in %d JVMs on loopback: %s%n", config.jvms(), config.jvms(), grid.table());
            return grid;
        } catch (RuntimeException e) {
            jvms.close();
            grid.terminate();
            throw e;
        }
    }

    private void preload(KvModel kv, List<GridMap<String, String>> kvMaps) {
        Map<String, String> batch = new HashMap<>();
        for (int item = 0; item < kv.size(); item++) {
            long state = kv.begin(item, false);
            batch.put(kv.key(item), kv.value(item, KvModel.seqOf(state)));
            if (batch.size() == PRELOAD_BATCH || item == kv.size() - 1) {
                kvMaps.get(item / PRELOAD_BATCH % kvMaps.size()).putAll(batch);
                batch.clear();
            }
        }
        for (int item = 0; item < kv.size(); item++) {
            kv.ack(item, kv.startedState(item));
        }
    }

    /** The sampling loop: one sample, one audit and one progress update per interval. */
    private void sample(SlotGrid grid, Sampler sampler, HotKeyWatch watch, SaltChanges saltChanges, KvModel kv,
            CounterModel counters,
            List<GridMap<String, String>> kvMaps, List<GridMap<String, Long>> counterMaps, long start, long deadline,
            List<Thread> threads, ChurnLoop churn, IndexCheck indexCheck, int celebrity) {
        ProgressLine progress = new ProgressLine(out, terminal, config);
        SplittableRandom random = new SplittableRandom(config.seed() ^ 0xa0d1_7000L);
        long interval = config.sampleInterval().toNanos();
        long maxTicks = config.duration().toNanos() / interval + 2;
        for (long tick = 1; tick <= maxTicks; tick++) {
            long due = Math.min(start + tick * interval, deadline);
            while (!stopped && System.nanoTime() < due && threads.stream().anyMatch(Thread::isAlive)) {
                LockSupport.parkNanos(Math.min(due - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS)));
                try {
                    watch.poll();
                } catch (RuntimeException e) {
                    if (!failures.excused("hot-key watch", e)) { // a member killed a moment ago: the next poll
                        throw e;
                    }
                }
                if (saltChanges != null) {
                    saltChanges.poll();
                }
            }
            Sample sample = sampler.take();
            audit(kv, counters, kvMaps, counterMaps, random, celebrity);
            if (config.indexes()) {
                try {
                    indexCheck.sample(grid, kv, random);
                } catch (RuntimeException e) {
                    if (!failures.excused("index query", e)) {
                        String cause = failures.record("index query", e);
                        violations.report(Invariant.FAILED_OPERATION, cause + ": " + e.getMessage());
                    }
                }
            }
            progress.update(sample, grid.migrationStats());
            if (stopped || System.nanoTime() >= deadline || threads.stream().noneMatch(Thread::isAlive)) {
                break;
            }
        }
        progress.finish();
    }

    /** Re-reads a random sample of keys of both maps, and the celebrity, in bulk through a random entry node. */
    private void audit(KvModel kv, CounterModel counters, List<GridMap<String, String>> kvMaps,
            List<GridMap<String, Long>> counterMaps, SplittableRandom random, int celebrity) {
        int[] items = java.util.stream.IntStream.concat(java.util.stream.IntStream.of(celebrity),
                random.ints(AUDIT_KEYS - 1, 0, kv.size())).distinct().toArray();
        long[] kvBefore = new long[items.length];
        long[] counterBefore = new long[items.length];
        List<String> keys = new ArrayList<>(items.length);
        for (int i = 0; i < items.length; i++) {
            kvBefore[i] = kv.ackedState(items[i]);
            counterBefore[i] = counters.acked(items[i]);
            keys.add(kv.key(items[i]));
        }
        int entry = random.nextInt(kvMaps.size());
        long readStart = System.nanoTime();
        try {
            Map<String, String> values = kvMaps.get(entry).getAll(keys);
            Map<String, Long> sums = counterMaps.get(entry).getAll(keys);
            for (int i = 0; i < items.length; i++) {
                kv.checkRead(items[i], kvBefore[i], readStart, values.get(keys.get(i)), violations, "audit getAll");
                counters.check(items[i], counterBefore[i], sums.get(keys.get(i)), violations, "audit getAll counter");
            }
            audits += 2L * items.length;
        } catch (RuntimeException e) {
            if (failures.excused("getAll", e)) {
                return;
            }
            String cause = failures.record("getAll", e);
            violations.report(Invariant.FAILED_OPERATION, cause + " in the audit: " + e.getMessage());
        }
    }

    /**
     * After the load, while the keys may still be salted: every counter the grid salted and has not
     * unsalted must read exactly its acknowledged sum, through every entry node.
     *
     * @return counters checked
     */
    private long checkSaltedCounters(HotKeyWatch watch, CounterModel counters, List<GridMap<String, Long>> counterMaps) {
        long checked = 0;
        for (String key : watch.saltedCounters()) {
            int item = HotKeyWatch.itemOf(key);
            if (item < 0 || item >= config.keys()) {
                continue;
            }
            for (GridMap<String, Long> map : counterMaps) {
                try {
                    counters.checkExact(item, map.get(key), violations, "salted after the load:");
                } catch (RuntimeException e) {
                    String cause = failures.record("get salted counter", e);
                    violations.report(Invariant.FAILED_OPERATION, cause + " on " + key + ": " + e.getMessage());
                }
            }
            checked++;
        }
        return checked;
    }

    /**
     * Waits for the policy to return every salted and near-cached key to normal after the load
     * (its cooldown, plus {@value #HOT_KEY_SETTLE_SECONDS} s at most); a key still handled after that
     * breaks {@link Invariant#QUIESCENT_STATE}. The final check then reads unsalted keys.
     *
     * @return seconds until every key was back to normal, NaN if they were not
     */
    private double awaitHotKeysNormal(SlotGrid grid, HotKeyWatch watch) {
        long begin = System.nanoTime();
        long limit = HOT_KEY_POLICY.cooldown().toNanos() + TimeUnit.SECONDS.toNanos(HOT_KEY_SETTLE_SECONDS);
        long maxPolls = limit / TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS) + 2;
        HotKeyStats stats = grid.hotKeyStats();
        for (long poll = 0; poll < maxPolls; poll++) {
            stats = grid.hotKeyStats();
            watch.poll();
            if (stats.saltedKeys() == 0 && stats.nearCachedKeys() == 0) {
                return (System.nanoTime() - begin) / 1e9;
            }
            if (System.nanoTime() - begin > limit) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
        }
        violations.report(Invariant.QUIESCENT_STATE, String.format(Locale.ROOT, "%d keys still salted and %d "
                + "near-cached %.1f s after the load stopped (cooldown %d ms): salted %s, near-cached %s",
                stats.saltedKeys(), stats.nearCachedKeys(), (System.nanoTime() - begin) / 1e9,
                HOT_KEY_POLICY.cooldown().toMillis(), watch.saltedCounters(), watch.nearCachedKeys()));
        return Double.NaN;
    }

    private HotKeyResult hotKeyResult(SlotGrid grid, HotKeyWatch watch, NearCacheAllowance nearCache,
            List<LoadWorker> workers, List<Sample> samples, long saltedChecked, double secondsToNormal) {
        HotKeyStats stats = grid.hotKeyStats();
        Map<String, Long> celebrityOps = new LinkedHashMap<>();
        for (LoadWorker.CelebrityOp op : LoadWorker.CelebrityOp.values()) {
            long n = 0;
            for (LoadWorker worker : workers) {
                n += worker.celebrityCounts()[op.ordinal()];
            }
            celebrityOps.put(op.name().toLowerCase(Locale.ROOT), n);
        }
        HotKeyWatch.SkewWindows skew = watch.skewWindows();
        double baseline = Double.NaN;
        if (skew != null) {
            double[] before = samples.stream().filter(s -> s.ops() > 0 && s.atSeconds() <= skew.spikeFromSeconds()
                    && s.atSeconds() > skew.spikeFromSeconds() - HotKeyResult.BASELINE_SECONDS)
                    .mapToDouble(Sample::skew).sorted().toArray();
            baseline = before.length == 0 ? Double.NaN : before[before.length / 2];
        }
        List<String> notes = new ArrayList<>();
        if (watch.actionsMayBeMissing()) {
            notes.add("More hot-key actions happened between two polls than the grid keeps (256): some are missing "
                    + "from the list; the counts by type are of those seen.");
        }
        if (!watch.counterKeysNearCached().isEmpty()) {
            notes.add("The grid near-cached counters keys " + watch.counterKeysNearCached() + ": the counter check "
                    + "allows no staleness, so a read of them up to the TTL old counts as COUNTER_MISMATCH although "
                    + "the near cache's contract allows it.");
        }
        if (config.hotKeys() && skew != null && Double.isNaN(skew.firstActionSeconds())) {
            notes.add("The grid did not act on the celebrity during the spike.");
        }
        return new HotKeyResult(config.hotKeys(), config.hotKeys() ? HOT_KEY_POLICY.toString() : "off", watch.actions(),
                watch.actionsByType(), watch.actionsTotal(), watch.actionsMayBeMissing(), skew, baseline,
                stats.nearCacheHits(), stats.nearCacheMisses(), stats.coalescedReads(), watch.maxSalted(),
                watch.maxNearCached(), nearCache == null ? 0 : nearCache.ttlMillis(),
                nearCache == null ? 0 : nearCache.allowedWithinTtl(), nearCache == null ? 0 : nearCache.allowedUnverifiable(),
                celebrityOps, saltedChecked, config.hotKeys() ? secondsToNormal : 0, notes);
    }

    /** A harness thread whose death by an uncaught throwable (an {@link OutOfMemoryError}, say) is a violation. */
    private Thread harnessThread(Runnable body, String name) {
        Thread thread = new Thread(body, name);
        thread.setUncaughtExceptionHandler((dead, failure) -> {
            stopped = true;
            violations.report(Invariant.HARNESS, dead.getName() + " died: " + failure);
        });
        return thread;
    }

    private void joinAll(List<Thread> threads, long timeoutSeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                StringBuilder where = new StringBuilder();
                for (StackTraceElement frame : thread.getStackTrace()) {
                    where.append("\n    at ").append(frame);
                }
                violations.report(Invariant.HARNESS, thread.getName() + " did not end within " + timeoutSeconds
                        + " s of the stop; it is at:" + where);
            }
        }
    }

    /** Checks every key of both maps, through each entry node in turn, and the grid's quiescent state. */
    private Map<String, Long> finalCheck(SlotGrid grid, KvModel kv, CounterModel counters,
            List<GridMap<String, String>> kvMaps, List<GridMap<String, Long>> counterMaps) {
        long kvWrong = 0;
        long countersWrong = 0;
        for (int item = 0; item < kv.size(); item++) {
            int entry = item % kvMaps.size();
            try {
                kvWrong += kv.checkFinal(item, kvMaps.get(entry).get(kv.key(item)), violations) ? 0 : 1;
                countersWrong += counters.checkFinal(item, counterMaps.get(entry).get(kv.key(item)), violations) ? 0 : 1;
            } catch (RuntimeException e) {
                String cause = failures.record("final get", e);
                violations.report(Invariant.FAILED_OPERATION, cause + " on " + kv.key(item) + ": " + e.getMessage());
            }
        }
        GridStats stats = grid.stats();
        long slotsServed = stats.nodes().stream().mapToLong(NodeStats::slotsOwned).sum();
        long kvPresent = kv.presentCount();
        long countersPresent = counters.nonZeroCount();
        long kvSize = kvMaps.get(0).mappingCount();
        long countersSize = counterMaps.get(0).mappingCount();
        if (slotsServed != SlotTable.SLOTS) {
            violations.report(Invariant.QUIESCENT_STATE, "at quiescence the nodes serve " + slotsServed + " slots, not "
                    + SlotTable.SLOTS + ": " + stats);
        }
        boolean certain = !kv.anyUncertain() && !counters.anyUncertain();
        // a GLOBAL index keeps its entries in the grid too: node entries equal the maps' only without one
        boolean entriesExact = !config.indexes();
        if (certain && (kvSize != kvPresent || countersSize != countersPresent
                || (entriesExact && stats.entries() != kvPresent + countersPresent))) {
            violations.report(Invariant.QUIESCENT_STATE, "at quiescence kv.size = " + kvSize + " (model " + kvPresent
                    + "), counters.size = " + countersSize + " (model " + countersPresent + "), node entries = "
                    + stats.entries());
        }
        Map<String, Long> figures = new LinkedHashMap<>();
        figures.put("kvKeysChecked", (long) kv.size());
        figures.put("kvKeysWrong", kvWrong);
        figures.put("kvPresent", kvPresent);
        figures.put("kvSize", kvSize);
        figures.put("countersChecked", (long) kv.size());
        figures.put("countersWrong", countersWrong);
        figures.put("countersPresent", countersPresent);
        figures.put("countersSize", countersSize);
        figures.put("incrementsAcknowledged", counters.ackedTotal());
        figures.put("slotsServed", slotsServed);
        figures.put("nodes", (long) stats.nodes().size());
        figures.put("epoch", grid.table().epoch());
        figures.put("keysAuditedWhileRunning", audits);
        figures.put("migrationsDone", stats.migrations().slotsDone());
        figures.put("migrationsCancelled", stats.migrations().slotsCancelled());
        figures.put("migrationsFailed", stats.migrations().slotsFailed());
        figures.put("migrationEntriesMoved", stats.migrations().entriesMoved());
        figures.put("cutovers", stats.migrations().cutovers());
        figures.put("cutoverP50Micros", stats.migrations().cutoverP50Nanos() / 1000);
        figures.put("cutoverP99Micros", stats.migrations().cutoverP99Nanos() / 1000);
        figures.put("cutoverMaxMicros", stats.migrations().cutoverMaxNanos() / 1000);
        return figures;
    }

    private SoakResult result(String startedAt, double loadSeconds, Sampler sampler, List<LoadWorker> workers,
            LatencyRecorders latency, List<Event> changes, Spike spike, int celebritySlot, String[] keys,
            Map<String, Long> finalCheck, HotKeyResult hotKeys) {
        Map<String, Long> opsByType = new LinkedHashMap<>();
        for (LoadWorker.Op op : LoadWorker.Op.values()) {
            long n = 0;
            for (LoadWorker worker : workers) {
                n += worker.opCounts()[op.ordinal()];
            }
            opsByType.put(op.name().toLowerCase(Locale.ROOT), n);
        }
        Map<String, LatencyPoint> latencyByKind = new LinkedHashMap<>();
        org.HdrHistogram.Histogram all = new org.HdrHistogram.Histogram(LatencyRecorders.HIGHEST_NANOS,
                LatencyRecorders.SIGNIFICANT_DIGITS);
        for (Kind kind : Kind.values()) {
            latencyByKind.put(kind.name().toLowerCase(Locale.ROOT), LatencyPoint.of(latency.cumulative(kind)));
            all.add(latency.cumulative(kind));
        }
        Map<Invariant, Long> counts = new EnumMap<>(Invariant.class);
        Map<Invariant, List<ViolationLog.Example>> examples = new EnumMap<>(Invariant.class);
        for (Invariant invariant : Invariant.values()) {
            counts.put(invariant, violations.count(invariant));
            if (!violations.examples(invariant).isEmpty()) {
                examples.put(invariant, violations.examples(invariant));
            }
        }
        double from = config.spikeAt().toMillis() / 1e3;
        SoakResult.SpikeInfo spikeInfo = new SoakResult.SpikeInfo(keys[spike.item()], spike.rank(), celebritySlot,
                spike.normalShare(), spike.spikeShare(), spike.effectiveMultiple(), spike.redirectShare() > 0 ? from : 0,
                spike.redirectShare() > 0 ? from + config.spikeFor().toMillis() / 1e3 : 0);
        return new SoakResult(config, startedAt, environment(), loadSeconds, sampler.samples(), opsByType,
                LatencyPoint.of(all), latencyByKind, counts, examples, failures.byCause(), failures.firstMessages(),
                changes, spikeInfo, finalCheck, MigrationDriver.LIVE_MIGRATION, hotKeys);
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        Runtime runtime = Runtime.getRuntime();
        env.put("cores", String.valueOf(runtime.availableProcessors()));
        env.put("maxHeapMiB", String.valueOf(runtime.maxMemory() >> 20));
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("commit", System.getProperty("slotgrid.soak.commit", "unknown"));
        return env;
    }
}
