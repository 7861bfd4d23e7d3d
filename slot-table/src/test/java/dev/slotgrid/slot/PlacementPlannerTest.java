package dev.slotgrid.slot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementPlannerTest {

    private static final int SLOTS = SlotTable.SLOTS;

    /** {@code n} nodes of weight 1, ids {@code 0..n-1}, named {@code n0..}. */
    static List<NodeInfo> equalNodes(int n) {
        List<NodeInfo> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            nodes.add(new NodeInfo(i, "n" + i, 1));
        }
        return nodes;
    }

    @Test
    void addingAFourthNodeToThree_movesExactly4096Slots_allToTheNewNode() {
        SlotTable three = SlotTable.initial(equalNodes(3));
        Plan plan = PlacementPlanner.plan(three, equalNodes(4));
        assertThat(plan.moves()).hasSize(4096);
        assertThat(plan.moves()).allSatisfy(move -> assertThat(move.to()).isEqualTo(3));
        for (int id = 0; id < 4; id++) {
            assertThat(plan.target().slotCount(id)).isEqualTo(4096);
        }
        assertThat(plan.target().epoch()).isEqualTo(three.epoch() + 1);
    }

    @Test
    void removingANode_movesOnlyThatNodesSlots() {
        SlotTable four = SlotTable.initial(equalNodes(4));
        List<NodeInfo> withoutOne = new ArrayList<>(equalNodes(4));
        withoutOne.remove(1);
        Plan plan = PlacementPlanner.plan(four, withoutOne);
        assertThat(plan.moves()).hasSize(4096);
        assertThat(plan.moves()).allSatisfy(move -> assertThat(move.from()).isEqualTo(1));
        assertThat(plan.target().nodes()).extracting(NodeInfo::id).containsExactly(0, 2, 3);
    }

    @Test
    void weightTwo_holdsTwiceTheSlots() {
        List<NodeInfo> nodes = List.of(new NodeInfo(0, "a", 1), new NodeInfo(1, "b", 2), new NodeInfo(2, "c", 1));
        SlotTable table = SlotTable.initial(nodes);
        assertThat(table.slotCount(1)).isEqualTo(8192);
        assertThat(table.slotCount(0)).isEqualTo(4096);
    }

    @Test
    void initialLayouts_areContiguousAndWithinOneSlotOfFairShare() {
        Random random = new Random(11);
        for (int n = 1; n <= 64; n++) {
            List<NodeInfo> nodes = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                nodes.add(new NodeInfo(i, "n" + i, 1 + random.nextInt(8)));
            }
            SlotTable table = SlotTable.initial(nodes);
            for (NodeInfo node : nodes) {
                assertThat(table.rangesOf(node.id())).hasSizeLessThanOrEqualTo(1);
                assertWithinOneSlot(table, nodes, node);
            }
        }
    }

    /**
     * Thousands of random membership sequences: joins, leaves and weight changes between 1 and 64
     * nodes. Every step must keep each node within one slot of its weighted fair share and move
     * the fewest slots possible, computed independently of the planner (exhaustively for small
     * clusters, in closed form otherwise).
     */
    @Test
    void randomMembershipSequences_keepFairShares_withMinimalMoves() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int plans = 0;
        for (int sequence = 0; sequence < 2_000; sequence++) {
            int nextId = 0;
            List<NodeInfo> members = new ArrayList<>();
            int initial = 1 + random.nextInt(random.nextBoolean() ? 8 : 64);
            for (int i = 0; i < initial; i++) {
                members.add(new NodeInfo(nextId, "n" + nextId++, weight(random)));
            }
            SlotTable table = SlotTable.initial(members);
            for (int step = 0; step < 5; step++) {
                List<NodeInfo> next = new ArrayList<>(members);
                int op = random.nextInt(3);
                if ((op == 0 && next.size() < 64) || next.size() == 1) {
                    next.add(new NodeInfo(nextId, "n" + nextId++, weight(random)));
                } else if (op == 1) {
                    next.remove(random.nextInt(next.size()));
                } else {
                    int i = random.nextInt(next.size());
                    NodeInfo old = next.get(i);
                    next.set(i, new NodeInfo(old.id(), old.name(), weight(random)));
                }
                Plan plan = PlacementPlanner.plan(table, next);
                String context = "seed " + seed + ", sequence " + sequence + ", step " + step + ", members " + next;
                checkPlan(table, next, plan, context);
                table = plan.target();
                members = next;
                plans++;
            }
        }
        assertThat(plans).isEqualTo(10_000);
    }

    private static int weight(Random random) {
        return random.nextInt(4) == 0 ? 1 + random.nextInt(64) : 1 + random.nextInt(3);
    }

    private static void checkPlan(SlotTable current, List<NodeInfo> members, Plan plan, String context) {
        SlotTable target = plan.target();
        for (NodeInfo node : members) {
            assertWithinOneSlot(target, members, node);
        }
        Map<Integer, Integer> held = new HashMap<>();
        for (int slot = 0; slot < SLOTS; slot++) {
            held.merge(current.ownerOf(slot), 1, Integer::sum);
        }
        // Each move starts at the current owner and the moves produce the target layout.
        short[] layout = current.owners();
        Set<Integer> givers = new HashSet<>();
        Set<Integer> receivers = new HashSet<>();
        for (Move move : plan.moves()) {
            assertThat(move.from()).as(context).isEqualTo(current.ownerOf(move.slot()));
            assertThat(move.to()).as(context).isNotEqualTo(move.from());
            layout[move.slot()] = (short) move.to();
            givers.add(move.from());
            receivers.add(move.to());
        }
        assertThat(layout).as(context).isEqualTo(target.owners());
        givers.retainAll(receivers);
        assertThat(givers).as("nodes that both give and receive; " + context).isEmpty();
        assertThat(plan.moves().size()).as("moves; " + context).isEqualTo(minimalMoves(members, held, current));
    }

    private static void assertWithinOneSlot(SlotTable table, List<NodeInfo> members, NodeInfo node) {
        long total = members.stream().mapToLong(NodeInfo::weight).sum();
        double share = (double) SLOTS * node.weight() / total;
        assertThat((double) table.slotCount(node.id())).as("slots of %s among %s", node, members)
                .isGreaterThan(share - 1).isLessThan(share + 1);
    }

    /** The fewest slots any fair layout over {@code members} must move away from {@code current}. */
    private static int minimalMoves(List<NodeInfo> members, Map<Integer, Integer> held, SlotTable current) {
        long total = members.stream().mapToLong(NodeInfo::weight).sum();
        int n = members.size();
        int[] floor = new int[n];
        boolean[] roundable = new boolean[n];
        int[] have = new int[n];
        int departed = SLOTS;
        int floors = 0;
        for (int i = 0; i < n; i++) {
            NodeInfo node = members.get(i);
            floor[i] = (int) ((long) SLOTS * node.weight() / total);
            roundable[i] = (long) SLOTS * node.weight() % total != 0;
            have[i] = held.getOrDefault(node.id(), 0);
            departed -= have[i];
            floors += floor[i];
        }
        int ups = SLOTS - floors;
        if (n <= 12) {
            // exhaustive: every choice of `ups` roundable nodes to round up
            int best = Integer.MAX_VALUE;
            for (int mask = 0; mask < 1 << n; mask++) {
                if (Integer.bitCount(mask) != ups) {
                    continue;
                }
                int moves = 0;
                boolean valid = true;
                for (int i = 0; i < n; i++) {
                    boolean up = (mask >> i & 1) == 1;
                    valid &= !up || roundable[i];
                    moves += Math.max(0, have[i] - floor[i] - (up ? 1 : 0));
                }
                if (valid) {
                    best = Math.min(best, moves);
                }
            }
            return departed + best;
        }
        // closed form: rounding up a node that holds more than its floor saves exactly one move
        int excess = 0;
        int savers = 0;
        for (int i = 0; i < n; i++) {
            excess += Math.max(0, have[i] - floor[i]);
            if (roundable[i] && have[i] > floor[i]) {
                savers++;
            }
        }
        return departed + excess - Math.min(ups, savers);
    }
}
