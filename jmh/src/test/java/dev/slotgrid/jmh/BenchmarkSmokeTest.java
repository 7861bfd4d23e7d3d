package dev.slotgrid.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs a few benchmarks for one short iteration, in this JVM (Surefire's, which has the root pom's
 * flags), so that the harness cannot rot: every implementation must start, load and answer, and the
 * SlotGrid key sets must be owned where their names say. Takes about 20 s.
 */
class BenchmarkSmokeTest {

    private static ChainedOptionsBuilder oneShortIteration(String include) {
        return new OptionsBuilder()
                .include(include)
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT);
    }

    private static Map<String, RunResult> byImpl(Collection<RunResult> results) {
        Map<String, RunResult> byImpl = new HashMap<>();
        for (RunResult result : results) {
            byImpl.put(result.getParams().getParam("impl"), result);
        }
        return byImpl;
    }

    private static double secondary(RunResult result, String label) {
        return result.getSecondaryResults().get(label).getScore();
    }

    @Test
    void mapBenchmark_everyImplementationAnswers_andSlotGridKeysAreOwnedWhereTheNameSays()
            throws RunnerException, NoSuchFieldException {
        List<String> impls = List.of(MapBenchmark.class.getField("impl").getAnnotation(Param.class).value());

        Map<String, RunResult> results = byImpl(new Runner(oneShortIteration("MapBenchmark\\.get_1t$")
                .param("keys", "zipfian")
                .param("size", "2000")
                .build()).run());

        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(impls);
        results.forEach((impl, result) -> assertThat(result.getPrimaryResult().getScore()).as(impl).isPositive());

        RunResult local = results.get(SlotGridTarget.OWNER_LOCAL);
        assertThat(secondary(local, "executedOnEntryNode")).isPositive();
        assertThat(secondary(local, "executedOnOtherNodes")).isZero();
        assertThat(secondary(local, "redirects")).isZero();
        RunResult remote = results.get(SlotGridTarget.SAME_JVM_REMOTE);
        assertThat(secondary(remote, "executedOnEntryNode")).isZero();
        assertThat(secondary(remote, "executedOnOtherNodes")).isPositive();
        assertThat(secondary(remote, "redirects")).isZero();
    }

    @Test
    void mapBenchmark_readerAndWriterGroup_reportsBothSides() throws RunnerException {
        Collection<RunResult> results = new Runner(oneShortIteration("MapBenchmark\\.readWrite_2t$")
                .param("impl", SlotGridTarget.SAME_JVM_REMOTE)
                .param("keys", "uniform")
                .param("size", "2000")
                .build()).run();

        RunResult result = results.iterator().next();
        assertThat(results).hasSize(1);
        assertThat(secondary(result, "readWrite_2t_get")).isPositive();
        assertThat(secondary(result, "readWrite_2t_put")).isPositive();
    }

    @Test
    void getCostAndKeySlotBenchmarks_answer() throws RunnerException {
        Collection<RunResult> results = new Runner(oneShortIteration("GetCostBenchmark|KeySlotBenchmark\\.crc16String")
                .param("size", "1000")
                .param("keyLength", "24")
                .param("tagged", "true")
                .build()).run();

        assertThat(results).hasSize(5 + 1);
        results.forEach(result -> assertThat(result.getPrimaryResult().getScore())
                .as(result.getParams().getBenchmark() + " " + result.getParams().getParam("impl")).isPositive());
    }

    @Test
    void clusterBenchmark_everyTopologyStartsAcrossJvms_andAnswers() throws RunnerException {
        List<RunResult> results = new ArrayList<>(new Runner(oneShortIteration("ClusterBenchmark\\.get_1t$").build()).run());
        results.addAll(new Runner(oneShortIteration("ClusterBenchmark\\.getAsync32_1t$").param("impl", "slotgrid")
                .build()).run());

        assertThat(results).hasSize(3 + 1);
        results.forEach(result -> assertThat(result.getPrimaryResult().getScore())
                .as(result.getParams().getBenchmark() + " " + result.getParams().getParam("impl")).isPositive());
    }

    @Test
    void scalingBenchmark_migratesAndPlans() throws RunnerException {
        Collection<RunResult> results = new Runner(oneShortIteration("ScalingBenchmark").param("members", "3").build()).run();

        assertThat(results).hasSize(2);
        results.forEach(result -> assertThat(result.getPrimaryResult().getScore())
                .as(result.getParams().getBenchmark()).isPositive());
    }

    @Test
    void jvmFlagsFile_holdsTheRootPomProperty() throws IOException {
        String flags = Files.readString(Path.of("target", "jvm.flags"), StandardCharsets.UTF_8);

        assertThat(flags).doesNotContain("${").contains("--add-opens=java.base/java.lang=ALL-UNNAMED")
                .contains("-Dchronicle.analytics.disable=true");
    }

    @Test
    void migrationBenchmark_movesSlotsWhileTheMixRuns() throws RunnerException {
        Collection<RunResult> results = new Runner(oneShortIteration("MigrationBenchmark\\.mix95_1t$")
                .param("migration", "continuous").measurementTime(TimeValue.milliseconds(500)).build()).run();
        RunResult result = results.iterator().next();
        assertThat(result.getPrimaryResult().getScore()).isPositive();
        assertThat(secondary(result, "handovers")).as("slots handed over during the iteration").isPositive();
    }

    @Test
    void hotKeyBenchmark_showsTheCelebritySkew_andTheSaltingThatRemovesIt() throws RunnerException {
        RunResult off = new Runner(oneShortIteration("HotKeyBenchmark\\.skew_3t$").param("workload", "celebrity")
                .param("handling", "off").measurementTime(TimeValue.seconds(1)).build()).run().iterator().next();
        assertThat(secondary(off, "skewMilli")).as("half the calls on one node of three; %s, primary %s",
                off.getSecondaryResults(), off.getPrimaryResult()).isGreaterThan(1500);
        assertThat(secondary(off, "saltedKeys")).isZero();
        RunResult on = new Runner(oneShortIteration("HotKeyBenchmark\\.skew_3t$").param("workload", "celebrity")
                .param("handling", "on").warmupIterations(1).warmupTime(TimeValue.seconds(1))
                .measurementTime(TimeValue.seconds(1)).build()).run().iterator().next();
        assertThat(secondary(on, "saltedKeys")).as("the policy salted the celebrity during the warm-up").isEqualTo(1);
        // Half the calls go to the celebrity, the other half spread evenly over the 3 nodes; salted, each
        // thread's celebrity adds land on its own node's part. With s the busiest thread's share of all
        // calls, the busiest node runs 1/6 + s/2 of them against a mean of 1/3: skew = 0.5 + 1.5 s. Even
        // threads (s = 1/3) give 1.0; 3 threads on 2 cores give about 1.25 (s = 0.5), 1.4 with a JIT or GC
        // transient (s = 0.6). Unsalted, the celebrity's node runs 1/6 + 1/2: skew exactly 2.0, whatever
        // the threads' shares. 1.7 (s = 0.8) tells the two apart without asking the scheduler for fairness.
        assertThat(secondary(on, "skewMilli")).as("salted: 0.5 + 1.5 x the busiest thread's share; unsalted: 2.0; %s",
                on.getSecondaryResults()).isLessThan(1700);
    }

    @Test
    void coalescingBenchmark_countsBatchesOnlyWhenBatchingIsOn() throws RunnerException {
        RunResult on = new Runner(oneShortIteration("CoalescingBenchmark\\.getAsync_1t$").param("batching", "on")
                .build()).run().iterator().next();
        assertThat(on.getPrimaryResult().getScore()).isPositive();
        assertThat(secondary(on, "batches")).as("batches sent with batching on").isPositive();
        assertThat(secondary(on, "batchedRequests")).isGreaterThanOrEqualTo(secondary(on, "batches"));
        RunResult off = new Runner(oneShortIteration("CoalescingBenchmark\\.getAsync_1t$").param("batching", "off")
                .build()).run().iterator().next();
        assertThat(secondary(off, "batches")).as("no batch with batching off").isZero();
    }
}
