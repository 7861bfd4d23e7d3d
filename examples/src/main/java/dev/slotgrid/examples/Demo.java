package dev.slotgrid.examples;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.GridStats;
import dev.slotgrid.NodeStats;
import dev.slotgrid.SlotGrid;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The SlotGrid demo: an embedded cluster in this JVM, a workload with live progress, and what a
 * user wants to see (distribution, throughput, skew). Ends by itself in about a minute.
 *
 * <p>Run it with {@code ./demo} from the repository root; {@code ./demo --seconds 5} shortens each
 * workload scene.
 */
public final class Demo {

    private static final int KEYS = 300_000;
    private static final int BAR_WIDTH = 40;

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
        try (SlotGrid grid = SlotGrid.builder().name("demo").nodes(3).build()) {
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
            GridStats before = grid.stats();
            long ops = workload(grid, users);
            GridStats during = grid.stats().since(before);
            out.printf(Locale.ROOT, "   %,d operations, %,.0f ops/s; per node:%n", ops, ops / (double) sceneLength.toSeconds());
            for (NodeStats node : during.nodes()) {
                out.printf(Locale.ROOT, "   %-7s %s %5.1f%%%n", node.nodeName(), bar(node.operationsTotal(), during.operationsTotal()),
                        100.0 * node.operationsTotal() / Math.max(1, during.operationsTotal()));
            }
            out.printf(Locale.ROOT, "   load skew %.3f (max over mean): %s%n", during.skew(), during.skewBand());

            heading("Done");
            out.println("   JMX: jconsole shows dev.slotgrid:type=Grid and type=Node while a grid runs.");
        }
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

    /** Two threads of 95/5 get/put through different entry nodes, with a live progress line. */
    private long workload(SlotGrid grid, GridMap<String, String> anyEntry) throws InterruptedException {
        LongAdder ops = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            GridMap<String, String> map = grid.nodes().get(t % grid.nodes().size()).map(anyEntry.name());
            SplittableRandom random = new SplittableRandom(t);
            Thread thread = new Thread(() -> {
                while (!stop.get()) {
                    for (int i = 0; i < 1000; i++) {
                        String key = "user:" + random.nextInt(KEYS);
                        if (random.nextInt(100) < 95) {
                            map.get(key);
                        } else {
                            map.put(key, "updated");
                        }
                    }
                    ops.add(1000);
                }
            }, "demo-worker-" + t);
            threads.add(thread);
            thread.start();
        }
        long end = System.nanoTime() + sceneLength.toNanos();
        GridStats last = grid.stats();
        long lastOps = 0;
        while (System.nanoTime() < end) {
            TimeUnit.MILLISECONDS.sleep(Math.min(1000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
            GridStats now = grid.stats();
            GridStats interval = now.since(last);
            long total = ops.sum();
            progress(String.format(Locale.ROOT, "%,10.0f ops/s   skew %.2f %-8s  remaining %2d s", (double) (total - lastOps),
                    interval.skew(), interval.skewBand(), Math.max(0, (end - System.nanoTime() + 999_999_999L) / 1_000_000_000L)));
            last = now;
            lastOps = total;
        }
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        endProgress();
        return ops.sum();
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
