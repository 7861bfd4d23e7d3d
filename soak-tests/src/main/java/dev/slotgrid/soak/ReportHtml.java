package dev.slotgrid.soak;

import static dev.slotgrid.soak.SvgChart.escape;

import dev.slotgrid.SkewBand;
import dev.slotgrid.soak.MigrationDriver.Event;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The self-contained HTML page of a run: verdict and headline tiles first, then the charts with a
 * line each on how to read them, then invariants, failures, changes and the configuration. Inline
 * SVG and CSS only: no script, nothing fetched.
 */
final class ReportHtml {

    private static final String STYLE = """
            body{font-family:sans-serif;margin:24px auto;max-width:1140px;color:#222;line-height:1.4}
            h1{margin:0 0 4px 0;font-size:26px} h2{margin:28px 0 6px 0;font-size:19px;border-bottom:1px solid #ddd}
            .verdict{display:inline-block;padding:3px 14px;border-radius:6px;color:#fff;font-weight:bold;margin-left:10px}
            .pass{background:#2e7d32} .fail{background:#c62828}
            .sub{color:#555;margin:0 0 12px 0} .story{font-size:15px;max-width:1000px}
            .tiles{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}
            .tile{border:1px solid #ddd;border-radius:8px;padding:8px 14px;min-width:150px}
            .tile b{display:block;font-size:22px} .tile span{color:#666;font-size:12px}
            .tile.ok{border-color:#2e7d32} .tile.warn{border-color:#e69500;background:#fff8e6}
            .tile.bad{border-color:#c62828;background:#fdecea}
            .how{color:#555;font-size:13px;margin:2px 0 6px 0}
            table{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%}
            td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
            th{background:#f4f4f4} td.num{text-align:right;white-space:nowrap}
            tr.violated td{background:#fdecea} code{background:#f4f4f4;padding:1px 4px;word-break:break-all}
            svg{max-width:100%;height:auto}
            """;

    private ReportHtml() {
    }

    static String render(SoakResult r, Map<String, String> charts) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>SlotGrid soak ")
                .append(r.passed() ? "PASS" : "FAIL").append(" seed ").append(r.config().seed())
                .append("</title>\n<style>").append(STYLE).append("</style></head><body>\n");
        h.append("<h1>SlotGrid soak run<span class=\"verdict ").append(r.passed() ? "pass\">PASS" : "fail\">FAIL")
                .append("</span></h1>\n");
        h.append("<p class=\"sub\">seed <b>").append(r.config().seed()).append("</b> · started ")
                .append(escape(r.startedAt().replaceAll("\\.\\d+", ""))).append(" · ").append(escape(r.environment().get("cores")))
                .append(" cores · ").append(escape(r.environment().get("java"))).append(" · commit ")
                .append(escape(r.environment().get("commit"))).append("</p>\n");
        h.append("<p class=\"story\">").append(escape(ReportMarkdown.narrative(r))).append("</p>\n");
        tiles(h, r);
        if (!r.passed()) {
            h.append("<p><b>Repeat this run:</b> <code>./soak ").append(escape(String.join(" ", r.config().toArgs())))
                    .append("</code></p>\n");
        }
        for (String note : ReportCharts.noteLines(r)) {
            h.append("<p class=\"how\">").append(escape(note)).append("</p>\n");
        }

        h.append("<h2>Throughput</h2>\n<p class=\"how\">Operations completed per second by all load threads. "
                + "The orange band is the celebrity spike; dashed lines mark nodes joining and leaving "
                + "(grey: refused).</p>\n").append(charts.get("throughput"));
        h.append("<h2>Latency</h2>\n<p class=\"how\">Each interval's percentiles over every operation (HdrHistogram, "
                + "log scale). A gap between p99 and p99.9 that widens during a change points at pauses.</p>\n")
                .append(charts.get("latency"));
        h.append("<h2>Load per node and skew</h2>\n<p class=\"how\">Operations each node executed as the owner of the "
                + "key's slot. Skew is the busiest node over the mean: under 1.3 healthy, up to 2.0 warning, above "
                + "critical. The celebrity's slot also migrates (every fifth requested migration), so its load hops "
                + "between nodes.</p>\n").append(charts.get("nodes")).append(charts.get("skew"));
        h.append("<h2>Membership changes and migrations</h2>\n<p class=\"how\">Slots migrated in each interval (for "
                + "joins, leaves and the harness's own requests), the redirects callers followed to a slot's new owner, "
                + "the writes retried while a slot was sealed, and the cutover window (how long a slot's writers were "
                + "held back while it changed owner).</p>\n").append(charts.get("migrations"))
                .append(charts.get("cutover"));
        changesTable(h, r.changes());

        hotKeys(h, r, charts);

