package dev.slotgrid.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The programs a new user runs first must keep working: run them and read what they print. */
class ExamplesRunTest {

    @Test
    void demo_showsTheDistributionThroughputAndSkew() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        new Demo(new PrintStream(buffer, true, StandardCharsets.UTF_8), false, Duration.ofSeconds(2)).run();
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("node-0  owns slots [0-5460]", "node-1  owns slots [5461-10922]",
                "node-2  owns slots [10923-16383]");
        assertThat(output).containsPattern("node-0 +#+\\.* +[\\d,]+ entries +3\\d\\.\\d%");
        assertThat(output).containsPattern("ops/s +skew \\d\\.\\d\\d (HEALTHY|WARNING|CRITICAL)");
        assertThat(output).containsPattern("load skew \\d\\.\\d{3} \\(max over mean\\): HEALTHY");
        assertThat(output).contains("4. A 4th node joins while the workload runs");
        assertThat(output).containsPattern("joined in [\\d.]+ s; [\\d,]+ entries moved; 0 operations failed meanwhile");
        assertThat(output).contains("node-3  owns 4,096 slots");
        assertThat(output).containsPattern("node-3 +#+\\.* +[\\d,]+ entries +2\\d\\.\\d%");
        assertThat(output).containsPattern("[\\d,]+ operations in all, 0 failed");
        assertThat(output).contains("5. A celebrity");
        assertThat(output).containsPattern("DETECTED +celebrity");
        assertThat(output).containsPattern("SALTED +celebrity: .*0 -> 4 parts");
        // salted, the four threads' celebrity adds land on their own nodes' parts: skew 0.5 + 2 x the busiest
        // thread's share, 1.0 when they run evenly, more when 2 cores serve them unevenly; unsalted, 2.5
        Matcher afterSalting = Pattern.compile("from [\\d.]+ s after it was salted to the end \\([\\d.]+ s\\)"
                + " (\\d\\.\\d\\d) \\((HEALTHY|WARNING)\\)").matcher(output);
        assertThat(afterSalting.find()).as("the skew after salting, HEALTHY or WARNING, in:%n%s", output).isTrue();
        assertThat(Double.parseDouble(afterSalting.group(1))).as("skew after salting").isLessThan(2.0);
        assertThat(output).containsPattern("celebrity = [\\d,]+ after [\\d,]+ acknowledged adds: exact; 0 operations failed");
        assertThat(output).contains("6. Secondary indexes");
        assertThat(output).containsPattern("by-city-local +60 people in city-7 in +[\\d,]+ us; 16,384 of 16,384 slots answered");
        assertThat(output).containsPattern("by-city +60 people in city-7 in +[\\d,]+ us");
        assertThat(output).contains("read-your-writes query: 20,040 people in city-7 (20,040 expected)");
        assertThat(output).contains("7. One member per JVM");
        assertThat(output).containsPattern("member b: JVM pid \\d+, admitted");
        assertThat(output).containsPattern("member c: JVM pid \\d+, admitted");
        assertThat(output).containsPattern("epoch \\d+: a [\\d,]+ slots b [\\d,]+ slots c [\\d,]+ slots");
        assertThat(output).contains("read back through b's and c's consoles: 50 of 50 sampled keys");
        assertThat(output).contains("incr through b, incr through c, get through a: hits = 2");
        assertThat(output).contains("the member processes are stopped");
        Matcher pids = Pattern.compile("member [bc]: JVM pid (\\d+)").matcher(output);
        while (pids.find()) {
            long pid = Long.parseLong(pids.group(1));
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("member process %d", pid)
                    .isFalse();
        }
    }

    @Test
    void quickstart_readsBackEveryKey() {
        PrintStream saved = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            Quickstart.main(new String[0]);
        } finally {
            System.setOut(saved);
        }
        String output = buffer.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("wrote 100000 keys, read back 100000");
        assertThat(output).containsPattern("node-0 +slots \\[0-5460\\] +33,\\d{3} entries");
        assertThat(output).containsPattern("skew 1\\.0\\d\\d \\(HEALTHY\\)");
    }
}
