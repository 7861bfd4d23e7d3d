package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A digest of each of the last {@value #KEPT} tables a member adopted, by epoch: two members that
 * show one epoch with different digests were given conflicting tables (what the network-blip
 * tests check, and an operator can read through the console's {@code member} command). The digest
 * covers the members, the owner of every slot and the lost slots. Thread-safe; a digest costs one
 * pass over the 16384 owners, once per table adopted.
 */
final class AdoptedTables {

    static final int KEPT = 64;

    /** Epoch → digest, oldest first. Guarded by itself. */
    private final LinkedHashMap<Long, Integer> digests = new LinkedHashMap<>();

    void remember(SlotTable table) {
        int digest = table.nodes().hashCode() * 31 + Arrays.hashCode(table.lostSlots());
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            digest = digest * 31 + table.ownerOf(slot);
        }
        synchronized (digests) {
            digests.put(table.epoch(), digest);
            if (digests.size() > KEPT) {
                digests.remove(digests.keySet().iterator().next());
            }
        }
    }

    /** {@code epoch:digest,...} in hexadecimal, oldest first; empty if none. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        synchronized (digests) {
            for (Map.Entry<Long, Integer> table : digests.entrySet()) {
                out.append(out.length() == 0 ? "" : ",").append(table.getKey()).append(':')
                        .append(Integer.toHexString(table.getValue()));
            }
        }
        return out.toString();
    }
}
