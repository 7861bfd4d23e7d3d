package dev.slotgrid.soak;

import java.io.PrintStream;
import java.util.Map;

/**
 * The live progress display: on a terminal one line rewritten in place every sample; otherwise (a
 * log, a CI console, Surefire) a plain line every {@code progress-every}.
 *
 * <p>Concurrency: confined to the sampling thread.
 */
final class ProgressLine {

    private final PrintStream out;
    private final boolean terminal;
    private final double totalSeconds;
    private final double plainEverySeconds;
    private double nextPlainAt;
    private int lastWidth;

    ProgressLine(PrintStream out, boolean terminal, SoakConfig config) {
        this.out = out;
        this.terminal = terminal;
        this.totalSeconds = config.duration().toMillis() / 1e3;
        this.plainEverySeconds = config.progressEvery().toMillis() / 1e3;
        this.nextPlainAt = plainEverySeconds;
    }

    void update(Sample sample, dev.slotgrid.MigrationStats migrations) {
        String line = format(sample, migrations);
        if (terminal) {
            String padding = " ".repeat(Math.max(0, lastWidth - line.length()));
            out.print("\r" + line + padding);
            out.flush();
            lastWidth = line.length();
        } else if (sample.atSeconds() >= nextPlainAt) {
            out.println(line);
            nextPlainAt += plainEverySeconds * Math.max(1, Math.ceil((sample.atSeconds() - nextPlainAt) / plainEverySeconds));
        }
    }

    /** Ends the in-place line so that what follows starts on a fresh one. */
    void finish() {
        if (terminal && lastWidth > 0) {
            out.println();
        }
    }

    String format(Sample s, dev.slotgrid.MigrationStats migrations) {
        double eta = Math.max(0, totalSeconds - s.atSeconds());
        Map<String, Long> nodes = s.opsByNode();
        return String.format(java.util.Locale.ROOT, "soak %s/%s ETA %s %,10.0f ops/s p99 %-6s skew %.2f %-8s"
                + " %d nodes  slots moved %,d left %d cutover p99 %s%s  violations %d",
                clock(s.atSeconds()), clock(totalSeconds), clock(eta), s.opsPerSecond(), micros(s.latency().p99()),
                s.skew(), dev.slotgrid.SkewBand.of(s.skew()), nodes.size(), migrations.slotsDone(),
                migrations.slotsLeft(), micros(s.migration().cutoverP99Micros()), s.spikeActive() ? "  SPIKE" : "",
                s.violationsSoFar());
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format("%d:%02d", s / 60, s % 60);
    }

    static String micros(double us) {
        if (Double.isNaN(us)) {
            return "-";
        }
        return us >= 1000 ? String.format("%.1fms", us / 1000) : String.format("%.0fus", us);
    }
}
