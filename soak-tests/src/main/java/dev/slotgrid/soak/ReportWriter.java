package dev.slotgrid.soak;

import dev.slotgrid.SkewBand;
import dev.slotgrid.soak.MigrationDriver.Event;
import dev.slotgrid.soak.Sample.LatencyPoint;
import dev.slotgrid.soak.ViolationLog.Example;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a run's report directory: {@code report.json} (every figure), {@code report.md} (the
 * summary), {@code report.html} (self-contained: inline SVG charts, inline styles, no script, no
 * network) and each chart as its own {@code .svg} for documents to embed.
 */
final class ReportWriter {

    private ReportWriter() {
    }

    /**
     * Writes the report of a run into a new directory under {@code parent}.
     *
     * @return the directory written
     * @throws UncheckedIOException if a file cannot be written
     */
    static Path write(SoakResult result, Path parent) {
        String stamp = result.startedAt().replace(":", "").replaceAll("\\.\\d+", "");
        Path dir = parent.resolve(stamp + "-seed" + result.config().seed());
        try {
            Files.createDirectories(dir);
            Map<String, String> charts = new ReportCharts(result).all();
            for (Map.Entry<String, String> chart : charts.entrySet()) {
                Files.writeString(dir.resolve(chart.getKey() + ".svg"), chart.getValue(), StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve("report.json"), Json.write(toJson(result)), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.md"), ReportMarkdown.render(result), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), ReportHtml.render(result, charts), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the soak report to " + dir, e);
        }
        return dir;
    }

    /** Every figure of the run as a JSON tree. */
    static Map<String, Object> toJson(SoakResult r) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("verdict", r.passed() ? "PASS" : "FAIL");
        root.put("seed", r.config().seed());
        root.put("startedAt", r.startedAt());
        root.put("repeat", "./soak " + String.join(" ", r.config().toArgs()));
        root.put("environment", r.environment());
        root.put("config", configJson(r.config()));
        root.put("liveMigration", r.liveMigration());
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("loadSeconds", r.loadSeconds());
        totals.put("operations", r.totalOps());
        totals.put("meanOpsPerSecond", r.meanOpsPerSecond());
        totals.put("opsByType", r.opsByType());
        totals.put("latencyMicros", latencyJson(r.latency()));
        Map<String, Object> byKind = new LinkedHashMap<>();
        r.latencyByKind().forEach((kind, point) -> byKind.put(kind, latencyJson(point)));
        totals.put("latencyMicrosByKind", byKind);
        totals.put("skew", skewSummary(r));
        root.put("totals", totals);
        root.put("spike", spikeJson(r.spike()));
        Map<String, Object> invariants = new LinkedHashMap<>();
        for (Invariant invariant : Invariant.values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("statement", invariant.statement());
            entry.put("violations", r.violations().get(invariant));
            List<Object> examples = new ArrayList<>();
            for (Example example : r.examples().getOrDefault(invariant, List.of())) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("atSeconds", example.atSeconds());
                e.put("detail", example.detail());
                examples.add(e);
            }
            entry.put("examples", examples);
            invariants.put(invariant.name(), entry);
        }
        root.put("invariants", invariants);
        Map<String, Object> failures = new LinkedHashMap<>();
        r.failuresByCause().forEach((cause, n) -> {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("count", n);
            f.put("firstMessage", r.failureMessages().getOrDefault(cause, ""));
            failures.put(cause, f);
        });
        root.put("failedOperationsByCause", failures);
        root.put("finalCheck", r.finalCheck());
        root.put("changesByOutcome", r.changesByOutcome());
        List<Object> changes = new ArrayList<>();
        for (Event event : r.changes()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("atSeconds", event.atSeconds());
            e.put("action", event.action());
            e.put("target", event.target());
            e.put("outcome", event.outcome());
            e.put("millis", event.millis());
            e.put("detail", event.detail());
            changes.add(e);
        }
        root.put("changes", changes);
        root.put("hotKeys", hotKeysJson(r.hotKeys()));
        root.put("hotKeyActions", actionsJson(r.hotKeys().actions()));
        root.put("notes", ReportCharts.noteLines(r));
        root.put("timeline", timelineJson(r.samples()));
        return root;
    }

    /** The skew figures: worst interval, and seconds spent in each band. */
    static Map<String, Object> skewSummary(SoakResult r) {
        Map<SkewBand, Double> seconds = new EnumMap<>(SkewBand.class);
        for (SkewBand band : SkewBand.values()) {
            seconds.put(band, 0.0);
        }
        double max = 1;
        double sum = 0;
        double weight = 0;
        for (Sample s : r.samples()) {
            if (s.ops() == 0) {
                continue;
            }
            seconds.merge(SkewBand.of(s.skew()), s.seconds(), Double::sum);
            max = Math.max(max, s.skew());
            sum += s.skew() * s.seconds();
            weight += s.seconds();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("maxInterval", max);
        out.put("mean", weight == 0 ? 1.0 : sum / weight);
        out.put("worstBand", SkewBand.of(max));
        Map<String, Object> bands = new LinkedHashMap<>();
        seconds.forEach((band, s) -> bands.put(band.name(), s));
        out.put("secondsInBand", bands);
        return out;
    }

    private static Map<String, Object> hotKeysJson(HotKeyResult h) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("enabled", h.enabled());
        out.put("policy", h.policy());
        out.put("actionsTotal", h.actionsTotal());
        out.put("actionsByType", h.actionsByType());
        out.put("actionsMayBeMissing", h.actionsMayBeMissing());
        out.put("celebrityActions", actionsJson(h.celebrityActions()));
        Map<String, Object> skew = new LinkedHashMap<>();
        skew.put("beforeSpikeMedian", h.skewBeforeSpike());
        if (h.skew() != null) {
            HotKeyWatch.SkewWindows w = h.skew();
            skew.put("spikeFromSeconds", w.spikeFromSeconds());
            skew.put("firstActionSeconds", w.firstActionSeconds());
            skew.put("afterFromSeconds", w.afterFromSeconds());
            skew.put("spikeToSeconds", w.spikeToSeconds());
            skew.put("spikeBeforeAction", w.skewBefore());
            skew.put("spikeAfterAction", w.skewAfter());
            skew.put("busiestNodeShareBeforeAction", w.busiestShareBefore());
            skew.put("busiestNodeShareAfterAction", w.busiestShareAfter());
        }
        out.put("skew", skew);
        out.put("nearCacheHits", h.nearCacheHits());
        out.put("nearCacheMisses", h.nearCacheMisses());
        out.put("coalescedReads", h.coalescedReads());
        out.put("maxSaltedKeys", h.maxSaltedKeys());
        out.put("maxNearCachedKeys", h.maxNearCachedKeys());
        out.put("nearCacheTtlMillis", h.nearCacheTtlMillis());
        out.put("staleReadsAllowedWithinTtl", h.staleReadsWithinTtl());
        out.put("staleReadsAllowedUnverifiable", h.staleReadsUnverifiable());
        out.put("celebrityCounterOps", h.celebrityCounterOps());
        out.put("saltedCountersCheckedAfterLoad", h.saltedCheckedAtQuiescence());
        out.put("secondsToNormalAfterLoad", h.secondsToNormal());
        out.put("notes", h.notes());
        return out;
    }

    private static List<Object> actionsJson(List<HotKeyWatch.Action> actions) {
        List<Object> out = new ArrayList<>();
        for (HotKeyWatch.Action a : actions) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("atSeconds", a.atSeconds());
            e.put("type", a.type());
            e.put("map", a.map());
            e.put("key", a.key());
            e.put("detail", a.detail());
            e.put("automatic", a.automatic());
            e.put("celebrity", a.celebrity());
            out.add(e);
        }
        return out;
    }

    private static Map<String, Object> spikeJson(SoakResult.SpikeInfo s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", s.key());
        out.put("rank", s.rank());
        out.put("slot", s.slot());
        out.put("normalShare", s.normalShare());
        out.put("spikeShare", s.spikeShare());
        out.put("multiple", s.multiple());
        out.put("fromSeconds", s.fromSeconds());
        out.put("toSeconds", s.toSeconds());
        return out;
    }

    private static Map<String, Object> configJson(SoakConfig c) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String arg : c.toArgs()) {
            int eq = arg.indexOf('=');
            out.put(arg.substring(2, eq), arg.substring(eq + 1));
        }
        return out;
    }

    private static Map<String, Object> latencyJson(LatencyPoint p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", p.count());
        out.put("p50", p.p50());
        out.put("p99", p.p99());
        out.put("p999", p.p999());
        out.put("max", p.max());
        return out;
    }

    /** Column-wise series: one array per figure, indexed like {@code atSeconds}. */
    private static Map<String, Object> timelineJson(List<Sample> samples) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("atSeconds", samples.stream().map(Sample::atSeconds).toList());
        out.put("opsPerSecond", samples.stream().map(Sample::opsPerSecond).toList());
        out.put("p50Micros", samples.stream().map(s -> s.latency().p50()).toList());
        out.put("p99Micros", samples.stream().map(s -> s.latency().p99()).toList());
        out.put("p999Micros", samples.stream().map(s -> s.latency().p999()).toList());
        out.put("maxMicros", samples.stream().map(s -> s.latency().max()).toList());
        Map<String, Object> byKind = new LinkedHashMap<>();
        for (LatencyRecorders.Kind kind : LatencyRecorders.Kind.values()) {
            String name = kind.name().toLowerCase(java.util.Locale.ROOT);
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("count", samples.stream().map(s -> s.latencyByKind().get(name).count()).toList());
            k.put("p99Micros", samples.stream().map(s -> s.latencyByKind().get(name).p99()).toList());
            byKind.put(name, k);
        }
        out.put("byKind", byKind);
        out.put("skew", samples.stream().map(Sample::skew).toList());
        out.put("epoch", samples.stream().map(Sample::epoch).toList());
        out.put("spikeActive", samples.stream().map(s -> s.spikeActive() ? 1 : 0).toList());
        out.put("slotsMigrated", samples.stream().map(s -> s.migration().slotsDone()).toList());
        out.put("slotsLeft", samples.stream().map(s -> s.migration().slotsLeft()).toList());
        out.put("entriesMoved", samples.stream().map(s -> s.migration().entriesMoved()).toList());
        out.put("cutovers", samples.stream().map(s -> s.migration().cutovers()).toList());
        out.put("cutoverP50MicrosSinceStart", samples.stream().map(s -> s.migration().cutoverP50Micros()).toList());
        out.put("cutoverP99MicrosSinceStart", samples.stream().map(s -> s.migration().cutoverP99Micros()).toList());
        out.put("cutoverMaxMicrosSinceStart", samples.stream().map(s -> s.migration().cutoverMaxMicros()).toList());
        out.put("redirects", samples.stream().map(Sample::redirects).toList());
        out.put("tryAgainRetries", samples.stream().map(Sample::tryAgainRetries).toList());
        out.put("violationsSoFar", samples.stream().map(Sample::violationsSoFar).toList());
        out.put("entries", samples.stream().map(Sample::entries).toList());
        Map<String, Object> hot = new LinkedHashMap<>();
        hot.put("nearCacheHits", samples.stream().map(s -> s.hotKeys().nearCacheHits()).toList());
        hot.put("nearCacheMisses", samples.stream().map(s -> s.hotKeys().nearCacheMisses()).toList());
        hot.put("coalescedReads", samples.stream().map(s -> s.hotKeys().coalescedReads()).toList());
        hot.put("saltedKeys", samples.stream().map(s -> s.hotKeys().saltedKeys()).toList());
        hot.put("nearCachedKeys", samples.stream().map(s -> s.hotKeys().nearCachedKeys()).toList());
        hot.put("celebrityKvShare", samples.stream().map(s -> s.hotKeys().celebrityKvShare()).toList());
        hot.put("celebrityCounterShare", samples.stream().map(s -> s.hotKeys().celebrityCounterShare()).toList());
        out.put("hotKeys", hot);
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("pending", samples.stream().map(s -> s.globalIndex().pending()).toList());
        index.put("oldestPendingMillis", samples.stream().map(s -> s.globalIndex().oldestPendingMillis()).toList());
        index.put("applied", samples.stream().map(s -> s.globalIndex().applied()).toList());
        index.put("writerWaits", samples.stream().map(s -> s.globalIndex().writerWaits()).toList());
        out.put("globalIndex", index);
        List<Object> nodes = new ArrayList<>();
        for (Sample s : samples) {
            nodes.add(s.opsByNode());
        }
        out.put("opsByNode", nodes);
        List<Object> changes = new ArrayList<>();
        for (Sample s : samples) {
            changes.add(s.changesByOutcome());
        }
        out.put("changesByOutcome", changes);
        return out;
    }
}
