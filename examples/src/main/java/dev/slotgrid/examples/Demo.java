package dev.slotgrid.examples;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.GridStats;
import dev.slotgrid.HotKeyAction;
import dev.slotgrid.HotKeyPolicy;
import dev.slotgrid.HotKeyStats;
import dev.slotgrid.IndexDefinition;
import dev.slotgrid.QueryResult;
import dev.slotgrid.spi.IndexExtractor;
import dev.slotgrid.MigrationStats;
import dev.slotgrid.NodeStats;
import dev.slotgrid.SkewBand;
import dev.slotgrid.SlotGrid;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The SlotGrid demo: an embedded cluster in this JVM, a workload with live progress, and what a
 * user wants to see (distribution, throughput, skew); then one member per JVM, three JVMs on
 * loopback ({@link ThreeJvmsScene}). Ends by itself in about a minute.
 *
 * <p>Run it with {@code ./demo} from the repository root; {@code ./demo --seconds 5} shortens each
 * workload scene.
 */
public final class Demo {

    private static final int KEYS = 300_000;
    private static final int BAR_WIDTH = 40;
    /** Entries per second; low enough that the join takes a few seconds and leaves the CPU to the workload. */
    private static final int MIGRATION_THROTTLE = 250_000;

    private final PrintStream out;
    private final boolean terminal;
    private final Duration sceneLength;

    Demo(PrintStream out, boolean terminal, Duration sceneLength) {
        this.out = out;
        this.terminal = terminal;
        this.sceneLength = sceneLength;
    }

