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

    private ReportMarkdown() {
    }

    /** The headline figures, label to text, in reading order. */
    static Map<String, String> keyFigures(SoakResult r) {
        Map<String, String> f = new LinkedHashMap<>();
        SoakConfig c = r.config();
        f.put("Load", String.format(Locale.ROOT, "%s on %d nodes, %d threads, %,d keys × 2 maps, values of %d chars, "
                + "mix %d/%d/%d read/write/merge, Zipf θ %.2f", humanDuration(r.loadSeconds()), c.nodes(), c.threads(),
                c.keys(), c.valueSize(), c.readPercent(), c.writePercent(), c.mergePercent(), c.zipfTheta()));
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
            f.put("Secondary indexes", String.format(Locale.ROOT, "a LOCAL and a GLOBAL index on kv (%d values): "
                    + "%,d queries while running (%,d entries checked); at the end %,d index entries compared with the "
                    + "model, %d index values wrong", IndexCheck.BUCKETS, fc.get("indexQueriesWhileRunning"),
                    fc.get("indexEntriesCheckedWhileRunning"), fc.get("indexKeysComparedAtEnd"),
                    fc.get("indexValuesWrongAtEnd")));
        }
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
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%s of load on %d nodes (%d joins and %d leaves "
                + "while it ran): %,d operations at %,.0f ops/s, p99 %s. ", humanDuration(r.loadSeconds()),
                r.config().nodes(), joins, leaves, r.totalOps(), r.meanOpsPerSecond(), ReportCharts.micros(r.latency().p99())));
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
        }
        return t.toString();
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
        long writes = r.totalOps() - reads - merges;
        Map<String, Long> fc = r.finalCheck();
        return String.format(Locale.ROOT, "%,d reads, %,d writes' previous values and %,d merge results checked as "
                + "they returned; %,d keys re-read in bulk while running; %,d keys checked at the end", reads, writes,
                merges, fc.get("keysAuditedWhileRunning"), fc.get("kvKeysChecked") + fc.get("countersChecked"));
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
        md.append("\n## Hot-key actions\n\nNone: the soak does not switch hot-key handling on yet (issue 6).\n");
        List<String> notes = ReportCharts.noteLines(r);
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        md.append("\n## Charts\n\n");
        for (String chart : List.of("throughput", "latency", "nodes", "skew", "migrations", "cutover")) {
            md.append("![").append(chart).append("](").append(chart).append(".svg)\n\n");
        }
        return md.toString();
    }

    private static String cell(String text) {
        String flat = text.replace("|", "\\|").replace("\n", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }
}
