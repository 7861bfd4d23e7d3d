package dev.slotgrid.jmh;

import dev.slotgrid.GridMap;
import dev.slotgrid.GridNode;
import dev.slotgrid.GridStats;
import dev.slotgrid.SlotGrid;
import dev.slotgrid.TransportMode;
import dev.slotgrid.slot.KeySlot;

/**
 * A 3-node embedded SlotGrid entered through {@code node-0}, with keys chosen by their owner: all
 * owned by {@code node-0} ("owner-local"), or all owned by one of the two other nodes
 * ("same-JVM remote": the owner's code still runs on the caller's thread, with no extra hop), or
 * the same remote keys through the serializing transport ("serializing": every request and reply
 * encoded and decoded, the owner's code on another thread, as a network binding would).
 */
final class SlotGridTarget implements MapTarget {

    static final String OWNER_LOCAL = "slotgrid-local";
    static final String SAME_JVM_REMOTE = "slotgrid-remote";
    static final String SERIALIZING = "slotgrid-serializing";

    private static final String ENTRY_NODE = "node-0";

    private final SlotGrid grid;
    private final GridNode entry;
    private final GridMap<String, Long> map;
    private final boolean ownedByEntry;

    private SlotGridTarget(boolean ownedByEntry, TransportMode transport) {
        this.grid = SlotGrid.builder().nodes(3).jmx(false).transport(transport).build();
        this.entry = grid.node(ENTRY_NODE);
        this.map = entry.map("bench");
        this.ownedByEntry = ownedByEntry;
    }

    static SlotGridTarget ownerLocal() {
        return new SlotGridTarget(true, TransportMode.IN_JVM);
    }

    static SlotGridTarget sameJvmRemote() {
        return new SlotGridTarget(false, TransportMode.IN_JVM);
    }

    static SlotGridTarget serializing() {
        return new SlotGridTarget(false, TransportMode.SERIALIZING);
    }

    @Override
    public boolean accepts(String key) {
        return (grid.table().ownerOf(KeySlot.of(key)) == entry.id()) == ownedByEntry;
    }

    @Override
    public void load(String[] keys, Long[] values) {
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], values[i]);
        }
    }

    @Override
    public Long get(String key) {
        return map.get(key);
    }

    @Override
    public Long put(String key, Long value) {
        return map.put(key, value);
    }

    /** @return the grid's counters now, for {@link RoutingCounters} */
    GridStats stats() {
        return grid.stats();
    }

    /** @return the id of the node the benchmark's calls enter through */
    int entryNodeId() {
        return entry.id();
    }

    @Override
    public void close() {
        grid.close();
    }
}
