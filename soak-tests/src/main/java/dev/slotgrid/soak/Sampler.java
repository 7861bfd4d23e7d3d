package dev.slotgrid.soak;

import dev.slotgrid.GridStats;
import dev.slotgrid.HotKeyReport;
import dev.slotgrid.HotKeyStats;
import dev.slotgrid.IndexStats;
import dev.slotgrid.MigrationStats;
import dev.slotgrid.NodeStats;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.soak.MigrationDriver.Event;
import dev.slotgrid.soak.Sample.HotKeyPoint;
import dev.slotgrid.soak.Sample.IndexPoint;
import dev.slotgrid.soak.Sample.LatencyPoint;
import dev.slotgrid.soak.Sample.MigrationPoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * Turns the run's counters into one {@link Sample} per interval: latency from the recorders, load
 * per node from the grid's stats, changes from the churn log, hot-key figures (near cache,
 * coalescing, the celebrity's share) from the grid's hot-key stats.
 *
 * <p>Concurrency: confined to the sampling thread. Cost per sample: one {@link SlotGrid#stats()}
 * (a walk over every node's 16384 slots), negligible at one sample a second.
 */
final class Sampler {

    private final SlotGrid grid;
    private final FailureLog failures;
    private final LatencyRecorders latency;
    private final Supplier<List<Event>> events;
    private final ViolationLog violations;
    private final LongPredicate spikeActive;
    private final long runStartNanos;
    private final String celebrityKey;
    private final List<Sample> samples = new ArrayList<>();
    private HotKeyStats previousHotKeys;
    private IndexStats previousIndexes;
    private GridStats previousStats;
    private long previousNanos;
    private int eventsSeen;

    Sampler(SlotGrid grid, LatencyRecorders latency, Supplier<List<Event>> events, ViolationLog violations,
            LongPredicate spikeActive, long runStartNanos, String celebrityKey, FailureLog failures) {
        this.failures = failures;
        this.grid = grid;
        this.latency = latency;
        this.events = events;
        this.violations = violations;
        this.spikeActive = spikeActive;
        this.runStartNanos = runStartNanos;
        this.celebrityKey = celebrityKey;
        this.previousNanos = runStartNanos;
        this.previousStats = grid.stats();
        this.previousHotKeys = grid.hotKeyStats();
        this.previousIndexes = grid.indexStats();
        latency.takeInterval(); // drop anything recorded before the start (the preload)
    }

    /** Closes the current interval. */
    Sample take() {
        long now = System.nanoTime();
        Histogram[] byKind = latency.takeInterval();
        Histogram all = new Histogram(LatencyRecorders.HIGHEST_NANOS, LatencyRecorders.SIGNIFICANT_DIGITS);
        Map<String, LatencyPoint> latencyByKind = new LinkedHashMap<>();
        for (LatencyRecorders.Kind kind : LatencyRecorders.Kind.values()) {
            all.add(byKind[kind.ordinal()]);
            latencyByKind.put(kind.name().toLowerCase(java.util.Locale.ROOT), LatencyPoint.of(byKind[kind.ordinal()]));
        }
        GridStats stats = orPrevious("stats", grid::stats, previousStats);
        GridStats interval = stats.since(previousStats);
        Map<String, Long> opsByNode = new LinkedHashMap<>();
        long redirects = 0;
        long retries = 0;
        for (NodeStats node : interval.nodes()) {
            opsByNode.put(node.nodeName(), node.operationsTotal());
            redirects += node.redirectsFollowed();
            retries += node.tryAgainRetries();
        }
        List<Event> log = events.get();
        Map<String, Long> changes = new TreeMap<>();
        for (Event event : log.subList(Math.min(eventsSeen, log.size()), log.size())) {
            changes.merge(event.action() + "/" + event.outcome(), 1L, Long::sum);
        }
        eventsSeen = log.size();
        MigrationStats m = stats.migrations();
        MigrationStats before = previousStats.migrations();
        boolean anyCutover = m.cutovers() > 0;
        MigrationPoint migration = new MigrationPoint(m.slotsDone() - before.slotsDone(), m.slotsLeft(),
                m.entriesMoved() - before.entriesMoved(), m.cutovers() - before.cutovers(),
                anyCutover ? m.cutoverP50Nanos() / 1e3 : Double.NaN, anyCutover ? m.cutoverP99Nanos() / 1e3 : Double.NaN,
                anyCutover ? m.cutoverMaxNanos() / 1e3 : Double.NaN);
        Sample sample = new Sample((now - runStartNanos) / 1e9, (now - previousNanos) / 1e9, all.getTotalCount(),
                LatencyPoint.of(all), latencyByKind, opsByNode, interval.skew(), stats.epoch(),
                spikeActive.test(now), changes, migration, redirects, retries, violations.total(), stats.entries(),
                hotKeyPoint(), indexPoint());
        samples.add(sample);
        previousStats = stats;
        previousNanos = now;
        return sample;
    }

    private HotKeyPoint hotKeyPoint() {
        HotKeyStats now = orPrevious("hot-key stats", grid::hotKeyStats, previousHotKeys);
        double kvShare = Double.NaN;
        double counterShare = Double.NaN;
        for (HotKeyReport report : now.hotKeys()) {
            if (!celebrityKey.equals(String.valueOf(report.key()))) {
                continue;
            }
            if (report.mapName().equals("kv")) {
                kvShare = Double.isNaN(kvShare) ? report.share() : Math.max(kvShare, report.share());
            } else if (report.mapName().equals("counters")) {
                counterShare = Double.isNaN(counterShare) ? report.share() : Math.max(counterShare, report.share());
            }
        }
        HotKeyPoint point = new HotKeyPoint(now.nearCacheHits() - previousHotKeys.nearCacheHits(),
                now.nearCacheMisses() - previousHotKeys.nearCacheMisses(),
                now.coalescedReads() - previousHotKeys.coalescedReads(), now.saltedKeys(), now.nearCachedKeys(), kvShare,
                counterShare);
        previousHotKeys = now;
        return point;
    }

    private IndexPoint indexPoint() {
        IndexStats now = orPrevious("index stats", grid::indexStats, previousIndexes);
        IndexPoint point = new IndexPoint(now.pending(), now.oldestPendingAge().toNanos() / 1e6,
                now.applied() - previousIndexes.applied(), now.writerWaits() - previousIndexes.writerWaits());
        previousIndexes = now;
        return point;
    }

    /**
     * A grid-wide snapshot, or the previous one when a member's kill made it fail (a member killed
     * a moment ago cannot answer): that interval then shows no change of those counters.
     */
    private <T> T orPrevious(String what, Supplier<T> read, T previous) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            if (failures.excused(what, e)) {
                return previous;
            }
            throw e;
        }
    }

    /** @return every sample taken, in order */
    List<Sample> samples() {
        return List.copyOf(samples);
    }
}
