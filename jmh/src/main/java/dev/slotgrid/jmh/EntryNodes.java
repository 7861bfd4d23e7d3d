package dev.slotgrid.jmh;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.SlotGrid;
import java.util.List;

/**
 * How the grid benchmarks spread their threads: thread {@code i} enters through node
 * {@code i mod n} (as services embedding one node each would) and starts its walk of the key
 * sequence a quarter of the sequence after thread {@code i - 1}.
 */
final class EntryNodes {

    private EntryNodes() {
    }

    static <V> GridMap<String, V> mapFor(SlotGrid grid, int threadIndex, String mapName) {
        List<GridNode> nodes = grid.nodes();
        return nodes.get(threadIndex % nodes.size()).map(mapName);
    }

    static int cursorStart(int threadIndex) {
        return threadIndex * (KeySets.SEQUENCE_LENGTH / 4);
    }
}
