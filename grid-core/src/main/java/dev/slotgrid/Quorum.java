package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.util.Collection;

/**
 * Whether the members a member can see may change the grid's layout: they must be more than half
 * of the members of the newest table it knows, or exactly half with the member of the lowest id
 * among them (so of two halves exactly one qualifies). A member cut off from the others (paused,
 * or behind a network split) sees too few and neither takes over as coordinator nor declares the
 * others dead; the side that holds the quorum does.
 *
 * <p>The price: in a grid of two members, the member with the higher id never takes over from the
 * other alone; when the lower one dies, its slots stay unassigned (calls to them fail as
 * unreachable) until it comes back or a third member joins. Stateless; thread-safe.
 */
final class Quorum {

    private Quorum() {
    }

    /**
     * @param table the newest table this member knows
     * @param visible the names of the members its membership sees now, itself included
     * @return whether they may act on the table's layout
     */
    static boolean holds(SlotTable table, Collection<String> visible) {
        int listed = 0;
        int seen = 0;
        NodeInfo lowest = null;
        for (NodeInfo node : table.nodes()) {
            listed++;
            if (visible.contains(node.name())) {
                seen++;
            }
            if (lowest == null || node.id() < lowest.id()) {
                lowest = node;
            }
        }
        if (listed == 0) {
            return true;
        }
        return 2 * seen > listed || (2 * seen == listed && visible.contains(lowest.name()));
    }
}
