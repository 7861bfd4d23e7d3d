package dev.slotgrid.soak;

import dev.slotgrid.soak.Sample.LatencyPoint;
import dev.slotgrid.soak.ViolationLog.Example;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The Markdown summary of a run, and the key figures shared with the HTML page (one wording for
 * both).
 */
final class ReportMarkdown {

    /** Hot-key actions listed at most (the celebrity's first when there are more). */
    static final int MAX_ACTION_ROWS = 60;

    private ReportMarkdown() {
    }

    /** The headline figures, label to text, in reading order. */
    static Map<String, String> keyFigures(SoakResult r) {
        Map<String, String> f = new LinkedHashMap<>();
        SoakConfig c = r.config();
        f.put("Load", String.format(Locale.ROOT, "%s on %d nodes%s, %d threads, %,d keys × 2 maps, values of %d chars, "
                + "mix %d/%d/%d read/write/merge, Zipf θ %.2f", humanDuration(r.loadSeconds()), c.nodes(),
                c.jvms() > 0 ? " (each in its own JVM, on loopback; the load enters through this JVM's member)" : "",
                c.threads(), c.keys(), c.valueSize(), c.readPercent(), c.writePercent(), c.mergePercent(), c.zipfTheta()));
        f.put("Operations", String.format(Locale.ROOT, "%,d (%,.0f ops/s mean)", r.totalOps(), r.meanOpsPerSecond()));
        f.put("Latency, all operations", latency(r.latency()));
        r.latencyByKind().forEach((kind, point) -> f.put("Latency, " + kind, latency(point)));
        Map<String, Object> skew = ReportWriter.skewSummary(r);
        @SuppressWarnings("unchecked")
        Map<String, Object> bands = (Map<String, Object>) skew.get("secondsInBand");
        f.put("Skew per interval", String.format(Locale.ROOT, "mean %.2f, worst %.2f (%s); seconds healthy %.0f, "
                + "warning %.0f, critical %.0f", (Double) skew.get("mean"), (Double) skew.get("maxInterval"),
                skew.get("worstBand"), (Double) bands.get("HEALTHY"), (Double) bands.get("WARNING"),
                (Double) bands.get("CRITICAL")));
        SoakResult.SpikeInfo s = r.spike();
        f.put("Celebrity spike", s.toSeconds() <= s.fromSeconds() ? "none" : String.format(Locale.ROOT,
                "%s (popularity rank %d, slot %d): share %.2f%% → %.1f%% (×%.0f) from %s to %s", s.key(), s.rank(),
                s.slot(), 100 * s.normalShare(), 100 * s.spikeShare(), s.multiple(), ProgressLine.clock(s.fromSeconds()),
                ProgressLine.clock(s.toSeconds())));
        f.put("Membership changes and migrations", r.changesByOutcome().isEmpty() ? "none"
                : r.changesByOutcome().toString().replaceAll("[{}]", ""));
        Map<String, Long> m = r.finalCheck();
        f.put("Live slot migration", String.format(Locale.ROOT, "%,d slots moved (joins, leaves and %.1f requested/s), "
                + "%,d cancelled, %,d failed, %,d entries shipped; cutover window p50 %s, p99 %s, max %s",
                m.get("migrationsDone"), r.config().migrationsPerSecond(), m.get("migrationsCancelled"),
                m.get("migrationsFailed"), m.get("migrationEntriesMoved"), ReportCharts.micros(m.get("cutoverP50Micros")),
                ReportCharts.micros(m.get("cutoverP99Micros")), ReportCharts.micros(m.get("cutoverMaxMicros"))));
        Map<String, Long> fc = r.finalCheck();
        f.put("Final check", String.format(Locale.ROOT, "%,d kv keys (%,d wrong), %,d counters (%,d wrong), "
                + "%,d increments; %,d keys audited in bulk while running; %d slots served by %d nodes at epoch %d",
                fc.get("kvKeysChecked"), fc.get("kvKeysWrong"), fc.get("countersChecked"), fc.get("countersWrong"),
                fc.get("incrementsAcknowledged"), fc.get("keysAuditedWhileRunning"), fc.get("slotsServed"),
                fc.get("nodes"), fc.get("epoch")));
        f.put("Checks", checks(r));
        if (fc.containsKey("indexKeysComparedAtEnd")) {
            f.put("Secondary indexes", indexSentence(r));
        }
        f.put("Hot keys", hotKeySentence(r));
        f.put("Failed operations", r.failuresByCause().isEmpty() ? "none" : r.failuresByCause().toString());
        f.put("Machine", r.environment().get("cores") + " cores, " + r.environment().get("java") + ", heap "
                + r.environment().get("maxHeapMiB") + " MiB, commit " + r.environment().get("commit"));
        return f;
    }