    /**
     * Runs the demo.
     *
     * @param args {@code --seconds N}: length of each workload scene (default 15)
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        int seconds = 15;
        for (int i = 0; i < args.length; i++) {
            if ("--seconds".equals(args[i]) && i + 1 < args.length) {
                seconds = Integer.parseInt(args[++i]);
            } else {
                System.err.println("usage: demo [--seconds N]   (N: length of each workload scene, default 15)");
                System.exit(2);
            }
        }
        new Demo(System.out, System.console() != null, Duration.ofSeconds(seconds)).run();
    }

    void run() throws InterruptedException {
        try (SlotGrid grid = SlotGrid.builder().name("demo").nodes(3).migrationThrottle(MIGRATION_THROTTLE)
                .hotKeyPolicy(HotKeyPolicy.defaults()).build()) {
            heading("1. A 3-node grid in this JVM shares 16384 slots");
            for (GridNode node : grid.nodes()) {
                out.printf("   %-7s owns slots %s%n", node.name(), grid.table().rangesOf(node.id()));
            }

            heading("2. Loading " + String.format(Locale.ROOT, "%,d", KEYS) + " keys");
            GridMap<String, String> users = grid.map("users");
            long start = System.nanoTime();
            for (int i = 0; i < KEYS; i++) {
                users.put("user:" + i, "profile-" + i);
            }
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "   %,d puts in %.2f s (%,.0f puts/s on one thread)%n", KEYS, loadSeconds, KEYS / loadSeconds);
            distribution(grid.stats());

            heading("3. Workload: 95% get / 5% put on uniform keys, 2 threads, " + sceneLength.toSeconds() + " s");
            Workload workload = new Workload(grid, users.name(), 2, (map, random) -> {
                String key = "user:" + random.nextInt(KEYS);
                if (random.nextInt(100) < 95) {
                    map.get(key);
                } else {
                    map.put(key, "updated");
                }
            });
            GridStats before = grid.stats();
            long startOps = workload.ops();
            long startNanos = System.nanoTime();
            long end = startNanos + sceneLength.toNanos();
            watch(grid, workload, () -> System.nanoTime() >= end, () -> String.format(Locale.ROOT, "remaining %2d s",
                    Math.max(0, (end - System.nanoTime() + 999_999_999L) / 1_000_000_000L)));
            double steadyRate = (workload.ops() - startOps) / ((System.nanoTime() - startNanos) / 1e9);
            GridStats steady = grid.stats().since(before);
            out.printf(Locale.ROOT, "   %,.0f ops/s; per node:%n", steadyRate);
            for (NodeStats node : steady.nodes()) {
                out.printf(Locale.ROOT, "   %-7s %s %5.1f%%%n", node.nodeName(), bar(node.operationsTotal(), steady.operationsTotal()),
                        100.0 * node.operationsTotal() / Math.max(1, steady.operationsTotal()));
            }
            out.printf(Locale.ROOT, "   load skew %.3f (max over mean): %s%n", steady.skew(), steady.skewBand());

            heading(String.format(Locale.ROOT, "4. A 4th node joins while the workload runs: 4096 slots move live"
                    + " (throttled to %,d entries/s)", MIGRATION_THROTTLE));
            long joinOps = workload.ops();
            long joinStart = System.nanoTime();
            CompletableFuture<GridNode> join = grid.addNode("node-3", 1);
            watch(grid, workload, join::isDone, () -> {
                MigrationStats m = grid.migrationStats();
                return String.format(Locale.ROOT, "slots %4d/4096  %,9d entries moved  %,8.0f entries/s  ETA %s",
                        4096 - Math.min(4096, m.slotsLeft()), m.entriesMoved(), m.entriesPerSecond(),
                        m.eta().map(eta -> eta.toMillis() / 1000 + " s").orElse("?"));
            });
            join.join();
            double joinSeconds = (System.nanoTime() - joinStart) / 1e9;
            double joinRate = (workload.ops() - joinOps) / joinSeconds;
            MigrationStats migrations = grid.migrationStats();
            out.printf(Locale.ROOT, "   joined in %.1f s; %,d entries moved; %d operations failed meanwhile%n", joinSeconds,
                    migrations.entriesMoved(), workload.failures());
            out.printf(Locale.ROOT, "   throughput while slots moved: %,.0f ops/s (%.2fx the steady state)%n", joinRate,
                    joinRate / steadyRate);
            out.printf(Locale.ROOT, "   cutover window per slot (writers of that slot retry; readers never wait):"
                    + " p50 %d us, p99 %d us, max %d us%n", migrations.cutoverP50Nanos() / 1000,
                    migrations.cutoverP99Nanos() / 1000, migrations.cutoverMaxNanos() / 1000);
            for (GridNode node : grid.nodes()) {
                out.printf("   %-7s owns %,5d slots%n", node.name(), grid.table().slotCount(node.id()));
            }
            distribution(grid.stats());
            workload.stop();
            long failures = workload.failures();
            out.printf(Locale.ROOT, "   %,d operations in all, %d failed%n", workload.ops(), failures);

            celebrity(grid);
            indexes(grid);
        }

        heading("7. One member per JVM: this JVM and two member processes it starts, on loopback");
        new ThreeJvmsScene(out, sceneLength).run();

        heading("Done");
        out.println("   JMX: jconsole shows dev.slotgrid:type=Grid and type=Node while a grid runs.");
    }

    /**
     * A celebrity key takes half of all writes; the hot-key policy detects it and salts it over the
     * nodes, and the skew falls from critical (2.5: half of all writes on one node of four) to about
     * even. The counter stays exact.
     *
     * <p>The skew after salting is measured from {@link SaltedWindow#SETTLE_NANOS} after the key was
     * first seen salted to the end of the scene, which lasts at least
     * {@link SaltedWindow#MIN_WINDOW_NANOS} more: a single short tick would measure mostly which
     * worker thread the scheduler happened to run. Salted, each thread's celebrity adds land on its own
     * node's part, so the skew is 0.5 + 2 x the busiest thread's share of the calls: 1.0 when the four
     * threads run evenly, more when two cores serve them unevenly, 2.5 only if one thread runs alone.
     */
    private void celebrity(SlotGrid grid) throws InterruptedException {
        heading("5. A celebrity: half of all writes hit one counter; the grid notices and salts it");
        grid.declareMergeable("likes", "long-sum");
        LongAdder celebrityAdds = new LongAdder();
        long start = System.currentTimeMillis();
        Workload likes = new Workload(grid, "likes", grid.nodes().size(), (map, random) -> {
            if (random.nextBoolean()) {
                map.add("celebrity", 1L);
                celebrityAdds.increment();
            } else {
                map.add("post:" + random.nextInt(KEYS), 1L);
            }
        });
        long end = System.nanoTime() + Math.max(4, sceneLength.toSeconds() / 2) * 1_000_000_000L;
        SaltedWindow salted = new SaltedWindow(grid, end);
        List<Double> skews = watch(grid, likes, salted::sceneOver, () -> {
            HotKeyStats hot = grid.hotKeyStats();
            return hot.saltedKeys() == 0 ? "celebrity: not salted" : "celebrity: salted, " + hot.saltedKeys() + " key(s)";
        }, 500);
        GridStats sceneEnd = grid.stats();
        long sceneEndNanos = System.nanoTime();
        likes.stop();
        for (HotKeyAction action : grid.hotKeyStats().actions()) {
            if (action.mapName().equals("likes")) {
                out.printf(Locale.ROOT, "   +%4.1f s  %-9s %s: %s%n", (action.epochMillis() - start) / 1000.0, action.type(),
                        action.key(), action.detail());
            }
        }
        if (salted.from != null) {
            GridStats after = sceneEnd.since(salted.from);
            out.printf(Locale.ROOT, "   skew in the first half second %.2f (%s); from %.1f s after it was salted to the end"
                    + " (%.1f s) %.2f (%s)%n", skews.get(0), SkewBand.of(skews.get(0)), SaltedWindow.SETTLE_NANOS / 1e9,
                    (sceneEndNanos - salted.fromNanos) / 1e9, after.skew(), after.skewBand());
        } else {
            double last = skews.get(skews.size() - 1);
            out.printf(Locale.ROOT, "   skew in the first half second %.2f (%s); not salted, in the last tick %.2f (%s)%n",
                    skews.get(0), SkewBand.of(skews.get(0)), last, SkewBand.of(last));
        }
        long counted = grid.<String, Long>map("likes").get("celebrity");
        out.printf(Locale.ROOT, "   celebrity = %,d after %,d acknowledged adds: %s; %d operations failed%n", counted,
                celebrityAdds.sum(), counted == celebrityAdds.sum() ? "exact" : "MISMATCH", likes.failures());
    }

