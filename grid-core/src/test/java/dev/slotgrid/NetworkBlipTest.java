package dev.slotgrid;

import static dev.slotgrid.MultiProcessClusterTest.awaitSettled;
import static dev.slotgrid.MultiProcessClusterTest.closeAll;
import static dev.slotgrid.MultiProcessClusterTest.member;
import static dev.slotgrid.MultiProcessClusterTest.table;
import static dev.slotgrid.MultiProcessClusterTest.withOutputs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A network blip, made with {@code kill -STOP} and {@code kill -CONT} on a member JVM: frozen past
 * the failure timeout, it is declared dead by the others, and when it runs again its Hazelcast sees
 * itself alone, then merges back. The pitfalls: the frozen member must not take over as
 * coordinator on its own, nor declare the others dead, nor publish a table that conflicts with
 * theirs; it must not come back as if nothing happened (its slots were given away as lost); and
 * a frozen coordinator must step down for the one the others chose. Checked: the tables every
 * member adopted (no epoch with two layouts), the expulsion of the member that came back, and a
 * model of every acknowledged write: each key read back has its last acknowledged value (or one
 * of the writes whose answer was lost), or is refused as lost, never served wrong. The members run
 * with {@code --backups 0}: what a frozen member's loss costs without copies is what is checked
 * (with copies its slots are promoted: {@code MultiProcessClusterTest}).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class NetworkBlipTest {

    private static final List<String> NO_BACKUPS = List.of("--backups", "0");

    private static final Duration WAIT = Duration.ofSeconds(180);

    /** The values a key may hold: the last acknowledged write, and any write after it whose answer was an error. */
    private static final class Model {
        final Map<String, Set<String>> allowed = new ConcurrentHashMap<>();

        void acknowledged(String key, String value) {
            Set<String> only = new LinkedHashSet<>();
            only.add(value);
            allowed.put(key, only);
        }

        void unknown(String key, String value) {
            allowed.computeIfAbsent(key, k -> {
                Set<String> never = new LinkedHashSet<>();
                never.add("null");
                return never;
            }).add(value);
        }

        final List<String> lost = new ArrayList<>();

        /** Reads every key through {@code reader}; returns {served, refused as lost}, and keeps the lost keys. */
        int[] verify(MemberProcess reader, long seed) {
            this.lost.clear();
            int served = 0;
            int lost = 0;
            for (Map.Entry<String, Set<String>> key : allowed.entrySet()) {
                String answer = reader.ask("get model " + key.getKey());
                if (answer.startsWith("ERROR SlotLostException")) {
                    lost++;
                    this.lost.add(key.getKey());
                } else {
                    assertThat(answer).as("%s through %s (seed %d)", key.getKey(), reader.name(), seed).startsWith("VALUE ");
                    assertThat(key.getValue()).as("%s through %s (seed %d)", key.getKey(), reader.name(), seed)
                            .contains(answer.substring(6));
                    served++;
                }
            }
            return new int[] {served, lost};
        }

        /** The loss of the keys refused by the last {@link #verify} was acknowledged: they are gone. */
        void lossAcknowledged() {
            for (String key : lost) {
                acknowledged(key, "null");
            }
        }
    }

    /** Writes random keys through one member until stopped (bounded in count and time). */
    private static Future<?> writer(ExecutorService pool, MemberProcess through, Model model, String prefix, Random random,
            AtomicBoolean stop) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        return pool.submit(() -> {
            for (int op = 0; op < 20_000 && !stop.get() && System.nanoTime() < deadline; op++) {
                String key = prefix + random.nextInt(400);
                String value = prefix + op;
                String answer = through.ask("put model " + key + " " + value);
                if (answer.startsWith("OK")) {
                    model.acknowledged(key, value);
                } else if (!answer.startsWith("ERROR SlotLostException")) { // refused as lost: not applied
                    model.unknown(key, value);
                }
            }
            return null;
        });
    }

    /** Every table each member adopted, epoch → digest; fails if one epoch was seen with two layouts. */
    private static void noEpochConflict(Map<Long, String> seen, List<MemberProcess> members) {
        for (MemberProcess member : members) {
            String view = member.expect("member", "MEMBER");
            String tables = view.substring(view.indexOf("tables=") + 7);
            if (tables.isEmpty()) {
                continue;
            }
            for (String table : tables.split(",")) {
                long epoch = Long.parseLong(table.substring(0, table.indexOf(':')));
                String digest = table.substring(table.indexOf(':') + 1);
                String before = seen.putIfAbsent(epoch, digest + " (at " + member.name() + ")");
                assertThat(before == null || before.startsWith(digest + " "))
                        .as("epoch %d: %s at %s, but %s", epoch, digest, member.name(), before).isTrue();
            }
        }
    }

    /** Settled and balanced: the members named, nothing migrating, each within one slot of its fair share. */
    private static void awaitBalanced(MemberProcess asked, String... members) {
        awaitSettled(asked, members);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            MultiProcessClusterTest.Table table = table(asked);
            return table.migrating() == 0 && table.slots().size() == members.length && table.slots().values().stream()
                    .allMatch(n -> Math.abs(n - 16384 / members.length) <= 1);
        });
    }

    /**
     * After an expulsion: the loss acknowledged through the coordinator, the expelled process
     * replaced by a new one of the same name, the grid balanced again with nothing lost, and every
     * key of the model read back through the new member.
     */
    private static MemberProcess replace(MemberProcess expelled, MemberProcess coordinator, Model model, long seed,
            String cluster, int port, int[] ports, List<MemberProcess> started) throws Exception {
        coordinator.expect("acknowledge-lost", "OK");
        model.lossAcknowledged();
        expelled.kill();
        MemberProcess again = member(cluster, expelled.name(), port, NO_BACKUPS, ports);
        started.add(again);
        awaitBalanced(coordinator, "a", "b", "c");
        assertThat(table(coordinator).lost()).isZero();
        model.verify(again, seed);
        assertThat(model.lost).as("nothing is lost any more").isEmpty();
        return again;
    }

    private static boolean viewSays(MemberProcess member, String what) {
        return member.expect("member", "MEMBER").contains(what);
    }

    @Test
    void aFrozenMember_isDeclaredDeadAndExpelled_aFrozenCoordinator_isReplaced_andNoEpochHasTwoLayouts() throws Exception {
        long seed = System.nanoTime();
        System.out.println("NetworkBlipTest seed = " + seed);
        Random random = new Random(seed);
        String cluster = "blip-" + seed;
        int[] ports = {ClusterMembers.freePort(), ClusterMembers.freePort(), ClusterMembers.freePort()};
        List<MemberProcess> started = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Map<Long, String> seen = new HashMap<>();
        try {
            MemberProcess a = member(cluster, "a", ports[0], NO_BACKUPS, ports);
            started.add(a);
            MemberProcess b = member(cluster, "b", ports[1], NO_BACKUPS, ports);
            started.add(b);
            MemberProcess c = member(cluster, "c", ports[2], NO_BACKUPS, ports);
            started.add(c);
            awaitBalanced(a, "a", "b", "c");
            Model model = new Model();

            // 1. b freezes under load through a and c: declared dead, its slots lost; thawed, it is expelled
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<?>> writers = List.of(writer(pool, a, model, "a", new Random(random.nextLong()), stop),
                    writer(pool, c, model, "c", new Random(random.nextLong()), stop));
            await().atMost(WAIT).until(() -> model.allowed.size() > 100);
            int bSlots = table(a).slots().get("b");
            b.pause();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> !table(a).slots().containsKey("b"));
            assertThat(table(a).lost()).as("b's slots are lost").isEqualTo(bSlots);
            b.resume();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> viewSays(b, "expelled=true"));
            stop.set(true);
            for (Future<?> writer : writers) {
                writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertThat(b.ask("put model after-expulsion 1")).startsWith("ERROR MemberUnavailableException")
                    .contains("expelled");
            assertThat(viewSays(b, "coordinator=false")).as("b never coordinated").isTrue();
            assertThat(table(a).slots().keySet()).containsExactlyInAnyOrder("a", "c");
            noEpochConflict(seen, List.of(a, b, c));
            int[] afterB = model.verify(c, seed);
            assertThat(afterB[0]).as("keys of the survivors' slots are served").isPositive();
            assertThat(afterB[1]).as("keys of b's slots are refused as lost").isPositive();

            // b comes back as a new process: a new member with its share
            MemberProcess b2 = replace(b, a, model, seed, cluster, ports[1], ports, started);

            // 2. the coordinator a freezes under load through b: c (the oldest after a) takes over; a, thawed,
            //    steps down and is expelled
            stop.set(false);
            Future<?> writer = writer(pool, b2, model, "x", new Random(random.nextLong()), stop);
            int size = model.allowed.size();
            await().atMost(WAIT).until(() -> model.allowed.size() > size + 50);
            a.pause();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> viewSays(c, "coordinator=true"));
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> !table(b2).slots().containsKey("a"));
            a.resume();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> viewSays(a, "expelled=true"));
            stop.set(true);
            writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(viewSays(a, "coordinator=false")).as("a stepped down").isTrue();
            assertThat(viewSays(b2, "coordinator=false")).isTrue();
            noEpochConflict(seen, List.of(a, b2, c));
            int[] afterA = model.verify(b2, seed);
            assertThat(afterA[0]).isPositive();
            assertThat(afterA[1]).as("keys of a's slots are refused as lost").isPositive();
            MemberProcess a2 = replace(a, c, model, seed, cluster, ports[0], ports, started);
            assertThat(a2.ask("put model after-both 1")).isEqualTo("OK null");
            assertThat(c.ask("get model after-both")).isEqualTo("VALUE 1");
            noEpochConflict(seen, List.of(a2, b2, c));
        } catch (Throwable failure) {
            throw withOutputs(failure, started);
        } finally {
            pool.shutdownNow();
            closeAll(started);
        }
    }
}
