package dev.slotgrid;

import dev.slotgrid.slot.KeySlot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Keys placed on purpose: hash tags that land in chosen or distinct slots. */
final class SlotKeys {

    private SlotKeys() {
    }

    /** The node of a grid with an id, active or not. */
    static GridNode byId(SlotGrid grid, int id) {
        return grid.nodes().stream().filter(n -> n.id() == id).findFirst().orElseThrow();
    }

    /** The store a member holds for a slot: what it serves, or {@code null}. */
    static SlotStore store(GridNode node, int slot) {
        return node.member().store(slot);
    }

    /** {@code count} hash-tag texts, each in a different slot, by slot; deterministic. */
    static Map<Integer, String> tagsInDistinctSlots(int count) {
        Map<Integer, String> tags = new LinkedHashMap<>();
        for (int i = 0; tags.size() < count; i++) {
            String tag = "t" + i;
            tags.putIfAbsent(KeySlot.of(tag), tag);
        }
        return tags;
    }

    /** The first slot that {@code owner} owns and {@code backup} holds a copy of, in the grid's table now. */
    static int slotOwnedAndBackedUp(SlotGrid grid, String owner, String backup) {
        dev.slotgrid.slot.SlotTable table = grid.table();
        int ownerId = grid.node(owner).id();
        int backupId = grid.node(backup).id();
        for (int slot = 0; slot < dev.slotgrid.slot.SlotTable.SLOTS; slot++) {
            if (table.ownerOf(slot) == ownerId && table.replicas().isBackup(slot, backupId)) {
                return slot;
            }
        }
        throw new AssertionError("no slot of " + owner + " backed up on " + backup + " in " + table);
    }

    /** A hash-tag text whose slot is {@code slot}. */
    static String tagForSlot(int slot) {
        for (int i = 0;; i++) {
            String tag = "s" + i;
            if (KeySlot.of(tag) == slot) {
                return tag;
            }
        }
    }

    /** {@code count} keys, all in the slot of {@code tag}. */
    static List<String> keysWithTag(String tag, int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            keys.add("{" + tag + "}:" + i);
        }
        return keys;
    }
}
