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
 * {@code kill -9} while the others write (one backup, the clustered default): its slots are
 * promoted on their copies, every acknowledged write is read back through the survivors (a write
 * that failed while the death was noticed may or may not have been applied, and either is
 * accepted), no slot is lost, and the copies the death took are made again. What a death costs
 * without backups (its slots lost, refused, never served empty) is {@link ClusteredGridTest}'s.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class MultiProcessClusterTest {

    private static final Duration SETTLE = Duration.ofSeconds(180);

    /** The coordinator's table as a member prints it: {@code TABLE epoch=.. members=a#0:5461,.. migrating=0 lost=0}. */
    record Table(long epoch, Map<String, Integer> slots, int migrating, int lost, int missingCopies) {
        static Table parse(String line) {
            Map<String, Integer> slots = new HashMap<>();
            long epoch = -1;
            int migrating = -1;
            int lost = -1;
            int missingCopies = -1;
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
                } else if (part.startsWith("missingCopies=")) {
                    missingCopies = Integer.parseInt(part.substring(14));
                }
            }
            return new Table(epoch, slots, migrating, lost, missingCopies);
        }

        boolean settledOn(List<String> members) {
            return slots.keySet().equals(new java.util.HashSet<>(members)) && migrating == 0
                    && slots.values().stream().allMatch(n -> n > 0);
        }
    }

    /** A member JVM on loopback joining through {@code seeds} (its own port included), its output in a temp file. */
    static MemberProcess member(String cluster, String name, int port, int... seeds) throws IOException {
        return member(cluster, name, port, List.of(), seeds);
    }

    /** As {@link #member(String, String, int, int...)}, with more {@code MemberLauncher} options. */
    static MemberProcess member(String cluster, String name, int port, List<String> options, int... seeds)
            throws IOException {
        List<String> arguments = new ArrayList<>(List.of("--failure-timeout", "5", "--call-timeout", "30"));
        arguments.addAll(options);
        List<String> seedList = new ArrayList<>();
        for (int seed : seeds) {
            seedList.add("127.0.0.1:" + seed);
        }
        return MemberProcess.start(new MemberProcess.Spec(cluster, name, port, seedList, ClusterMembers.SECRET,
                List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dhazelcast.logging.type=none"),
                arguments,
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
    void acrossProcesses_everyAcknowledgedWriteSurvivesAJoinALeaveAndAKillUnderLoad()
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
            // what a write that failed after the kill may have left: values per key, increments per counter
            List<Map<String, java.util.Set<String>>> maybe = new ArrayList<>();
            long[] increments = new long[driven.size()];
            long[] maybeIncrements = new long[driven.size()];
            long[] acknowledgedAfterKill = new long[driven.size()];
            AtomicBoolean killed = new AtomicBoolean();
            AtomicBoolean[] stop = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            for (int i = 0; i < driven.size(); i++) {
                int driver = i;
                Map<String, String> model = new java.util.concurrent.ConcurrentHashMap<>(); // "null" once removed
                models.add(model);
                Map<String, java.util.Set<String>> unsure = new java.util.concurrent.ConcurrentHashMap<>();
                maybe.add(unsure);
                Random random = new Random(seed + i);
                running.add(drivers.submit(() -> {
                    MemberProcess member = driven.get(driver);
                    for (int op = 0; op < 200_000 && !stop[driver].get() && System.nanoTime() < deadline; op++) {
                        String key = "d" + driver + "-" + random.nextInt(keysPerDriver);
                        int choice = random.nextInt(10);
                        boolean afterKill = killed.get(); // sent after the kill; a failure is excused if the kill preceded its answer
                        String command = choice == 0 ? "remove model " + key
                                : choice == 1 ? "incr counters w" + driver : "put model " + key + " v" + op;
                        String answer = member.ask(command);
                        if (answer.startsWith("OK") || answer.startsWith("VALUE")) {
                            if (choice == 1) {
                                increments[driver]++;
                            } else {
                                model.put(key, choice == 0 ? "null" : "v" + op);
                                unsure.remove(key);
                            }
                            acknowledgedAfterKill[driver] += afterKill ? 1 : 0;
                        } else if (killed.get() && (answer.startsWith("ERROR IndeterminateOperationException")
                                || answer.startsWith("ERROR MemberUnavailableException"))) {
                            if (choice == 1) {
                                maybeIncrements[driver]++;
                            } else {
                                unsure.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(choice == 0 ? "null" : "v" + op);
                            }
                        } else {
                            throw new IllegalStateException("member " + member.name() + " answered '" + answer + "' to '"
                                    + command + "'");
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
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> table(a).missingCopies() == 0);

                // kill -9 while a and b write: d's slots are promoted on their copies
                killed.set(true);
                d.kill();
                await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> !table(a).slots().containsKey("d"));
                long[] atDeath = {acknowledgedAfterKill[0], acknowledgedAfterKill[1]};
                await().atMost(SETTLE).until(() -> acknowledgedAfterKill[0] > atDeath[0] + 200
                        && acknowledgedAfterKill[1] > atDeath[1] + 200 || running.get(0).isDone() || running.get(1).isDone());
            } finally {
                for (AtomicBoolean flag : stop) {
                    flag.set(true);
                }
                for (Future<?> driver : running) {
                    driver.get(SETTLE.toSeconds(), TimeUnit.SECONDS);
                }
            }
            Table after = table(a);
            assertThat(after.lost()).as("slots lost to the kill").isZero();
            System.out.println("MultiProcessClusterTest: acknowledged after the kill " + acknowledgedAfterKill[0] + " + "
                    + acknowledgedAfterKill[1] + ", indeterminate " + (maybe.get(0).size() + maybe.get(1).size())
                    + " keys; " + after);

            for (MemberProcess reader : List.of(a, b)) {
                for (int i = 0; i < models.size(); i++) {
                    for (Map.Entry<String, String> expected : models.get(i).entrySet()) {
                        java.util.Set<String> allowed = new java.util.HashSet<>(maybe.get(i).getOrDefault(expected.getKey(),
                                java.util.Set.of()));
                        allowed.add(expected.getValue());
                        assertThat(reader.expect("get model " + expected.getKey(), "VALUE"))
                                .as("%s through %s (seed %d)", expected.getKey(), reader.name(), seed).isIn(allowed);
                    }
                    String counter = reader.expect("get counters w" + i, "VALUE");
                    long value = counter.equals("null") ? 0 : Long.parseLong(counter);
                    assertThat(value).as("counter %d (seed %d)", i, seed)
                            .isBetween(increments[i], increments[i] + maybeIncrements[i]);
                }
            }
            // the copies the death took (and those promoted to owners) are made again on the survivors
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).until(() -> table(a).missingCopies() == 0);
            assertThat(b.ask("put model after-kill yes")).startsWith("OK");
        } catch (Throwable failure) {
            throw withOutputs(failure, started);
        } finally {
            drivers.shutdownNow();
            closeAll(started);
        }
    }
}