        h.append("<h2>Secondary indexes</h2>\n<p class=\"how\">");
        if (r.config().indexes()) {
            h.append("<code>kv</code> carries a LOCAL index (updated with each write) and a GLOBAL one (updated "
                    + "asynchronously through each node's outbox). The chart shows the GLOBAL index's lag: updates "
                    + "waiting and how long the oldest has waited. A full outbox makes writers wait for room "
                    + "(back-pressure) rather than grow without bound.</p>\n<p class=\"story\">")
                    .append(escape(ReportMarkdown.indexSentence(r))).append(".</p>\n");
        } else {
            h.append("No index in this run (<code>--indexes=off</code>).</p>\n");
        }
        h.append(charts.get("indexlag"));

        h.append("<h2>Invariants</h2>\n<p class=\"how\">Every read, every write's previous value and every counter "
                + "is checked against the client's model as the run goes; a sample of keys is re-read in bulk every "
                + "interval; every key is checked at the end: " + escape(ReportMarkdown.checks(r)) + ".</p>\n");
        h.append("<table><tr><th>invariant</th><th>holds when</th><th>violations</th><th>first example</th></tr>\n");
        for (String[] row : ReportMarkdown.invariantRows(r)) {
            boolean bad = !row[2].equals("0");
            h.append(bad ? "<tr class=\"violated\">" : "<tr>").append("<td>").append(row[0]).append("</td><td>")
                    .append(escape(row[1])).append("</td><td class=\"num\">").append(row[2]).append("</td><td>")
                    .append(escape(row[3])).append("</td></tr>\n");
        }
        h.append("</table>\n");
        h.append("<h2>Failed operations by cause</h2>\n");
        if (r.failuresByCause().isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table><tr><th>cause</th><th>count</th><th>first message</th></tr>\n");
            r.failuresByCause().forEach((cause, n) -> h.append("<tr><td>").append(escape(cause))
                    .append("</td><td class=\"num\">").append(n).append("</td><td>")
                    .append(escape(r.failureMessages().getOrDefault(cause, ""))).append("</td></tr>\n"));
            h.append("</table>\n");
        }

