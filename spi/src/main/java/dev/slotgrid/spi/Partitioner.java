package dev.slotgrid.spi;

import java.util.Objects;

/**
 * Maps a key to one of the {@value #SLOT_COUNT} slots. A key's slot is a pure function of the key:
 * only the slot &rarr; node map of a cluster ever changes.
 *
 * <p>The default is {@code "crc16"}, byte-for-byte Redis {@code CLUSTER KEYSLOT}. A plugin is found
 * by name through {@link Plugins#load(Class, String)} from
 * {@code META-INF/services/dev.slotgrid.spi.Partitioner}.
 *
 * <p>Contract for implementations:
 * <ul>
 *   <li>thread-safe and stateless (or effectively immutable): one instance serves every thread;
 *   <li>deterministic: the same key gives the same slot in every JVM, for ever (data placement
 *       depends on it);
 *   <li>returns a slot in {@code [0, SLOT_COUNT)}; anything else is rejected by the grid with an
 *       exception naming the plugin and the key, and the operation changes nothing;
 *   <li>throws {@link IllegalArgumentException} naming the type for a key it does not support;
 *   <li>cheap and allocation-free on the hot path: it runs on every operation.
 * </ul>
 */
public interface Partitioner extends Plugin {

    /** The number of slots, as in Redis Cluster. A power of two. */
    int SLOT_COUNT = 16384;

    /**
     * Returns the slot of a key.
     *
     * @param key the key, never {@code null} (the grid rejects {@code null} keys before calling)
     * @return the slot, which must be in {@code [0, SLOT_COUNT)}
     * @throws IllegalArgumentException if the key's type is not supported
     */
    int slotOf(Object key);

    /**
     * Returns {@code partitioner.slotOf(key)} after checking that it is a valid slot.
     *
     * @param partitioner the partitioner
     * @param key the key, not {@code null}
     * @return a slot in {@code [0, SLOT_COUNT)}
     * @throws IllegalStateException if the partitioner returned a slot outside the range; the message
     *     names the plugin, its class and the key
     * @throws IllegalArgumentException if the partitioner does not support the key's type
     * @throws NullPointerException if {@code partitioner} or {@code key} is {@code null}
     */
    static int checkedSlotOf(Partitioner partitioner, Object key) {
        Objects.requireNonNull(partitioner, "partitioner must not be null");
        Objects.requireNonNull(key, "key must not be null");
        int slot = partitioner.slotOf(key);
        if ((slot & ~(SLOT_COUNT - 1)) != 0) {
            throw outOfRange(partitioner, key, slot);
        }
        return slot;
    }

    private static IllegalStateException outOfRange(Partitioner partitioner, Object key, int slot) {
        String text = key instanceof byte[] ? ("byte[" + ((byte[]) key).length + "]") : String.valueOf(key);
        if (text.length() > 200) {
            text = text.substring(0, 200) + "...";
        }
        return new IllegalStateException("partitioner '" + partitioner.name() + "' ("
                + partitioner.getClass().getName() + ") returned slot " + slot + " for key '" + text + "' ("
                + key.getClass().getName() + "); a slot must be in [0, " + SLOT_COUNT + ")");
    }
}
