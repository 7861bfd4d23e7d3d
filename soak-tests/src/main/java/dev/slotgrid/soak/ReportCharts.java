package dev.slotgrid.soak;

import dev.slotgrid.SkewBand;
import dev.slotgrid.soak.MigrationDriver.Event;
import dev.slotgrid.soak.MigrationDriver.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The report's charts, built from a {@link SoakResult}: throughput, latency percentiles, load per
 * node, skew with its health bands, and membership changes with migrations and cutover windows.
 * Each chart shades the celebrity spike and marks joins and leaves, so cause and effect line up.
 */
final class ReportCharts {

    static final String BLUE = "#1f77b4";
    static final String GREEN = "#2e7d32";
    static final String AMBER = "#e69500";
    static final String RED = "#c62828";
    static final String GREY = "#8a8a8a";
    static final String SPIKE = "#d35400";
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
        "#17becf", "#bcbd22", "#7f7f7f", "#d62728"};

    private final SoakResult result;
    private final double[] x;
    private final double xMax;

    ReportCharts(SoakResult result) {
        this.result = result;
        this.x = series(s -> s.atSeconds());
        this.xMax = Math.max(result.config().duration().toMillis() / 1e3, x.length == 0 ? 1 : x[x.length - 1]);
    }

    /** @return chart file name (without {@code .svg}) to SVG text, in report order */
    Map<String, String> all() {
        Map<String, String> charts = new LinkedHashMap<>();
        charts.put("throughput", throughput());
        charts.put("latency", latency());
        charts.put("nodes", nodes());
        charts.put("skew", skew());
        charts.put("migrations", migrations());
        charts.put("cutover", cutover());
        charts.put("hotkeys", hotKeys());
        charts.put("nearcache", nearCache());
        charts.put("indexlag", indexLag());
        return charts;
    }

    String throughput() {
        return decorate(new SvgChart("Operations per second", xMax, ReportCharts::count))
                .line("ops/s", BLUE, x, series(Sample::opsPerSecond)).render();
    }

    String latency() {
        return decorate(new SvgChart("Latency per interval, all operations (log scale)", xMax, ReportCharts::micros).logY())
                .line("p50", GREEN, x, series(s -> s.latency().p50()))
                .line("p99", AMBER, x, series(s -> s.latency().p99()))
                .line("p99.9", RED, x, series(s -> s.latency().p999()))
                .render();
    }

    String nodes() {
        SvgChart chart = decorate(new SvgChart("Operations per second executed by each node (as owner)", xMax,
                ReportCharts::count));
        Set<String> names = new LinkedHashSet<>();
        for (Sample sample : result.samples()) {
            names.addAll(sample.opsByNode().keySet());
        }
        int i = 0;
        for (String name : names) {
            chart.line(name, PALETTE[i++ % PALETTE.length], x, series(s -> {
                Long ops = s.opsByNode().get(name);
                return ops == null || s.seconds() <= 0 ? Double.NaN : ops / s.seconds();
            }));
        }
        return hotKeyMarkers(chart).render();
    }

    String skew() {
        double max = 1;
        for (Sample sample : result.samples()) {
            max = Math.max(max, sample.skew());
        }
        double top = Math.max(2.5, SvgChart.niceCeiling(max * 1.05));
        return hotKeyMarkers(decorate(new SvgChart("Load skew: busiest node's operations / mean per node, per interval",
                xMax, v -> String.format(Locale.ROOT, "%.1f×", v))))
                .yRange(1.0, top)
                .band(1.0, SkewBand.WARNING_AT, "healthy < 1.3", GREEN)
                .band(SkewBand.WARNING_AT, SkewBand.CRITICAL_ABOVE, "warning 1.3 – 2.0", AMBER)
                .band(SkewBand.CRITICAL_ABOVE, top, "critical > 2.0", RED)
                .line("skew", "#222", x, series(Sample::skew))
                .render();
    }

    String migrations() {
        double width = x.length > 1 ? x[1] - x[0] : 1;
        SvgChart chart = decorate(new SvgChart("Slot migrations, redirects and cutover retries per interval (log scale)",
                xMax, ReportCharts::count).logY().yRange(0.5, Double.NaN).whenEmpty("no slot moved in this run"));
        chart.bars("slots migrated", BLUE, x, series(s -> s.migration().slotsDone()), width);
        chart.bars("changes refused or failed", RED, x, series(s -> s.changesByOutcome().entrySet().stream()
                .filter(e -> !e.getKey().endsWith("/DONE") && !e.getKey().endsWith("/CANCELLED"))
                .mapToLong(Map.Entry::getValue).sum()), width);
        chart.line("slots left (running + queued)", AMBER, x, series(s -> s.migration().slotsLeft()));
        chart.line("redirects followed", "#6a3d9a", x, series(Sample::redirects));
        chart.line("writes retried in a cutover", GREY, x, series(Sample::tryAgainRetries));
        return chart.render();
    }

    String cutover() {
        String note = result.liveMigration() ? "no slot reached its cutover in this run"
                : "no cutover windows: live slot migration is not in this build";
        return decorate(new SvgChart("Cutover window (writers of the slot retry): percentiles since the start", xMax,
                ReportCharts::micros).logY().whenEmpty(note))
                .line("p50", GREEN, x, series(s -> s.migration().cutoverP50Micros()))
                .line("p99", AMBER, x, series(s -> s.migration().cutoverP99Micros()))
                .line("max", RED, x, series(s -> s.migration().cutoverMaxMicros()))
                .render();
    }

    /**
     * The celebrity's share of its busiest node's operations, as the grid's detector estimates it,
     * against the policy's threshold, with the hot-key actions marked.
     */
    String hotKeys() {
        SoakResult.SpikeInfo spike = result.spike();
        SvgChart chart = hotKeyMarkers(decorate(new SvgChart("The celebrity " + spike.key()
                + ": its share of its busiest node's operations (detector estimate)", xMax,
                v -> String.format(Locale.ROOT, "%.0f%%", v))).whenEmpty("the celebrity was never among a node's "
                + "hottest keys"));
        if (result.hotKeys().enabled()) {
            double threshold = 100 * SoakRun.HOT_KEY_POLICY.shareThreshold();
            chart.band(0, threshold, String.format(Locale.ROOT, "below the policy's %.0f%% threshold", threshold), GREEN);
        }
        return chart.line("kv (reads and owner writes)", BLUE, x, series(s -> 100 * s.hotKeys().celebrityKvShare()))
                .line("counters (increments and reads)", AMBER, x, series(s -> 100 * s.hotKeys().celebrityCounterShare()))
                .render();
    }

    /** Near-cache hits and misses, and coalesced reads, per second. */
    String nearCache() {
        String note = result.hotKeys().enabled() ? "no near-cache hit and no coalesced read in this run"
                : "hot-key handling is off in this run (--hot-keys=off)";
        return hotKeyMarkers(decorate(new SvgChart("Near-cache hits and misses, and coalesced reads, per second "
                + "(log scale)", xMax, ReportCharts::count).logY().whenEmpty(note)))
                .line("near-cache hits", GREEN, x, perSecond(s -> s.hotKeys().nearCacheHits()))
                .line("near-cache misses (read at the owner)", RED, x, perSecond(s -> s.hotKeys().nearCacheMisses()))
                .line("coalesced reads", "#6a3d9a", x, perSecond(s -> s.hotKeys().coalescedReads()))
                .render();
    }

    /** The GLOBAL index's lag: updates waiting in the outboxes and the age of the oldest. */
    String indexLag() {
        String note = result.config().indexes() ? "no GLOBAL index update was pending at any sample"
                : "no index in this run (--indexes=off)";
        return decorate(new SvgChart("GLOBAL index lag: updates pending in the outboxes, and the oldest one's age "
                + "(log scale)", xMax, ReportCharts::count).logY().whenEmpty(note))
                .line("updates pending", BLUE, x, series(s -> s.globalIndex().pending()))
                .line("oldest pending, ms", RED, x, series(s -> s.globalIndex().oldestPendingMillis()))
                .line("writes that waited for room", AMBER, x, series(s -> s.globalIndex().writerWaits()))
                .render();
    }

    /** Most markers drawn for hot-key actions: beyond that, only the celebrity's. */
    static final int MAX_ACTION_MARKERS = 24;

    /** Colors of the hot-key actions' markers. */
    static String actionColor(String type) {
        return switch (type) {
            case "SALTED" -> "#6a1b9a";
            case "UNSALTED" -> "#ce93d8";
            case "NEAR_CACHE_ON" -> "#00897b";
            case "NEAR_CACHE_OFF" -> "#80cbc4";
            default -> GREY;
        };
    }

    /** Marks the hot-key actions (not DETECTED, which comes with its action): the celebrity's, and others if few. */
    private SvgChart hotKeyMarkers(SvgChart chart) {
        List<HotKeyWatch.Action> acted = result.hotKeys().actions().stream()
                .filter(a -> !a.type().equals("DETECTED")).toList();
        boolean all = acted.size() <= MAX_ACTION_MARKERS;
        for (HotKeyWatch.Action action : acted) {
            if (all || action.celebrity()) {
                chart.dottedMarker(action.atSeconds(), actionColor(action.type()), action.type().toLowerCase(Locale.ROOT)
                        .replace('_', ' ') + (action.celebrity() ? "" : " (another key)"));
            }
        }
        return chart;
    }

    private double[] perSecond(ToDoubleFunction<Sample> count) {
        return series(s -> s.seconds() <= 0 ? Double.NaN : count.applyAsDouble(s) / s.seconds());
    }

    /** Shades the spike and marks joins and leaves. */
    private SvgChart decorate(SvgChart chart) {
        SoakResult.SpikeInfo spike = result.spike();
        if (spike.toSeconds() > spike.fromSeconds()) {
            chart.window(spike.fromSeconds(), spike.toSeconds(), String.format(Locale.ROOT, "celebrity spike ×%.0f",
                    spike.multiple()), SPIKE);
        }
        for (Event event : result.changes()) {
            if (event.action().startsWith("migrate")) {
                continue;
            }
            boolean done = event.outcome() == Outcome.DONE;
            String color = done ? (event.action().equals("join") ? GREEN : BLUE) : event.outcome() == Outcome.REFUSED
                    ? GREY : RED;
            chart.marker(event.atSeconds(), color, event.action() + " " + event.outcome().name().toLowerCase(Locale.ROOT)
                    .replace('_', ' '));
        }
        return chart;
    }

    private double[] series(ToDoubleFunction<Sample> value) {
        List<Sample> samples = result.samples();
        double[] out = new double[samples.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = value.applyAsDouble(samples.get(i));
        }
        return out;
    }

    static String count(double v) {
        if (v >= 1e6) {
            return trim(v / 1e6) + "M";
        }
        if (v >= 1e3) {
            return trim(v / 1e3) + "k";
        }
        return trim(v);
    }

    static String micros(double us) {
        if (us >= 1e6) {
            return trim(us / 1e6) + "s";
        }
        if (us >= 1e3) {
            return trim(us / 1e3) + "ms";
        }
        if (us < 1) {
            return trim(us * 1e3) + "ns";
        }
        return trim(us) + "µs";
    }

    private static String trim(double v) {
        String s = String.format(Locale.ROOT, "%.2f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** @return the spike's label for tables */
    static List<String> noteLines(SoakResult result) {
        List<String> notes = new ArrayList<>();
        if (!result.liveMigration()) {
            notes.add("Live slot migration is not in this build (issue 3): joins and leaves that would move slots "
                    + "holding data are refused by the grid, which seals those slots and unseals them again; the "
                    + "refusals are counted and allowed.");
        }
        return notes;
    }
}