    /** @return the run in three sentences, for a reader who looks at nothing else */
    static String narrative(SoakResult r) {
        Map<String, Long> fc = r.finalCheck();
        long joins = r.changes().stream().filter(e -> e.action().equals("join") && e.allowed()).count();
        long leaves = r.changes().stream().filter(e -> e.action().equals("leave") && e.allowed()).count();
        List<MigrationDriver.Event> kills = r.changes().stream().filter(e -> e.action().equals("kill")).toList();
        String killed = kills.isEmpty() ? "" : String.format(Locale.ROOT, ", %d members killed with kill -9 and replaced, "
                + "every copy made again %s after a kill at the longest", kills.stream().filter(MigrationDriver.Event::allowed)
                .count(), humanDuration(kills.stream().mapToDouble(MigrationDriver.Event::millis).max().orElse(0) / 1000));
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%s of load on %d nodes (%d joins and %d leaves%s "
                + "while it ran): %,d operations at %,.0f ops/s, p99 %s. ", humanDuration(r.loadSeconds()),
                r.config().nodes(), joins, leaves, killed, r.totalOps(), r.meanOpsPerSecond(),
                ReportCharts.micros(r.latency().p99())));
        t.append("Every answer was checked against the client's model as it came, and every key at the end: ");
        if (r.passed()) {
            t.append("no invariant broke. ");
        } else {
            t.append(r.totalViolations()).append(" violations (");
            StringBuilder which = new StringBuilder();
            r.violations().forEach((invariant, n) -> {
                if (n > 0) {
                    which.append(which.length() == 0 ? "" : ", ").append(invariant).append(' ').append(n);
                }
            });
            t.append(which).append("). ");
        }
        t.append(String.format(Locale.ROOT, "%,d slots migrated live (%,d cancelled on purpose); writers of a moving "
                + "slot were held back at most %s (p99 %s).", fc.get("migrationsDone"), fc.get("migrationsCancelled"),
                ReportCharts.micros(fc.get("cutoverMaxMicros")), ReportCharts.micros(fc.get("cutoverP99Micros"))));
        SoakResult.SpikeInfo spike = r.spike();
        if (spike.toSeconds() > spike.fromSeconds()) {
            double inside = 1;
            double outside = 1;
            for (Sample sample : r.samples()) {
                if (sample.spikeActive()) {
                    inside = Math.max(inside, sample.skew());
                } else {
                    outside = Math.max(outside, sample.skew());
                }
            }
            t.append(String.format(Locale.ROOT, " During the celebrity spike (%s to %s: %s at ×%.0f, %.0f%% of all "
                    + "operations) the load skew peaked at %.2f (%s); outside it, at %.2f (%s).",
                    ProgressLine.clock(spike.fromSeconds()), ProgressLine.clock(spike.toSeconds()), spike.key(),
                    spike.multiple(), 100 * spike.spikeShare(), inside, dev.slotgrid.SkewBand.of(inside), outside,
                    dev.slotgrid.SkewBand.of(outside)));
            HotKeyWatch.SkewWindows w = r.hotKeys().skew();
            if (r.hotKeys().enabled() && w != null && !Double.isNaN(w.skewAfter())) {
                t.append(String.format(Locale.ROOT, " The grid acted on the celebrity %.1f s into the spike (%s): the "
                        + "spike's skew was %.2f before and %.2f after; %s.",
                        w.firstActionSeconds() - w.spikeFromSeconds(), r.hotKeys().celebrityActions().stream()
                                .filter(a -> !a.type().equals("DETECTED") && a.atSeconds() <= w.spikeToSeconds())
                                .map(ReportMarkdown::actionWords).distinct().reduce((a, b) -> a + ", " + b).orElse(""),
                        w.skewBefore(), w.skewAfter(), r.violations().get(Invariant.COUNTER_MISMATCH) == 0
                                ? "every counter, salted or not, stayed exact" : "COUNTER_MISMATCH broke"));
            }
        }
        return t.toString();
    }

    /** @return what the grid did about the celebrity, and the spike's skew before and after, in one sentence */
    /** @return what the indexes did: queries, the final comparison, the GLOBAL index's largest lag */
    static String indexSentence(SoakResult r) {
        Map<String, Long> fc = r.finalCheck();
        long maxPending = 0;
        double maxAgeMillis = 0;
        long writerWaits = 0;
        for (Sample sample : r.samples()) {
            maxPending = Math.max(maxPending, sample.globalIndex().pending());
            maxAgeMillis = Math.max(maxAgeMillis, sample.globalIndex().oldestPendingMillis());
            writerWaits += sample.globalIndex().writerWaits();
        }
        return String.format(Locale.ROOT, "a LOCAL and a GLOBAL index on kv (%d values): %,d queries while running "
                + "(%,d entries checked); at the end %,d index entries compared with the model, %d index values wrong; "
                + "GLOBAL index lag at most %,d updates pending, the oldest %,.0f ms old; %,d writes waited for outbox room",
                IndexCheck.BUCKETS, fc.get("indexQueriesWhileRunning"), fc.get("indexEntriesCheckedWhileRunning"),
                fc.get("indexKeysComparedAtEnd"), fc.get("indexValuesWrongAtEnd"), maxPending, maxAgeMillis, writerWaits);
    }

    static String hotKeySentence(SoakResult r) {
        HotKeyResult h = r.hotKeys();
        if (!h.enabled()) {
            return "hot-key handling off (--hot-keys=off): detection only, no action";
        }
        StringBuilder t = new StringBuilder();
        List<HotKeyWatch.Action> celebrity = h.celebrityActions().stream().filter(a -> !a.type().equals("DETECTED"))
                .toList();
        if (celebrity.isEmpty()) {
            t.append("no action on the celebrity ").append(r.spike().key());
        } else {
            t.append(r.spike().key()).append(": ");
            for (int i = 0; i < celebrity.size(); i++) {
                HotKeyWatch.Action a = celebrity.get(i);
                t.append(i == 0 ? "" : ", ").append(actionWords(a)).append(" at ").append(ProgressLine.clock(a.atSeconds()));
            }
        }
        HotKeyWatch.SkewWindows w = h.skew();
        if (w != null) {
            t.append(String.format(Locale.ROOT, "; skew before the spike %.2f, in the spike %.2f before the action",
                    h.skewBeforeSpike(), w.skewBefore()));
            if (!Double.isNaN(w.skewAfter())) {
                t.append(String.format(Locale.ROOT, " and %.2f after it", w.skewAfter()));
            }
        }
        t.append(String.format(Locale.ROOT, "; %,d actions in all (%s)", h.actionsTotal(),
                h.actionsByType().toString().replaceAll("[{}]", "")));
        return t.toString();
    }

    /** @return an action in words: "counters salted (0 -> 3 parts)" */
    static String actionWords(HotKeyWatch.Action a) {
        String what = switch (a.type()) {
            case "SALTED" -> "salted";
            case "UNSALTED" -> "unsalted";
            case "NEAR_CACHE_ON" -> "near-cached";
            case "NEAR_CACHE_OFF" -> "near cache off";
            default -> a.type().toLowerCase(Locale.ROOT);
        };
        String parts = a.detail().replaceAll(".*?(\\d+ -> \\d+ parts).*", "$1");
        return a.map() + " " + what + (a.type().endsWith("SALTED") && !parts.equals(a.detail()) ? " (" + parts + ")" : "");
    }

    /** @return the hot-key figures, label to text, in reading order */
    static Map<String, String> hotKeyFigures(SoakResult r) {
        HotKeyResult h = r.hotKeys();
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Policy", h.policy());
        HotKeyWatch.SkewWindows w = h.skew();
        if (w != null) {
            f.put("Skew before the spike", String.format(Locale.ROOT, "%.2f (median of the %d s before it)",
                    h.skewBeforeSpike(), HotKeyResult.BASELINE_SECONDS));
            f.put("Skew in the spike, before the grid acted", String.format(Locale.ROOT, "%.2f from %s to %s; busiest "
                    + "node %.0f%% of all operations", w.skewBefore(), ProgressLine.clock(w.spikeFromSeconds()),
                    ProgressLine.clock(Double.isNaN(w.firstActionSeconds()) ? w.spikeToSeconds() : w.firstActionSeconds()),
                    100 * w.busiestShareBefore()));
            f.put("Skew in the spike, after the grid acted", Double.isNaN(w.skewAfter()) ? "no action, or none long "
                    + "enough before the spike ended" : String.format(Locale.ROOT, "%.2f from %s to %s (%d ms after the "
                    + "last action); busiest node %.0f%% of all operations", w.skewAfter(),
                    ProgressLine.clock(w.afterFromSeconds()), ProgressLine.clock(w.spikeToSeconds()),
                    HotKeyWatch.SETTLE_MILLIS, 100 * w.busiestShareAfter()));
        }
        f.put("Actions", String.format(Locale.ROOT, "%,d (%s)%s", h.actionsTotal(),
                h.actionsByType().isEmpty() ? "none" : h.actionsByType().toString().replaceAll("[{}]", ""),
                h.actionsMayBeMissing() ? "; some may be missing" : ""));
        f.put("Near cache", String.format(Locale.ROOT, "%,d hits, %,d misses; at most %d keys near-cached at once; "
                + "%,d coalesced reads", h.nearCacheHits(), h.nearCacheMisses(), h.maxNearCachedKeys(), h.coalescedReads()));
        f.put("Stale reads allowed on near-cached keys", h.enabled() ? String.format(Locale.ROOT, "%,d within the %d ms "
                + "TTL, %,d whose age the model could not bound", h.staleReadsWithinTtl(), h.nearCacheTtlMillis(),
                h.staleReadsUnverifiable()) : "none (no near cache)");
        Map<String, Long> ops = h.celebrityCounterOps();
        f.put("The celebrity's counter", String.format(Locale.ROOT, "%,d reads and %,d merge results checked as they "
                + "returned, %,d increments with add; at most %d keys salted at once; %d counters still salted after "
                + "the load read exactly through every entry node", ops.get("read"), ops.get("merge"), ops.get("add"),
                h.maxSaltedKeys(), h.saltedCheckedAtQuiescence()));
        f.put("Back to normal after the load", !h.enabled() ? "-" : Double.isNaN(h.secondsToNormal()) ? "NOT reached"
                : String.format(Locale.ROOT, "after %.1f s (the policy's cooldown is %d s)", h.secondsToNormal(),
                        SoakRun.HOT_KEY_POLICY.cooldown().toSeconds()));
        return f;
    }

    /** @return rows (at, action, map, key, detail) of the actions to show: the celebrity's, and up to {@code max} in all */
    static List<String[]> actionRows(SoakResult r, int max) {
        List<HotKeyWatch.Action> all = r.hotKeys().actions();
        List<HotKeyWatch.Action> shown = all.size() <= max ? all : all.stream().filter(HotKeyWatch.Action::celebrity)
                .limit(max).toList();
        List<String[]> rows = new ArrayList<>();
        for (HotKeyWatch.Action a : shown) {
            rows.add(new String[] {ProgressLine.clock(a.atSeconds()) + String.format(Locale.ROOT, " (%.2f s)",
                    a.atSeconds()), a.type() + (a.automatic() ? "" : " (requested)"), a.map(), a.key(), a.detail()});
        }
        return rows;
    }

    static String humanDuration(double seconds) {
        if (seconds < 120) {
            return String.format(Locale.ROOT, "%.0f s", seconds);
        }
        long s = Math.round(seconds);
        return s % 60 == 0 ? s / 60 + " min" : String.format(Locale.ROOT, "%d min %d s", s / 60, s % 60);
    }

    /** @return how many answers were checked against the model, and when */
    static String checks(SoakResult r) {
        Map<String, Long> ops = r.opsByType();
        long reads = ops.get("get") + ops.get("get_counter");
        long merges = ops.get("merge");
        long adds = ops.get("add");
        long writes = r.totalOps() - reads - merges - adds;
        Map<String, Long> fc = r.finalCheck();
        return String.format(Locale.ROOT, "%,d reads, %,d writes' previous values and %,d merge results checked as "
                + "they returned (%,d increments with add, which return nothing, checked by the reads); %,d keys "
                + "re-read in bulk while running; %,d keys checked at the end", reads, writes, merges, adds,
                fc.get("keysAuditedWhileRunning"), fc.get("kvKeysChecked") + fc.get("countersChecked"));
    }

    static String latency(LatencyPoint p) {
        return String.format(Locale.ROOT, "p50 %s · p99 %s · p99.9 %s · max %s (%,d ops)",
                ReportCharts.micros(p.p50()), ReportCharts.micros(p.p99()), ReportCharts.micros(p.p999()),
                ReportCharts.micros(p.max()), p.count());
    }

    /** @return one row per invariant: name, statement, violations, first example */
    static List<String[]> invariantRows(SoakResult r) {
        List<String[]> rows = new ArrayList<>();
        for (Invariant invariant : Invariant.values()) {
            List<Example> examples = r.examples().getOrDefault(invariant, List.of());
            rows.add(new String[] {invariant.name(), invariant.statement(), String.valueOf(r.violations().get(invariant)),
                examples.isEmpty() ? "" : String.format(Locale.ROOT, "at %.1fs: %s", examples.get(0).atSeconds(),
                        examples.get(0).detail())});
        }
        return rows;
    }

    static String render(SoakResult r) {
        StringBuilder md = new StringBuilder();
        md.append("# SlotGrid soak run: ").append(r.passed() ? "PASS" : "FAIL").append("\n\n");
        md.append("Seed ").append(r.config().seed()).append(", started ")
                .append(r.startedAt().replaceAll("\\.\\d+", "")).append(".\n\n");
        md.append(narrative(r)).append("\n\n");
        md.append("Repeat: `./soak ").append(String.join(" ", r.config().toArgs())).append("`\n\n");
        md.append("| figure | value |\n|---|---|\n");
        keyFigures(r).forEach((label, value) -> md.append("| ").append(label).append(" | ").append(cell(value))
                .append(" |\n"));
        md.append("\n## Invariants\n\n| invariant | holds when | violations | first example |\n|---|---|---|---|\n");
        for (String[] row : invariantRows(r)) {
            md.append("| ").append(row[0]).append(" | ").append(row[1]).append(" | ").append(row[2]).append(" | ")
                    .append(cell(row[3])).append(" |\n");
        }
        md.append("\n## Hot keys\n\n").append(hotKeySentence(r)).append(".\n\n| figure | value |\n|---|---|\n");
        hotKeyFigures(r).forEach((label, value) -> md.append("| ").append(label).append(" | ").append(cell(value))
                .append(" |\n"));
        List<String[]> actions = actionRows(r, MAX_ACTION_ROWS);
        if (!actions.isEmpty()) {
            md.append("\n| at | action | map | key | detail |\n|---|---|---|---|---|\n");
            for (String[] row : actions) {
                md.append("| ").append(String.join(" | ", java.util.Arrays.stream(row).map(ReportMarkdown::cell)
                        .toList())).append(" |\n");
            }
        }
        r.hotKeys().notes().forEach(n -> md.append("\n- ").append(n));
        md.append('\n');
        List<String> notes = ReportCharts.noteLines(r);
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append("\n## Charts\n\n");
        for (String chart : List.of("throughput", "latency", "nodes", "skew", "migrations", "cutover", "hotkeys",
                "nearcache")) {
            md.append("![").append(chart).append("](").append(chart).append(".svg)\n\n");
        }
        return md.toString();
    }

    private static String cell(String text) {
        String flat = text.replace("|", "\\|").replace("\n", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
