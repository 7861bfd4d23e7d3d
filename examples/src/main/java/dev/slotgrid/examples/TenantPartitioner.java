package dev.slotgrid.examples;

import dev.slotgrid.slot.KeySlot;
import dev.slotgrid.spi.Partitioner;

/**
 * A partitioner plugin that co-locates every key of a tenant: a key {@code "<tenant>:<rest>"} lands
 * in the slot of {@code <tenant>}, so one tenant's data lives on one node and multi-key work on it
 * never crosses nodes. Other keys are placed as Redis would place them.
 *
 * <p>Registered in {@code META-INF/services/dev.slotgrid.spi.Partitioner} and selected by name:
 * {@code SlotGrid.builder().partitioner("tenant")}. Thread-safe and stateless. Cost: one substring
 * per key, fine for an example; a production plugin would hash the prefix in place.
 */
public final class TenantPartitioner implements Partitioner {

    /** The name this plugin is registered under. */
    public static final String NAME = "tenant";

    /** Creates the plugin; ServiceLoader calls this. */
    public TenantPartitioner() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int slotOf(Object key) {
        if (key instanceof String) {
            String text = (String) key;
            int colon = text.indexOf(':');
            if (colon > 0) {
                return KeySlot.of(text.substring(0, colon));
            }
        }
        return KeySlot.of(key);
    }
}