    /**
     * One question, two indexes: a LOCAL index answers by asking every node (scatter-gather); a
     * GLOBAL one, partitioned by the city, by reading one slot. Then a burst of moves, the GLOBAL
     * index's lag while its outboxes drain, and a read-your-writes query.
     */
    private void indexes(SlotGrid grid) throws InterruptedException {
        int people = 60_000;
        int cities = 1_000;
        heading(String.format(Locale.ROOT, "6. Secondary indexes: %,d people in %,d cities, one question, two indexes", people, cities));
        grid.registerExtractor(IndexExtractor.of("city", value -> ((String) value).substring(((String) value).indexOf('|') + 1)));
        GridMap<String, String> map = grid.map("people");
        for (int i = 0; i < people; i++) {
            map.put("person:" + i, "name-" + i + "|city-" + (i % cities));
        }
        grid.addIndex("people", IndexDefinition.local("by-city-local", "city"));
        grid.addIndex("people", IndexDefinition.global("by-city", "city"));
        for (String index : List.of("by-city-local", "by-city")) {
            long start = System.nanoTime();
            QueryResult<String, String> result = grid.<String, String>query("people").eq(index, "city-7").execute();
            long micros = (System.nanoTime() - start) / 1000;
            out.printf(Locale.ROOT, "   %-14s %3d people in city-7 in %,7d us; %,d of %,d slots answered; %s%n", index,
                    result.count(), micros, result.slotsAnswered(), result.slotsQueried(), result.plan());
        }
        out.println("   a burst of 20,000 moves to city-7; the GLOBAL index follows asynchronously:");
        for (int i = 0; i < 20_000; i++) {
            map.put("person:" + i, "name-" + i + "|city-7");
        }
        long pending = grid.indexStats().pending();
        for (int tick = 0; tick < 60 && pending > 0; tick++) {
            out.printf(Locale.ROOT, "   lag: %,7d updates pending, oldest %,5d ms%n", pending,
                    grid.indexStats().oldestPendingAge().toMillis());
            TimeUnit.MILLISECONDS.sleep(400);
            pending = grid.indexStats().pending();
        }
        QueryResult<String, String> fresh = grid.<String, String>query("people").eq("by-city", "city-7")
                .awaitIndexed(Duration.ofSeconds(10)).count();
        long expected = 20_000 + java.util.stream.IntStream.range(20_000, people).filter(i -> i % cities == 7).count();
        out.printf(Locale.ROOT, "   lag drained; read-your-writes query: %,d people in city-7 (%,d expected)%n", fresh.count(),
                expected);
    }

    /** Entries per node as bars. */
    private void distribution(GridStats stats) {
        long total = stats.entries();
        for (NodeStats node : stats.nodes()) {
            out.printf(Locale.ROOT, "   %-7s %s %,8d entries %5.1f%%%n", node.nodeName(), bar(node.entries(), total), node.entries(),
                    100.0 * node.entries() / Math.max(1, total));
        }
        out.printf(Locale.ROOT, "   entry skew %.3f%n", entrySkew(stats));
    }

    private static double entrySkew(GridStats stats) {
        long max = 0;
        for (NodeStats node : stats.nodes()) {
            max = Math.max(max, node.entries());
        }
        return stats.entries() == 0 ? 1.0 : max * (double) stats.nodes().size() / stats.entries();
    }

    /** Shows a progress line once a second until {@code done}: throughput, interval skew, and {@code status}. */
    private List<Double> watch(SlotGrid grid, Workload workload, BooleanSupplier done, Supplier<String> status)
            throws InterruptedException {
        return watch(grid, workload, done, status, 1000);
    }

