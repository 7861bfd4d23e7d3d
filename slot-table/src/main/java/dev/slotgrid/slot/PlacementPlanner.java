package dev.slotgrid.slot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Decides which node owns which slot: the initial layout, and the moves that take a table to a new
 * set of members.
 *
 * <p>Both keep every node within one slot of its weighted fair share {@code SLOTS * weight / total
 * weight}: its slot count is that share rounded down or up. {@link #plan} also moves the fewest
 * slots possible: a node never both gives and receives slots, a node gives only what exceeds its
 * new share, and where a share may be rounded either way the node that already holds the extra
 * slot keeps it. So adding a fourth node to three equal ones moves exactly 4096 slots, all to the
 * new node, and removing a node moves only that node's slots.
 *
 * <p>Stateless and thread-safe. Cost: linear in the slot count, about a millisecond.
 */
public final class PlacementPlanner {

    private static final int SLOTS = SlotTable.SLOTS;

    private PlacementPlanner() {
    }

    /**
     * Balanced contiguous ranges in the order the nodes are given, as {@code redis-cli --cluster
     * create} lays them out: for three equal nodes {@code 0-5460}, {@code 5461-10922},
     * {@code 10923-16383}. Node {@code i} ends at the rounded cumulative share of nodes {@code 0..i}.
     *
     * @param nodes at least one node
     * @return the owner of each slot, a new array
     * @throws IllegalArgumentException if {@code nodes} is empty
     * @throws NullPointerException if {@code nodes} is or holds {@code null}; the message gives its index
     */
    public static short[] initialLayout(List<NodeInfo> nodes) {
        SlotTable.requireNodes(nodes, "nodes");
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a layout needs at least one node");
        }
        long total = totalWeight(nodes);
        short[] layout = new short[SLOTS];
        long cumulative = 0;
        int first = 0;
        for (NodeInfo node : nodes) {
            cumulative += node.weight();
            // round(SLOTS * cumulative / total), half up, in exact integer arithmetic
            int end = (int) ((2L * SLOTS * cumulative + total) / (2 * total));
            Arrays.fill(layout, first, end, (short) node.id());
            first = end;
        }
        return layout;
    }

    /**
     * The moves that take {@code current} to a layout over {@code members}: nodes of {@code current}
     * missing from {@code members} give up all their slots, new nodes receive, and every member ends
     * within one slot of its fair share with as few moves as possible.
     *
     * @param current the table now
     * @param members the nodes after the change (joins added, leaves left out), at least one,
     *     distinct ids and names; a member of {@code current} may come with a new weight
     * @return the plan; its target table is {@code current}'s epoch + 1
     * @throws IllegalArgumentException if {@code members} is empty or has duplicate ids or names
     * @throws NullPointerException if {@code current} is {@code null}, or {@code members} is or
     *     holds {@code null} (the message gives its index)
     */
    public static Plan plan(SlotTable current, List<NodeInfo> members) {
        Objects.requireNonNull(current, "current must not be null");
        SlotTable.requireNodes(members, "members");
        SlotTable registry = SlotTable.initial(members); // validates members; only its registry is used
        NodeInfo[] sorted = registry.nodes().toArray(new NodeInfo[0]);
        int[] indexOfId = new int[NodeInfo.MAX_NODE_ID + 1];
        Arrays.fill(indexOfId, -1);
        for (int i = 0; i < sorted.length; i++) {
            indexOfId[sorted[i].id()] = i;
        }
        short[] owners = current.owners();
        int[] held = new int[sorted.length];
        for (short owner : owners) {
            int i = indexOfId[owner];
            if (i >= 0) {
                held[i]++;
            }
        }
        int[] target = fairShares(sorted, held);

        // Release: every slot of a departing node; the highest slots of a node above its target.
        int[] excess = new int[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            excess[i] = Math.max(0, held[i] - target[i]);
        }
        boolean[] released = new boolean[SLOTS];
        int releasedCount = 0;
        for (int slot = SLOTS - 1; slot >= 0; slot--) {
            int i = indexOfId[owners[slot]];
            if (i < 0) {
                released[slot] = true;
                releasedCount++;
            } else if (excess[i] > 0) {
                excess[i]--;
                released[slot] = true;
                releasedCount++;
            }
        }

        // Receive: released slots, ascending, fill the deficits of nodes in id order.
        List<Move> moves = new ArrayList<>(releasedCount);
        short[] layout = owners.clone();
        int receiver = 0;
        int deficit = sorted.length > 0 ? target[0] - held[0] : 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            if (!released[slot]) {
                continue;
            }
            while (deficit <= 0) {
                receiver++;
                deficit = target[receiver] - held[receiver];
            }
            int to = sorted[receiver].id();
            moves.add(new Move(slot, owners[slot], to));
            layout[slot] = (short) to;
            deficit--;
        }
        return new Plan(current, SlotTable.create(current.epoch() + 1, layout, List.of(sorted)), moves);
    }

    /**
     * Each node's target slot count: its fair share rounded down, plus one for as many nodes as the
     * remainder leaves, given first to nodes that already hold more than the rounded-down share
     * (each such choice saves a move), then by largest fractional share, then by id.
     */
    static int[] fairShares(NodeInfo[] nodes, int[] held) {
        return fairShares(nodes, held, SLOTS);
    }

    /** As {@link #fairShares(NodeInfo[], int[])}, for {@code units} things to share instead of the slots. */
    static int[] fairShares(NodeInfo[] nodes, int[] held, int units) {
        long total = totalWeight(List.of(nodes));
        int[] target = new int[nodes.length];
        long[] fraction = new long[nodes.length];
        int assigned = 0;
        List<Integer> roundable = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            long share = (long) units * nodes[i].weight();
            target[i] = (int) (share / total);
            fraction[i] = share % total;
            assigned += target[i];
            if (fraction[i] != 0) {
                roundable.add(i);
            }
        }
        roundable.sort(Comparator.<Integer>comparingInt(i -> held[i] > target[i] ? 0 : 1)
                .thenComparing(i -> -fraction[i])
                .thenComparingInt(i -> nodes[i].id()));
        for (int k = 0, remainder = units - assigned; k < remainder; k++) {
            target[roundable.get(k)]++;
        }
        return target;
    }

    private static long totalWeight(List<NodeInfo> nodes) {
        long total = 0;
        for (NodeInfo node : nodes) {
            total += node.weight();
        }
        return total;
    }
}