        h.append("<h2>All figures</h2>\n<table>\n");
        ReportMarkdown.keyFigures(r).forEach((label, value) -> h.append("<tr><th>").append(escape(label))
                .append("</th><td>").append(escape(value)).append("</td></tr>\n"));
        h.append("<tr><th>Operations by type</th><td>").append(escape(r.opsByType().toString())).append("</td></tr>\n");
        h.append("<tr><th>Command</th><td><code>./soak ").append(escape(String.join(" ", r.config().toArgs())))
                .append("</code></td></tr>\n</table>\n");
        h.append("<p class=\"how\">Every figure, and every series above, is in <code>report.json</code> beside "
                + "this page.</p>\n</body></html>\n");
        return h.toString();
    }

    private static void hotKeys(StringBuilder h, SoakResult r, Map<String, String> charts) {
        HotKeyResult hot = r.hotKeys();
        h.append("<h2>Hot keys</h2>\n<p class=\"how\">");
        if (hot.enabled()) {
            h.append("The grid's hot-key policy is on: a key that takes at least ")
                    .append(String.format(Locale.ROOT, "%.0f%%", 100 * SoakRun.HOT_KEY_POLICY.shareThreshold()))
                    .append(" of a node's operations is near-cached on every node when it is read-mostly, or salted "
                            + "into parts on distinct nodes when its map is mergeable (<code>counters</code> is, with "
                            + "<code>long-sum</code>); it returns to normal after a cooldown. Dotted purple lines mark "
                            + "salting and unsalting, teal ones the near cache on and off, on this chart and on the load "
                            + "and skew charts above. Salted counters are checked like the others: every read and "
                            + "merge result against the model, every key at the end.");
        } else {
            h.append("Hot-key handling is off in this run (<code>--hot-keys=off</code>): the grid only detects hot "
                    + "keys; the chart shows how hot the celebrity was.");
        }
        h.append("</p>\n<p class=\"story\">").append(escape(ReportMarkdown.hotKeySentence(r))).append(".</p>\n");
        h.append(charts.get("hotkeys")).append(charts.get("nearcache"));
        h.append("<table>\n");
        ReportMarkdown.hotKeyFigures(r).forEach((label, value) -> h.append("<tr><th>").append(escape(label))
                .append("</th><td>").append(escape(value)).append("</td></tr>\n"));
        h.append("</table>\n");
        List<String[]> rows = ReportMarkdown.actionRows(r, ReportMarkdown.MAX_ACTION_ROWS);
        if (!rows.isEmpty()) {
            h.append(rows.size() <= 20 ? "<details open>" : "<details>").append("<summary>Hot-key actions (")
                    .append(rows.size()).append(rows.size() < hot.actionsTotal() ? " of " + hot.actionsTotal() : "")
                    .append(")</summary>\n<table><tr><th>at</th><th>action</th><th>map</th><th>key</th>"
                            + "<th>detail</th></tr>\n");
            for (String[] row : rows) {
                h.append("<tr>");
                for (String cell : row) {
                    h.append("<td>").append(escape(cell)).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table></details>\n");
        }
        for (String note : hot.notes()) {
            h.append("<p class=\"how\">").append(escape(note)).append("</p>\n");
        }
    }

    private static void tiles(StringBuilder h, SoakResult r) {
        Map<String, Object> skew = ReportWriter.skewSummary(r);
        SkewBand worst = (SkewBand) skew.get("worstBand");
        long membership = r.changes().stream().filter(e -> !e.action().startsWith("migrate")
                && e.outcome() == MigrationDriver.Outcome.DONE).count();
        long notAllowed = r.changes().stream().filter(e -> !e.allowed()).count();
        h.append("<div class=\"tiles\">\n");
        tile(h, r.passed() ? "ok" : "bad", String.valueOf(r.totalViolations()), "invariant violations");
        tile(h, r.failuresByCause().isEmpty() ? "ok" : "bad", String.format(Locale.ROOT, "%,d",
                r.failuresByCause().values().stream().mapToLong(Long::longValue).sum()), "failed operations");
        tile(h, "", String.format(Locale.ROOT, "%,.0f", r.meanOpsPerSecond()), "ops/s mean over "
                + ProgressLine.clock(r.loadSeconds()));
        tile(h, "", ReportCharts.micros(r.latency().p99()), "p99 latency (p50 " + ReportCharts.micros(r.latency().p50())
                + ")");
        tile(h, "", ReportCharts.micros(r.latency().p999()), "p99.9 latency (max " + ReportCharts.micros(r.latency().max())
                + ")");
        tile(h, worst == SkewBand.HEALTHY ? "ok" : worst == SkewBand.WARNING ? "warn" : "bad",
                String.format(Locale.ROOT, "%.2f", (Double) skew.get("maxInterval")), "worst interval skew (" + worst
                        + "), mean " + String.format(Locale.ROOT, "%.2f", (Double) skew.get("mean")));
        HotKeyWatch.SkewWindows w = r.hotKeys().skew();
        if (w != null && !Double.isNaN(w.skewAfter())) {
            tile(h, SkewBand.of(w.skewAfter()) == SkewBand.HEALTHY ? "ok" : "warn", String.format(Locale.ROOT,
                    "%.2f → %.2f", w.skewBefore(), w.skewAfter()), "spike skew before → after the grid acted on "
                    + r.spike().key());
        }
        tile(h, notAllowed == 0 ? "" : "bad", String.format(Locale.ROOT, "%,d", r.finalCheck().get("migrationsDone")),
                "slots migrated live; " + membership + " joins/leaves" + (notAllowed > 0 ? ", " + notAllowed
                        + " changes failed" : ""));
        tile(h, "", ReportCharts.micros(r.finalCheck().get("cutoverP99Micros")), "cutover window p99 (max "
                + ReportCharts.micros(r.finalCheck().get("cutoverMaxMicros")) + ")");
        tile(h, "", String.format(Locale.ROOT, "%,d", r.finalCheck().get("kvKeysChecked")
                + r.finalCheck().get("countersChecked")), "keys checked at the end");
        h.append("</div>\n");
    }

    private static void tile(StringBuilder h, String kind, String big, String label) {
        h.append("<div class=\"tile ").append(kind).append("\"><b>").append(escape(big)).append("</b><span>")
                .append(escape(label)).append("</span></div>\n");
    }

    private static void changesTable(StringBuilder h, List<Event> changes) {
        List<Event> shown = changes.stream().filter(e -> !e.action().startsWith("migrate") || !e.allowed())
                .limit(200).toList();
        if (shown.isEmpty()) {
            return;
        }
        h.append(shown.size() <= 40 ? "<details open>" : "<details>").append("<summary>Membership changes (")
                .append(shown.size())
                .append(changes.size() > shown.size() ? " joins and leaves, and any migration that failed; completed"
                        + " or cancelled migrations are only counted" : "")
                .append(")</summary>\n<table><tr><th>at</th><th>action</th><th>target</th><th>outcome</th><th>ms</th>"
                        + "<th>detail</th></tr>\n");
        for (Event e : shown) {
            h.append("<tr><td>").append(ProgressLine.clock(e.atSeconds())).append("</td><td>").append(e.action())
                    .append("</td><td>").append(escape(e.target())).append("</td><td>").append(e.outcome())
                    .append("</td><td class=\"num\">").append(String.format(Locale.ROOT, "%.1f", e.millis()))
                    .append("</td><td>").append(escape(e.detail())).append("</td></tr>\n");
        }
        h.append("</table></details>\n");
    }
}
