package dev.slotgrid.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The smoke soaks of the default test run: 60 seconds of skewed load with a celebrity spike, nodes
 * joining and leaving and slots migrating live (some cancelled), with hot-key handling on: the grid
 * salts the celebrity's counter and near-caches its value during the spike, the harness changes
 * the counter's part count and folds it back under load after it; then 25 seconds of the same with a
 * LOCAL and a GLOBAL index on the map. Every answer is checked against the model. It fails the build when an invariant breaks; the failure message holds the seed and the
 * command that repeats the run. A different seed each build widens the search; pin one with
 * {@code -Dsoak.seed=N}.
 */
class SmokeSoakTest {

    /** How much later than the grid's stamp the soak's hot-key watch may see an action, seconds. */
    private static final double POLL_GAP_ALLOWANCE_SECONDS = 1.0;

    @Test
    void smokeSoak_withSpikeChurnMigrationsHotKeysAndIndexes_keepsEveryInvariant() throws Exception {
        long seed = Long.getLong("soak.seed", ThreadLocalRandom.current().nextLong());
        SoakConfig config = SoakConfig.parse("--duration=60s", "--keys=50000", "--spike-at=20s", "--spike-for=15s",
                "--hot-keys=on", "--salt-changes=on", "--churn-every=10s", "--migrations-per-sec=5", "--progress-every=15s", "--seed=" + seed,
                "--report-dir=target/soak-reports");

        SoakResult result = new SoakRun(config, System.out, false).run();
        Path report = ReportWriter.write(result, config.reportDir());
        System.out.print(result.summary());

        assertThat(result.passed()).as("invariants broke; report in %s:%n%s", report, result.summary()).isTrue();
        // the run did what it claims, or its passing proves little
        assertThat(result.totalOps()).isGreaterThan(1_000_000);
        assertThat(result.changesByOutcome()).containsKeys("join/DONE", "leave/DONE", "migrate/DONE");
        assertThat(result.finalCheck().get("migrationsDone")).isGreaterThan(4096);
        assertThat(result.finalCheck().get("cutovers")).isPositive();
        assertThat(result.finalCheck().get("kvKeysChecked")).isEqualTo(50_000);
        assertThat(result.finalCheck().get("keysAuditedWhileRunning")).isPositive();
        assertThat(result.finalCheck().get("indexQueriesWhileRunning")).isPositive();
        assertThat(result.finalCheck().get("indexKeysComparedAtEnd")).isGreaterThan(2 * 40_000L);
        assertThat(result.spike().multiple()).isGreaterThan(10);
        assertThat(result.samples()).anyMatch(Sample::spikeActive);
        assertCelebrityWasSaltedAndCheckedExactly(result);
        assertReportIsSelfContained(report);
    }

    /** The scenario of issue 6: detected, salted by the policy, re-salted and folded back under load, counted exactly. */
    private static void assertCelebrityWasSaltedAndCheckedExactly(SoakResult result) {
        HotKeyResult hot = result.hotKeys();
        String celebrity = result.spike().key();
        assertThat(hot.enabled()).isTrue();
        assertThat(hot.celebrityActions()).as("actions on %s: %s", celebrity, hot.actions())
                .anyMatch(a -> a.type().equals("DETECTED"))
                .anyMatch(a -> a.type().equals("SALTED") && a.automatic() && a.map().equals("counters")
                        && a.atSeconds() >= 20 && a.atSeconds() < 35)
                .anyMatch(a -> a.type().equals("SALTED") && !a.automatic())
                .anyMatch(a -> a.type().equals("UNSALTED") && a.map().equals("counters"));
        assertSpikeSkewWasMeasuredBeforeAndAfter(result);
        // the celebrity's counter was read and incremented many times while salted, each answer checked
        assertThat(hot.celebrityCounterOps().get("read")).isGreaterThan(10_000);
        assertThat(hot.celebrityCounterOps().get("add")).isGreaterThan(10_000);
        assertThat(hot.celebrityCounterOps().get("merge")).isGreaterThan(1_000);
        assertThat(hot.secondsToNormal()).as("every key back to normal after the load").isFinite();
        assertThat(result.opsByType().get("add")).isPositive();
    }