    /** As above, every {@code tickMillis}; returns each interval's skew. */
    private List<Double> watch(SlotGrid grid, Workload workload, BooleanSupplier done, Supplier<String> status,
            int tickMillis) throws InterruptedException {
        List<Double> skews = new ArrayList<>();
        GridStats last = grid.stats();
        long lastOps = workload.ops();
        long lastNanos = System.nanoTime();
        for (int tick = 0; tick < 600 && !done.getAsBoolean(); tick++) {
            for (int i = 0; i < tickMillis / 50 && !done.getAsBoolean(); i++) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
            GridStats now = grid.stats();
            GridStats interval = now.since(last);
            long ops = workload.ops();
            long nanos = System.nanoTime();
            progress(String.format(Locale.ROOT, "%,10.0f ops/s   skew %.2f %-8s  %s", (ops - lastOps) / ((nanos - lastNanos) / 1e9),
                    interval.skew(), interval.skewBand(), status.get()));
            skews.add(interval.skew());
            last = now;
            lastOps = ops;
            lastNanos = nanos;
        }
        endProgress();
        return skews;
    }

    /**
     * When the celebrity scene ends, and the grid's stats from shortly after the key was first seen
     * salted. Asked by {@link #watch} every 50 ms, on its thread only.
     */
    private static final class SaltedWindow {
        /** From the first sight of a salted key to the snapshot: the workers' first writes to the parts settle. */
        static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(750);
        /** The shortest window the skew after salting is measured over; the scene runs on until it has it. */
        static final long MIN_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(2);
        /** How much longer than planned the scene may run for that window. */
        static final long MAX_EXTRA_NANOS = TimeUnit.SECONDS.toNanos(10);

        private final SlotGrid grid;
        private final long plannedEnd;
        private boolean saltedSeen;
        private long saltedAtNanos;
        GridStats from;
        long fromNanos;

        SaltedWindow(SlotGrid grid, long plannedEnd) {
            this.grid = grid;
            this.plannedEnd = plannedEnd;
        }

        /**
         * Takes the snapshot when due; the scene is over at its planned end if no key was salted by then,
         * else once the window after the snapshot is long enough, and in any case
         * {@link #MAX_EXTRA_NANOS} after the planned end.
         */
        boolean sceneOver() {
            long now = System.nanoTime();
            if (!saltedSeen && now - plannedEnd < 0 && grid.hotKeyStats().saltedKeys() > 0) {
                saltedSeen = true;
                saltedAtNanos = now;
            }
            if (saltedSeen && from == null && now - saltedAtNanos >= SETTLE_NANOS) {
                from = grid.stats();
                fromNanos = now;
            }
            if (now - plannedEnd < 0) {
                return false;
            }
            if (now - plannedEnd >= MAX_EXTRA_NANOS || !saltedSeen) {
                return true;
            }
            return from != null && now - fromNanos >= MIN_WINDOW_NANOS;
        }
    }

    /** One call of a workload thread. */
    private interface Step {
        void run(GridMap<String, Object> map, SplittableRandom random);
    }

    /** Threads running a step in a loop until stopped, thread {@code t} entering through node {@code t}. */
    private static final class Workload {
        private final LongAdder ops = new LongAdder();
        private final LongAdder failures = new LongAdder();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final List<Thread> threads = new ArrayList<>();

        Workload(SlotGrid grid, String mapName, int threadCount, Step step) {
            for (int t = 0; t < threadCount; t++) {
                GridMap<String, Object> map = grid.nodes().get(t % grid.nodes().size()).map(mapName);
                SplittableRandom random = new SplittableRandom(t);
                Thread thread = new Thread(() -> {
                    while (!stop.get()) {
                        for (int i = 0; i < 1000; i++) {
                            try {
                                step.run(map, random);
                            } catch (RuntimeException e) {
                                failures.increment();
                            }
                        }
                        ops.add(1000);
                    }
                }, "demo-worker-" + t);
                thread.setDaemon(true);
                threads.add(thread);
                thread.start();
            }
        }

        long ops() {
            return ops.sum();
        }

        long failures() {
            return failures.sum();
        }

        void stop() throws InterruptedException {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
        }
    }

    private void progress(String line) {
        if (terminal) {
            out.print("\r   " + line);
            out.flush();
        } else {
            out.println("   " + line);
        }
    }

    private void endProgress() {
        if (terminal) {
            out.println();
        }
    }

    private void heading(String text) {
        out.println();
        out.println(text);
    }

    private static String bar(long part, long whole) {
        int filled = whole == 0 ? 0 : (int) Math.round(BAR_WIDTH * (double) part / whole);
        return "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled);
    }
}
