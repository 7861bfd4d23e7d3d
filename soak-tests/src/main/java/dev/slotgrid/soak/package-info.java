/**
 * The soak harness: skewed load with a celebrity spike on an embedded {@link dev.slotgrid.SlotGrid}
 * while nodes join and leave and slots migrate live, every answer checked against the client's
 * model of acknowledged writes, and a report with charts. Uses the grid's public API only.
 *
 * <p>Entry points: {@link dev.slotgrid.soak.SoakMain} (the {@code ./soak} command) and
 * {@link dev.slotgrid.soak.SoakRun} (one run, as the smoke test drives it). The parts:
 * <ul>
 *   <li>load: {@code LoadWorker} threads draw keys from a {@link dev.slotgrid.soak.ScrambledZipfian}
 *       (or the celebrity, {@code Spike});
 *   <li>the model: {@code KvModel} (one writer per key, numbered writes) and {@code CounterModel}
 *       (acknowledged and started sums); violations go to a {@code ViolationLog} by
 *       {@link dev.slotgrid.soak.Invariant}, failed operations to a {@code FailureLog} by cause;
 *   <li>change: {@code ChurnLoop} decides, {@code MigrationDriver} is the one class that calls
 *       {@code addNode}, {@code removeNode}, {@code migrate} and {@code cancelMigration};
 *       {@code SaltChanges} changes the celebrity counter's part count under load;
 *   <li>hot keys: {@code HotKeyWatch} follows the grid's actions and measures the spike's skew
 *       before and after them; {@code NearCacheAllowance} is what the {@code kv} check allows a
 *       near cache (a value up to its TTL old, on a near-cached key);
 *   <li>measurement: {@code LatencyRecorders} (HdrHistogram), {@code Sampler} (one {@code Sample}
 *       per interval), {@code ProgressLine};
 *   <li>report: {@code ReportWriter} (JSON), {@code ReportMarkdown}, {@code ReportHtml},
 *       {@code ReportCharts} and {@code SvgChart}.
 * </ul>
 */
package dev.slotgrid.soak;