    /**
     * The spike's skew before the grid acted on the celebrity and after (HotKeyWatch). Each window is
     * between two snapshots the watch takes when it polls, and two cases leave one degenerate whatever
     * the grid does:
     * <ul>
     *   <li>before: the first action on the celebrity was seen in the poll that saw the spike start (both
     *       snapshots in one poll), or no operation ran between the two; the skew of an interval without
     *       operations is 1.0 by definition;
     *   <li>after: the window opens once {@link HotKeyWatch#SETTLE_MILLIS} have passed after the last
     *       action on the celebrity, in a poll before the spike's end; when the last action came within
     *       that of the end there is no such poll and the skew is NaN.
     * </ul>
     * Only those cases are let through; a grid that does nothing about the celebrity still fails here
     * (no action in the spike: no first action, and no "after" window).
     */
    private static void assertSpikeSkewWasMeasuredBeforeAndAfter(SoakResult result) {
        HotKeyWatch.SkewWindows skew = result.hotKeys().skew();
        assertThat(skew).as("the spike's skew windows").isNotNull();
        assertThat(skew.firstActionSeconds()).as("the grid acted on the celebrity during the spike: %s", skew).isNotNaN();
        boolean beforeIsEmpty = skew.firstActionSeconds() == skew.spikeFromSeconds() || Double.isNaN(skew.busiestShareBefore());
        if (beforeIsEmpty) {
            assertThat(skew.skewBefore()).as("empty window before the first action: %s", skew).isGreaterThanOrEqualTo(1.0);
        } else {
            assertThat(skew.skewBefore()).as("before the grid acted: %s", skew).isGreaterThan(1.0);
        }
        if (Double.isNaN(skew.skewAfter())) {
            // the last action's time is the grid's wall-clock stamp, the watch saw it at a later poll: allow the
            // poll gaps (50 ms, longer while a sample's audit and index check run) a second on top of the settle
            double spikeEnd = result.spike().toSeconds();
            double lastAction = result.hotKeys().celebrityActions().stream()
                    .filter(a -> a.type().equals("SALTED") || a.type().equals("NEAR_CACHE_ON"))
                    .filter(a -> a.atSeconds() < spikeEnd).mapToDouble(HotKeyWatch.Action::atSeconds).max()
                    .orElse(Double.NaN);
            assertThat(lastAction).as("no \"after\" window although the last action on the celebrity (at %.3f s) came"
                    + " more than the settle time before the spike's end (%.3f s): %s", lastAction, spikeEnd, skew)
                    .isGreaterThan(spikeEnd - HotKeyWatch.SETTLE_MILLIS / 1e3 - POLL_GAP_ALLOWANCE_SECONDS);
        } else {
            assertThat(skew.skewAfter()).as("measured after the grid acted: %s", skew).isGreaterThanOrEqualTo(1.0);
        }
    }

    private static void assertReportIsSelfContained(Path report) throws Exception {
        String html = Files.readString(report.resolve("report.html"), StandardCharsets.UTF_8);
        assertThat(html).contains("PASS").doesNotContain("<script").doesNotContain("src=").doesNotContain("href=");
        assertThat(html.split("<svg", -1)).hasSize(10); // nine charts
        assertThat(html).contains("Hot keys").contains("salted").contains("spike skew before → after");
        assertThat(html).contains("Secondary indexes").contains("GLOBAL index lag at most");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http:").doesNotContain("https:");
        String json = Files.readString(report.resolve("report.json"), StandardCharsets.UTF_8);
        assertThat(json).startsWith("{\n  \"verdict\": \"PASS\"").contains("\"timeline\"").contains("\"opsByNode\"")
                .contains("\"spikeBeforeAction\"").contains("\"spikeAfterAction\"").contains("\"type\": \"SALTED\"");
        assertThat(report.resolve("report.md")).exists();
        assertThat(report.resolve("skew.svg")).exists();
        assertThat(report.resolve("indexlag.svg")).exists();
        assertThat(json).contains("\"globalIndex\"").contains("\"oldestPendingMillis\"");
        assertThat(Files.readString(report.resolve("skew.svg"), StandardCharsets.UTF_8)).contains("salted at");
    }
}
