package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Members in separate JVMs ({@link MemberProcess}): a model check across processes (load through
 * every member while a fourth joins and one leaves gracefully; every acknowledged write read back
 * through every member, no resurrected delete, exact counters), then a member killed with
 * {@code kill -9}: its slots are reported lost, never served as empty, and the others keep serving.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class MultiProcessClusterTest {

    private static final Duration SETTLE = Duration.ofSeconds(180);

    /** The coordinator's table as a member prints it: {@code TABLE epoch=.. members=a#0:5461,.. migrating=0 lost=0}. */
    record Table(long epoch, Map<String, Integer> slots, int migrating, int lost) {
        static Table parse(String line) {
            Map<String, Integer> slots = new HashMap<>();
            long epoch = -1;
            int migrating = -1;
            int lost = -1;
            for (String part : line.split(" ")) {
                if (part.startsWith("epoch=")) {
                    epoch = Long.parseLong(part.substring(6));
                } else if (part.startsWith("members=")) {
                    for (String member : part.substring(8).split(",")) {
                        slots.put(member.substring(0, member.indexOf('#')),
                                Integer.parseInt(member.substring(member.indexOf(':') + 1)));
                    }
                } else if (part.startsWith("migrating=")) {
                    migrating = Integer.parseInt(part.substring(10));
                } else if (part.startsWith("lost=")) {
                    lost = Integer.parseInt(part.substring(5));
                }
            }
            return new Table(epoch, slots, migrating, lost);
        }

        boolean settledOn(List<String> members) {
            return slots.keySet().equals(new java.util.HashSet<>(members)) && migrating == 0
                    && slots.values().stream().allMatch(n -> n > 0);
        }
    }

    /** A member JVM on loopback joining through {@code seeds} (its own port included), its output in a temp file. */
    static MemberProcess member(String cluster, String name, int port, int... seeds) throws IOException {
        List<String> seedList = new ArrayList<>();
        for (int seed : seeds) {
            seedList.add("127.0.0.1:" + seed);
        }
        return MemberProcess.start(new MemberProcess.Spec(cluster, name, port, seedList, ClusterMembers.SECRET,
                List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dhazelcast.logging.type=none"),
                List.of("--failure-timeout", "5", "--call-timeout", "30"),
                Files.createTempFile("slotgrid-member-" + name + "-", ".log"), Duration.ofSeconds(120),
                Duration.ofSeconds(120)));
    }

    static Table table(MemberProcess member) {
        return Table.parse("TABLE " + member.expect("table", "TABLE"));
    }

    /** A failure with what every member process printed appended, for its message. */
    static AssertionError withOutputs(Throwable failure, List<MemberProcess> started) {
        StringBuilder outputs = new StringBuilder();
        for (MemberProcess member : started) {
            outputs.append(member.output()).append('\n');
        }
        return new AssertionError(failure.getMessage() + "\n" + outputs, failure);
    }

    static void closeAll(List<MemberProcess> started) {
        for (MemberProcess member : started) {
            member.close();
        }
    }

    static void awaitSettled(MemberProcess asked, String... members) {
        await().atMost(SETTLE).pollInterval(Duration.ofMillis(500))
                .until(() -> table(asked).settledOn(List.of(members)));
    }

    @Test
    void acrossProcesses_everyAcknowledgedWriteSurvivesAJoinAndALeave_andAKilledMembersSlotsAreReportedLost()
            throws Exception {
        long seed = System.nanoTime();
        System.out.println("MultiProcessClusterTest seed = " + seed);
        String cluster = "processes-" + seed;
        int[] ports = {ClusterMembers.freePort(), ClusterMembers.freePort(), ClusterMembers.freePort(),
                ClusterMembers.freePort()};
        List<MemberProcess> started = new ArrayList<>();
        ExecutorService drivers = Executors.newFixedThreadPool(3);
        try {
            MemberProcess a = member(cluster, "a", ports[0], ports[0]);
            started.add(a);
            MemberProcess b = member(cluster, "b", ports[1], ports[0], ports[1]);
            started.add(b);
            MemberProcess c = member(cluster, "c", ports[2], ports[0], ports[2]);
            started.add(c);
            awaitSettled(a, "a", "b", "c");

            int keysPerDriver = 300;
            List<MemberProcess> driven = List.of(a, b, c);
            List<Map<String, String>> models = new ArrayList<>();
            long[] increments = new long[driven.size()];
            AtomicBoolean[] stop = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(200);
            for (int i = 0; i < driven.size(); i++) {
                int driver = i;
                Map<String, String> model = new java.util.concurrent.ConcurrentHashMap<>(); // "null" once removed
                models.add(model);
                Random random = new Random(seed + i);
                running.add(drivers.submit(() -> {
                    MemberProcess member = driven.get(driver);
                    for (int op = 0; op < 50_000 && !stop[driver].get() && System.nanoTime() < deadline; op++) {
                        String key = "d" + driver + "-" + random.nextInt(keysPerDriver);
                        int choice = random.nextInt(10);
                        if (choice == 0) {
                            member.expect("remove model " + key, "OK");
                            model.put(key, "null");
                        } else if (choice == 1) {
                            member.expect("incr counters w" + driver, "VALUE");
                            increments[driver]++;
                        } else {
                            String value = "v" + op;
                            member.expect("put model " + key + " " + value, "OK");
                            model.put(key, value);
                        }
                    }
                    return null;
                }));
            }
            MemberProcess d;
            try {
                await().atMost(SETTLE).until(() -> models.get(0).size() > 50); // load flows before the layout changes
                d = member(cluster, "d", ports[3], ports[0], ports[3]);
                started.add(d);
                awaitSettled(d, "a", "b", "c", "d");
                stop[2].set(true);
                running.get(2).get(SETTLE.toSeconds(), TimeUnit.SECONDS);
                c.leave(); // graceful: its slots move to the others while a and b keep writing
                assertThat(c.isAlive()).isFalse();
                awaitSettled(d, "a", "b", "d"); // d: no driver writes through its console
                assertThat(table(d).lost()).as("a graceful leave loses no slot").isZero();
            } finally {
                for (AtomicBoolean flag : stop) {
                    flag.set(true);
                }
                for (Future<?> driver : running) {
                    driver.get(SETTLE.toSeconds(), TimeUnit.SECONDS);
                }
            }

            for (MemberProcess reader : List.of(a, b, d)) {
                for (int i = 0; i < models.size(); i++) {
                    for (Map.Entry<String, String> expected : models.get(i).entrySet()) {
                        assertThat(reader.expect("get model " + expected.getKey(), "VALUE"))
                                .as("%s through %s (seed %d)", expected.getKey(), reader.name(), seed)
                                .isEqualTo(expected.getValue());
                    }
                    assertThat(reader.expect("get counters w" + i, "VALUE")).as("counter %d (seed %d)", i, seed)
                            .isEqualTo(increments[i] == 0 ? "null" : Long.toString(increments[i]));
                }
            }

            // kill -9: d's slots are lost (no replicas yet); they are refused, never served as empty
            Table before = table(a);
            d.kill();
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> !table(a).slots().containsKey("d"));
            Table after = table(a);
            assertThat(after.lost()).isEqualTo(before.slots().get("d"));
            int refused = 0;
            int served = 0;
            for (Map.Entry<String, String> expected : models.get(0).entrySet()) {
                String answer = b.ask("get model " + expected.getKey());
                if (answer.startsWith("ERROR SlotLostException")) {
                    refused++;
                } else {
                    assertThat(answer).isEqualTo("VALUE " + expected.getValue());
                    served++;
                }
            }
            assertThat(refused).as("keys in d's slots are refused").isPositive();
            assertThat(served).as("keys in the survivors' slots are served").isPositive();
            a.expect("acknowledge-lost", "OK");
            await().atMost(SETTLE).until(() -> table(b).lost() == 0);
            assertThat(b.ask("put model after-loss yes")).isEqualTo("OK null");
        } catch (Throwable failure) {
            throw withOutputs(failure, started);
        } finally {
            drivers.shutdownNow();
            closeAll(started);
        }
    }
}
