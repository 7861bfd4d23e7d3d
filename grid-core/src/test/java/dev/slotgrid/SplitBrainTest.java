package dev.slotgrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A network split between clustered members in this JVM (each with its own Hazelcast and Netty on
 * loopback): a {@link FaultInjector#partition} cuts member {@code a} off the data plane of {@code b}
 * and {@code c}. The side without a majority refuses reads and writes once its lease lapses
 * ({@link NoMajorityException}) and changes nothing; the majority side goes on serving what it
 * holds, under writers that remember every acknowledged write; when the split heals, {@code a}
 * serves again and every acknowledged write is read back through every member.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SplitBrainTest {

    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final int WRITERS = 2;
    private static final int MAX_WRITES = 400;

    @Test
    void aMemberCutOffFromTheMajority_refusesReadsAndWrites_theMajorityServes_andAfterTheHealNothingIsLost()
            throws Exception {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("SplitBrainTest seed=" + seed + " (rerun with -Dseed=" + seed + ")");
        FaultInjector faults = new FaultInjector();
        try (ClusterMembers members = new ClusterMembers("split-" + System.nanoTime())) {
            SlotGrid a = members.start("a", builder -> builder.faults(faults));
            SlotGrid b = members.start("b", builder -> builder.faults(faults));
            SlotGrid c = members.start("c", builder -> builder.faults(faults));
            ClusteredGridTest.awaitSettled(a, 3);
            await("every copy made").atMost(WITHIN).until(() -> a.table().replicas().holes() == 0);
            SlotTable table = a.table();
            String onA = "{" + SlotKeys.tagForSlot(slotOwnedBy(table, "a")) + "}:k";
            List<String> majorityKeys = new ArrayList<>();
            for (String[] pair : new String[][] {{"b", "c"}, {"c", "b"}}) {
                String tag = SlotKeys.tagForSlot(slotOwnedAndBackedUp(table, pair[0], pair[1]));
                majorityKeys.addAll(SlotKeys.keysWithTag(tag, 8));
            }
            GridMap<String, String> viaA = a.map("kv");
            GridMap<String, String> viaB = b.map("kv");
            GridMap<String, String> viaC = c.map("kv");
            viaB.put(onA, "before");
            for (String key : majorityKeys) {
                viaB.put(key, "before");
            }
            assertThat(viaA.get(onA)).isEqualTo("before");
            assertThat(a.clusteredMember().view()).contains("majority=true");

            faults.partition(Set.of("a"), Set.of("b", "c"));
            await("a refuses once its lease lapses").atMost(WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
                try {
                    viaA.get(onA);
                    return false;
                } catch (NoMajorityException refused) {
                    return true;
                }
            });
            assertThatThrownBy(() -> viaA.put(onA, "written on the minority side"))
                    .isInstanceOf(NoMajorityException.class)
                    .hasMessageContaining("'a' refuses reads and writes")
                    .hasMessageContaining("no majority");
            assertThat(a.clusteredMember().view()).contains("majority=false");
            assertThat(a.stats().node("a").refusedWithoutMajority()).as("refusals counted on a").isPositive();
            assertThatThrownBy(() -> viaB.get(onA)).as("the minority's slots, from the majority side")
                    .isInstanceOf(MemberUnavailableException.class);

            // the majority side serves what it holds, every acknowledged write remembered
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            Map<String, Set<String>> unsure = new ConcurrentHashMap<>();
            AtomicBoolean unexpected = new AtomicBoolean();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                GridMap<String, String> via = w == 0 ? viaB : viaC;
                Random random = new Random(seed + w);
                Thread thread = new Thread(() -> {
                    for (int op = 0; op < MAX_WRITES; op++) {
                        String key = majorityKeys.get(random.nextInt(majorityKeys.size() / WRITERS) * WRITERS + writer);
                        String value = "w" + writer + "#" + op;
                        try {
                            via.put(key, value);
                            acknowledged.put(key, value);
                            unsure.remove(key);
                        } catch (IndeterminateOperationException maybe) {
                            unsure.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(value);
                        } catch (RuntimeException e) {
                            unexpected.set(true);
                            e.printStackTrace();
                            return;
                        }
                    }
                }, "split-writer-" + w);
                thread.start();
                writers.add(thread);
            }
            for (Thread thread : writers) {
                thread.join(WITHIN.toMillis());
                assertThat(thread.isAlive()).as("writer %s finished", thread.getName()).isFalse();
            }
            assertThat(unexpected).as("writers on the majority side failed (see the stack traces)").isFalse();
            assertThat(acknowledged).as("writes the majority acknowledged").isNotEmpty();

            faults.clear();
            await("a serves again once the majority confirms it").atMost(WITHIN).pollInterval(Duration.ofMillis(100))
                    .ignoreException(NoMajorityException.class).until(() -> "before".equals(viaA.get(onA)));
            assertThat(a.clusteredMember().view()).contains("majority=true");
            for (SlotGrid member : List.of(a, b, c)) {
                GridMap<String, String> map = member.map("kv");
                assertThat(map.get(onA)).as("the write refused on the minority side, read through %s", member)
                        .isEqualTo("before");
                for (Map.Entry<String, String> entry : acknowledged.entrySet()) {
                    String read = map.get(entry.getKey());
                    Set<String> maybe = unsure.getOrDefault(entry.getKey(), Set.of());
                    assertThat(read.equals(entry.getValue()) || maybe.contains(read))
                            .as("%s through %s: acknowledged %s (or one of %s), read %s", entry.getKey(), member,
                                    entry.getValue(), maybe, read)
                            .isTrue();
                }
            }
        }
    }

    private static int slotOwnedBy(SlotTable table, String name) {
        int id = idOf(table, name);
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            if (table.ownerOf(slot) == id) {
                return slot;
            }
        }
        throw new AssertionError(name + " owns no slot in " + table);
    }

    private static int slotOwnedAndBackedUp(SlotTable table, String owner, String backup) {
        int ownerId = idOf(table, owner);
        int backupId = idOf(table, backup);
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            if (table.ownerOf(slot) == ownerId && table.replicas().isBackup(slot, backupId)) {
                return slot;
            }
        }
        throw new AssertionError("no slot of " + owner + " backed up on " + backup + " in " + table);
    }

    private static int idOf(SlotTable table, String name) {
        for (NodeInfo node : table.nodes()) {
            if (node.name().equals(name)) {
                return node.id();
            }
        }
        throw new AssertionError(name + " is not in " + table);
    }
}
