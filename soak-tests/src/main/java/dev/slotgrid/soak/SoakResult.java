package dev.slotgrid.soak;

import dev.slotgrid.soak.MigrationDriver.Event;
import dev.slotgrid.soak.Sample.LatencyPoint;
import dev.slotgrid.soak.ViolationLog.Example;
import java.util.List;
import java.util.Map;

/**
 * Everything one soak run measured and checked: the input of every report. Immutable.
 *
 * @param config the run's parameters
 * @param startedAt when it started (ISO-8601, UTC)
 * @param environment the machine and JVM, by name
 * @param loadSeconds how long the load ran
 * @param samples the time series, one per interval
 * @param opsByType operations completed, by {@link LoadWorker.Op} name
 * @param latency the whole run's latency over all kinds
 * @param latencyByKind the whole run's latency by kind
 * @param violations violations by invariant (every invariant present)
 * @param examples the first few violations of each invariant
 * @param failuresByCause failed operations by cause
 * @param failureMessages the first message of each cause
 * @param changes every membership change and migration
 * @param spike the celebrity spike as planned (its key, share, multiple, window)
 * @param finalCheck figures of the final check of every key, by name
 * @param liveMigration whether the grid migrated slots that hold data in this run
 * @param hotKeys what the grid did about hot keys, and what the checks allowed for it
 */
public record SoakResult(SoakConfig config, String startedAt, Map<String, String> environment, double loadSeconds,
        List<Sample> samples, Map<String, Long> opsByType, LatencyPoint latency, Map<String, LatencyPoint> latencyByKind,
        Map<Invariant, Long> violations, Map<Invariant, List<Example>> examples, Map<String, Long> failuresByCause,
        Map<String, String> failureMessages, List<Event> changes, SpikeInfo spike, Map<String, Long> finalCheck,
        boolean liveMigration, HotKeyResult hotKeys) {

    /**
     * The celebrity spike as it ran.
     *
     * @param key the celebrity key
     * @param rank its popularity rank
     * @param slot its slot
     * @param normalShare its normal share of operations
     * @param spikeShare its share during the spike
     * @param multiple {@code spikeShare / normalShare}
     * @param fromSeconds when the spike started
     * @param toSeconds when it ended
     */
    public record SpikeInfo(String key, int rank, int slot, double normalShare, double spikeShare, double multiple,
            double fromSeconds, double toSeconds) {
    }

    /** @return whether every invariant held */
    public boolean passed() {
        return totalViolations() == 0;
    }

    /** @return violations over all invariants */
    public long totalViolations() {
        return violations.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return operations completed over the whole run */
    public long totalOps() {
        return opsByType.values().stream().mapToLong(Long::longValue).sum();
    }

    /** @return the mean throughput of the load phase */
    public double meanOpsPerSecond() {
        return loadSeconds <= 0 ? 0 : totalOps() / loadSeconds;
    }

    /** @return membership changes and migrations by {@code action/outcome} */
    public Map<String, Long> changesByOutcome() {
        Map<String, Long> out = new java.util.TreeMap<>();
        for (Event event : changes) {
            out.merge(event.action() + "/" + event.outcome(), 1L, Long::sum);
        }
        return out;
    }

    /**
     * A few lines for a console: verdict, seed, throughput, violations.
     *
     * @return the summary
     */
    public String summary() {
        StringBuilder out = new StringBuilder();
        out.append(passed() ? "PASS" : "FAIL").append(": soak run with seed ").append(config.seed()).append(", ")
                .append(String.format("%.0f s, %,d operations (%,.0f ops/s), p99 %s, p99.9 %s", loadSeconds, totalOps(),
                        meanOpsPerSecond(), ProgressLine.micros(latency.p99()), ProgressLine.micros(latency.p999())))
                .append('\n');
        out.append("  changes: ").append(changesByOutcome().isEmpty() ? "none" : changesByOutcome()).append('\n');
        out.append("  final check: ").append(finalCheck).append('\n');
        for (Invariant invariant : Invariant.values()) {
            long n = violations.get(invariant);
            if (n > 0) {
                out.append("  VIOLATED ").append(invariant).append(" (").append(invariant.statement()).append("): ")
                        .append(n).append('\n');
                for (Example example : examples.getOrDefault(invariant, List.of())) {
                    out.append(String.format("    at %.1fs: %s%n", example.atSeconds(), example.detail()));
                }
            }
        }
        if (!failuresByCause.isEmpty()) {
            out.append("  failed operations: ").append(failuresByCause).append('\n');
        }
        if (!passed()) {
            out.append("  repeat with: ./soak ").append(String.join(" ", config.toArgs())).append('\n');
        }
        return out.toString();
    }
}
