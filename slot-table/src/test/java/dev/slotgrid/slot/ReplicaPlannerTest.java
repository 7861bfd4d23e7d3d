package dev.slotgrid.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slotgrid.slot.ReplicaPlanner.ReplicaPlan;
import dev.slotgrid.slot.ReplicaPlanner.SlotCopy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicaPlannerTest {

    private static final int SLOTS = SlotTable.SLOTS;

    private static List<NodeInfo> equalNodes(int n) {
        return PlacementPlannerTest.equalNodes(n);
    }

    @Test
    void threeMembersOneBackup_everySlotBackedOnceElsewhere_balanced() {
        SlotTable table = SlotTable.initial(equalNodes(3));
        ReplicaPlan plan = ReplicaPlanner.plan(table, equalNodes(3), 1);
        checkInvariants(plan.target(), equalNodes(3), 1, "3 members");
        assertBalanced(plan.target(), equalNodes(3), "3 members");
        assertThat(plan.created()).hasSize(SLOTS);
        assertThat(plan.dropped()).isEmpty();
        assertThat(plan.target().epoch()).isEqualTo(table.epoch() + 1);
        // a member's own slots are backed by both others, about half each: its death spreads its load
        for (int owner = 0; owner < 3; owner++) {
            Map<Integer, Integer> backers = new HashMap<>();
            for (int slot : plan.target().slotsOf(owner)) {
                backers.merge(plan.target().replicas().backupOf(slot, 0), 1, Integer::sum);
            }
            assertThat(backers).hasSize(2);
            for (int n : backers.values()) {
                assertThat(n).isBetween(SLOTS / 6 - 2, SLOTS / 6 + 2);
            }
        }
    }

    @Test
    void planningAPlannedTableAgain_createsAndDropsNothing() {
        SlotTable table = ReplicaPlanner.plan(SlotTable.initial(equalNodes(5)), equalNodes(5), 2).target();
        ReplicaPlan again = ReplicaPlanner.plan(table, equalNodes(5), 2);
        assertThat(again.created()).isEmpty();
        assertThat(again.dropped()).isEmpty();
        assertThat(again.target().replicas()).isEqualTo(table.replicas());
    }

    @Test
    void aFourthMemberJoiningThree_receivesExactlyItsShareOfCopies_andOnlyItReceives() {
        SlotTable three = ReplicaPlanner.plan(SlotTable.initial(equalNodes(3)), equalNodes(3), 1).target();
        SlotTable four = three.withNode(new NodeInfo(3, "n3", 1));
        Plan primaries = PlacementPlanner.plan(four, equalNodes(4));
        SlotTable moved = four;
        for (Move move : primaries.moves()) {
            moved = moved.withOwner(move.slot(), move.to());
        }
        ReplicaPlan plan = ReplicaPlanner.plan(moved, equalNodes(4), 1);
        checkInvariants(plan.target(), equalNodes(4), 1, "4 members");
        assertBalanced(plan.target(), equalNodes(4), "4 members");
        assertThat(plan.created()).hasSize(4096).allSatisfy(copy -> assertThat(copy.member()).isEqualTo(3));
        assertThat(plan.dropped()).hasSize(4096).allSatisfy(copy -> assertThat(copy.member()).isNotEqualTo(3));
    }

    @Test
    void ownerDies_itsSlotsGoToTheirBackups_nothingIsLost_andTheCopiesAreRecreatedOnSurvivors() {
        SlotTable table = ReplicaPlanner.plan(SlotTable.initial(equalNodes(4)), equalNodes(4), 1).target();
        int[] deadsSlots = table.slotsOf(2);
        Map<Integer, Integer> backupOfDeads = new HashMap<>();
        for (int slot : deadsSlots) {
            backupOfDeads.put(slot, table.replicas().backupOf(slot, 0));
        }
        int copiesOnDead = table.replicas().copiesHeldBy(2);

        SlotTable promoted = table.withOwnerFailed(2);
        assertThat(promoted.epoch()).isEqualTo(table.epoch() + 1);
        assertThat(promoted.slotCount(2)).isZero();
        for (int slot : deadsSlots) {
            assertThat(promoted.ownerOf(slot)).isEqualTo(backupOfDeads.get(slot));
            assertThat(promoted.replicas().backupsOf(slot)).isEmpty();
        }
        assertThat(promoted.replicas().copiesHeldBy(2)).isZero();
        assertThat(promoted.replicas().holes()).isEqualTo(deadsSlots.length + copiesOnDead);

        List<NodeInfo> survivors = new ArrayList<>(equalNodes(4));
        survivors.remove(2);
        ReplicaPlan plan = ReplicaPlanner.plan(promoted, survivors, 1);
        checkInvariants(plan.target(), survivors, 1, "survivors");
        assertThat(plan.created()).hasSize(deadsSlots.length + copiesOnDead);
        assertThat(plan.dropped()).isEmpty();
    }

    @Test
    void twoDeathsWithOneBackup_slotsWhoseEveryCopyDied_stayWithTheDeadForTheCallerToMarkLost() {
        SlotTable table = ReplicaPlanner.plan(SlotTable.initial(equalNodes(4)), equalNodes(4), 1).target();
        Set<Integer> doomed = new HashSet<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            int owner = table.ownerOf(slot);
            int backup = table.replicas().backupOf(slot, 0);
            if ((owner == 0 || owner == 1) && (backup == 0 || backup == 1)) {
                doomed.add(slot);
            }
        }
        assertThat(doomed).isNotEmpty();
        SlotTable after = table.withOwnerFailed(0).withOwnerFailed(1);
        for (int slot = 0; slot < SLOTS; slot++) {
            boolean deadOwner = after.ownerOf(slot) == 0 || after.ownerOf(slot) == 1;
            assertThat(deadOwner).as("slot %d", slot).isEqualTo(doomed.contains(slot));
        }
    }

    @Test
    void moreBackupsThanOtherMembers_eachSlotIsBackedByEveryOtherMember() {
        SlotTable table = ReplicaPlanner.plan(SlotTable.initial(equalNodes(3)), equalNodes(3), 4).target();
        for (int slot = 0; slot < SLOTS; slot++) {
            assertThat(table.replicas().backupsOf(slot)).hasSize(2);
        }
        assertThat(table.replicas().holes()).isEqualTo(2 * SLOTS);
    }

    @Test
    void anOwnerThatBecomesAnOwnerOfItsBackedSlot_isNoLongerItsBackup() {
        SlotTable table = ReplicaPlanner.plan(SlotTable.initial(equalNodes(3)), equalNodes(3), 1).target();
        int backup = table.replicas().backupOf(0, 0);
        SlotTable moved = table.withOwner(0, backup);
        assertThat(moved.replicas().backupsOf(0)).isEmpty();
        assertThat(moved.replicas().holes()).isEqualTo(1);
    }

    @Test
    void badInput_isNamed_andChangesNothing() {
        SlotTable table = SlotTable.initial(equalNodes(3));
        assertThatThrownBy(() -> ReplicaPlanner.plan(table, equalNodes(3), 7))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backups must be in [0, 6], was 7");
        assertThatThrownBy(() -> ReplicaPlanner.plan(table, equalNodes(4), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not registered");
        short[][] ranks = new short[1][SLOTS];
        assertThatThrownBy(() -> table.withReplicas(Replicas.of(ranks)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the owner 0 of slot 0 cannot be its backup");
        ranks[0] = new short[SLOTS];
        java.util.Arrays.fill(ranks[0], (short) 9);
        assertThatThrownBy(() -> table.withReplicas(Replicas.of(ranks)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backup 9 of slot 0 is not in the table");
        short[][] gap = new short[2][SLOTS];
        java.util.Arrays.fill(gap[0], (short) Replicas.NONE);
        java.util.Arrays.fill(gap[1], (short) 1);
        assertThatThrownBy(() -> Replicas.of(gap))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slot 0 has a backup at rank 1 after a hole");
        short[][] twice = new short[2][SLOTS];
        java.util.Arrays.fill(twice[0], (short) 1);
        java.util.Arrays.fill(twice[1], (short) 1);
        assertThatThrownBy(() -> Replicas.of(twice))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names member 1 at ranks 0 and 1");
        assertThat(table.replicas()).isSameAs(Replicas.EMPTY);
    }

    /**
     * Random membership sequences (joins, leaves, deaths) with 0 to 3 backups and equal weights:
     * after the primaries move and the backups are planned, every slot has its copies on distinct
     * members other than its owner, every member holds within one copy of its fair share, and the
     * plan creates at most 5% more copies than a lower bound on the fewest a balanced plan must
     * create (the greedy fill with chains of fresh copies is not a min-cost flow, but it met the
     * bound exactly in each of some thousand plans checked; a seed that failed a looser bound, one
     * that let each member below its share count every hole it could fill as its own, is pinned
     * below).
     */
    @Test
    void randomSequences_keepCopiesDistinct_balanced_andCreateTheFewest() {
        long seed = Long.getLong("seed", System.nanoTime());
        System.out.println("ReplicaPlannerTest seed=" + seed);
        randomSequences(seed);
    }

    /**
     * A CI run's seed: after a leave from seven members with three backups, the two members below
     * their share could fill fewer holes together than each could alone: the plan created 12% more
     * copies than the looser bound, and exactly the flow's bound.
     */
    @Test
    void theSeedWhereMembersBelowTheirShareCompeteForTheSameHoles() {
        randomSequences(3504973719071L);
    }

    private static void randomSequences(long seed) {
        Random random = new Random(seed);
        int plans = 0;
        for (int sequence = 0; sequence < 60; sequence++) {
            int backups = random.nextInt(4);
            int nextId = 0;
            List<NodeInfo> members = new ArrayList<>();
            int initial = 1 + random.nextInt(10);
            for (int i = 0; i < initial; i++) {
                members.add(new NodeInfo(nextId, "n" + nextId++, 1));
            }
            SlotTable table = ReplicaPlanner.plan(SlotTable.initial(members), members, backups).target();
            for (int step = 0; step < 4; step++) {
                String context = "seed " + seed + ", sequence " + sequence + ", step " + step + ", backups " + backups;
                List<NodeInfo> next = new ArrayList<>(members);
                int op = random.nextInt(3);
                if (op == 0 || next.size() == 1) {
                    NodeInfo joiner = new NodeInfo(nextId, "n" + nextId++, 1);
                    next.add(joiner);
                    table = table.withNode(joiner);
                } else if (op == 1) {
                    NodeInfo dead = next.remove(random.nextInt(next.size()));
                    table = table.withOwnerFailed(dead.id());
                    int[] orphans = table.slotsOf(dead.id());
                    int[] heirs = new int[orphans.length];
                    for (int k = 0; k < orphans.length; k++) {
                        heirs[k] = next.get(k % next.size()).id();
                    }
                    table = table.withLostOwners(orphans, heirs).withoutLost();
                } else {
                    next.remove(random.nextInt(next.size())); // a graceful leave: its slots move below
                }
                for (Move move : PlacementPlanner.plan(table, next).moves()) {
                    table = table.withOwner(move.slot(), move.to());
                }
                ReplicaPlan plan = ReplicaPlanner.plan(table, next, backups);
                checkInvariants(plan.target(), next, backups, context);
                assertBalanced(plan.target(), next, context);
                int fewest = fewestCreations(table, next, backups);
                assertThat(plan.created().size()).as("copies created; " + context)
                        .isLessThanOrEqualTo(fewest + fewest / 20);
                assertThat(ReplicaPlanner.plan(plan.target(), next, backups).created()).as("replanned; " + context).isEmpty();
                table = plan.target();
                members = next;
                plans++;
            }
        }
        assertThat(plans).isEqualTo(240);
    }

    /**
     * A lower bound on the copies a balanced plan creates: every copy wanted, minus the valid copies
     * each member keeps (all of them up to its rounded-down share), plus one for each copy a member
     * below its share cannot get from a slot missing copies, since it must then take a kept copy,
     * whose holder then fills a hole instead. How many copies the members below their share can get
     * from the holes, together (they compete for the same holes), is a maximum flow: holes to the
     * members eligible for them (one copy of a slot per member, not its owner, not a member keeping
     * a copy of it), each member taking at most what it lacks. Slots with the same eligible members
     * and holes are one node of the flow, since they are interchangeable.
     */
    private static int fewestCreations(SlotTable table, List<NodeInfo> members, int backups) {
        List<Integer> ids = members.stream().map(NodeInfo::id).sorted().toList();
        int wanted = 0;
        int[] have = new int[ids.size()];
        Map<Long, Integer> classes = new HashMap<>(); // (eligible members as bits, holes) -> slots
        for (int slot = 0; slot < SLOTS; slot++) {
            int owner = table.ownerOf(slot);
            int want = Math.min(backups, members.size() - (ids.contains(owner) ? 1 : 0));
            wanted += want;
            Set<Integer> kept = new HashSet<>();
            for (int member : table.replicas().backupsOf(slot)) {
                if (kept.size() < want && ids.contains(member) && member != owner) {
                    have[ids.indexOf(member)]++;
                    kept.add(member);
                }
            }
            if (kept.size() < want) {
                long eligible = 0;
                for (int i = 0; i < ids.size(); i++) {
                    if (ids.get(i) != owner && !kept.contains(ids.get(i))) {
                        eligible |= 1L << i;
                    }
                }
                classes.merge(eligible << 8 | (want - kept.size()), 1, Integer::sum);
            }
        }
        int floor = wanted / members.size();
        int ceiling = (wanted + members.size() - 1) / members.size();
        int keepable = 0;
        int[] lacks = new int[ids.size()];
        for (int i = 0; i < ids.size(); i++) {
            keepable += Math.min(have[i], floor);
            lacks[i] = Math.max(0, ceiling - have[i]);
        }
        int served = maxFlow(new ArrayList<>(classes.entrySet()), lacks);
        return wanted - keepable + (java.util.Arrays.stream(lacks).sum() - served);
    }

    /** Edmonds-Karp over source -> slot classes -> members -> sink; returns the flow's value. */
    private static int maxFlow(List<Map.Entry<Long, Integer>> classes, int[] lacks) {
        int c = classes.size();
        int m = lacks.length;
        int n = c + m + 2;
        int source = c + m;
        int sink = source + 1;
        int[][] capacity = new int[n][n];
        for (int k = 0; k < c; k++) {
            long eligible = classes.get(k).getKey() >>> 8;
            int holes = (int) (classes.get(k).getKey() & 0xFF);
            int slots = classes.get(k).getValue();
            capacity[source][k] = slots * holes;
            for (int i = 0; i < m; i++) {
                if ((eligible >>> i & 1) != 0) {
                    capacity[k][c + i] = slots; // one copy of each of the class's slots per member
                }
            }
        }
        for (int i = 0; i < m; i++) {
            capacity[c + i][sink] = lacks[i];
        }
        int flow = 0;
        int[] parent = new int[n];
        for (;;) {
            java.util.Arrays.fill(parent, -1);
            parent[source] = source;
            java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(source));
            while (!queue.isEmpty() && parent[sink] < 0) {
                int u = queue.poll();
                for (int v = 0; v < n; v++) {
                    if (parent[v] < 0 && capacity[u][v] > 0) {
                        parent[v] = u;
                        queue.add(v);
                    }
                }
            }
            if (parent[sink] < 0) {
                return flow;
            }
            int push = Integer.MAX_VALUE;
            for (int v = sink; v != source; v = parent[v]) {
                push = Math.min(push, capacity[parent[v]][v]);
            }
            for (int v = sink; v != source; v = parent[v]) {
                capacity[parent[v]][v] -= push;
                capacity[v][parent[v]] += push;
            }
            flow += push;
        }
    }

    private static void checkInvariants(SlotTable table, List<NodeInfo> members, int backups, String context) {
        Set<Integer> ids = new HashSet<>();
        members.forEach(m -> ids.add(m.id()));
        for (int slot = 0; slot < SLOTS; slot++) {
            int[] copies = table.replicas().backupsOf(slot);
            int owner = table.ownerOf(slot);
            assertThat(copies).as("copies of slot %d; %s", slot, context)
                    .hasSize(Math.min(backups, members.size() - (ids.contains(owner) ? 1 : 0)))
                    .doesNotContain(owner).doesNotHaveDuplicates();
            for (int member : copies) {
                assertThat(ids).as("holder of slot %d; %s", slot, context).contains(member);
            }
        }
    }

    private static void assertBalanced(SlotTable table, List<NodeInfo> members, String context) {
        int total = 0;
        for (NodeInfo member : members) {
            total += table.replicas().copiesHeldBy(member.id());
        }
        double share = (double) total / members.size();
        for (NodeInfo member : members) {
            assertThat((double) table.replicas().copiesHeldBy(member.id())).as("copies of %s; %s", member, context)
                    .isGreaterThan(share - 1).isLessThan(share + 1);
        }
    }

    @Test
    void slotCopies_areOrderedBySlot() {
        ReplicaPlan plan = ReplicaPlanner.plan(SlotTable.initial(equalNodes(3)), equalNodes(3), 2);
        int previous = -1;
        for (SlotCopy copy : plan.created()) {
            assertThat(copy.slot()).isGreaterThanOrEqualTo(previous);
            previous = copy.slot();
        }
        assertThat(plan.created()).hasSize(2 * SLOTS);
    }
}
