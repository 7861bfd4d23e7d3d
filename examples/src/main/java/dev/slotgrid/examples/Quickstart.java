package dev.slotgrid.examples;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.GridStats;
import dev.slotgrid.NodeStats;
import dev.slotgrid.SlotGrid;

/**
 * The smallest complete program: a 3-node grid in this JVM, 100,000 keys written and read back,
 * then where they landed.
 */
public final class Quickstart {

    private Quickstart() {
    }

    /**
     * Runs the quickstart.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        try (SlotGrid grid = SlotGrid.builder().nodes(3).build()) {
            GridMap<String, String> users = grid.map("users");
            for (int i = 0; i < 100_000; i++) {
                users.put("user:" + i, "name-" + i);
            }
            int found = 0;
            for (int i = 0; i < 100_000; i++) {
                if (("name-" + i).equals(users.get("user:" + i))) {
                    found++;
                }
            }
            System.out.printf("wrote 100000 keys, read back %d%n", found);
            GridStats stats = grid.stats();
            for (GridNode node : grid.nodes()) {
                NodeStats ns = stats.node(node.name());
                System.out.printf("%-8s slots %-13s %,7d entries%n", node.name(),
                        grid.table().rangesOf(node.id()), ns.entries());
            }
            System.out.printf("skew %.3f (%s)%n", stats.skew(), stats.skewBand());
        }
    }
}
