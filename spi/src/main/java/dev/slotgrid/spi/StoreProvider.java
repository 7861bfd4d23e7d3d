package dev.slotgrid.spi;

import java.util.concurrent.ConcurrentMap;

/**
 * The storage engine behind one slot of one named map on one node: on-heap by default
 * ({@code "heap"}, a {@code ConcurrentHashMap}), off-heap through a plugin.
 *
 * <p>The grid asks for a store the first time a slot of a map receives a write on a node, and
 * releases it when the slot leaves the node. Keys and values handed to a store are never
 * {@code null}; {@code byte[]} keys arrive wrapped in a value type with content equality.
 *
 * <p>Contract for the maps returned by {@link #open}:
 * <ul>
 *   <li>thread-safe with {@link ConcurrentMap} atomicity: {@code compute}, {@code merge},
 *       {@code putIfAbsent}, {@code replace} and conditional {@code remove} are atomic per key;
 *   <li>iteration is weakly consistent (never throws {@code ConcurrentModificationException}), which
 *       live migration relies on to copy a slot while it takes writes;
 *   <li>{@code get} must not block on writers: readers never wait in SlotGrid.
 * </ul>
 */
public interface StoreProvider extends Plugin {

    /**
     * Opens an empty store for one slot of one named map.
     *
     * @param mapName the named map, not {@code null}
     * @param slot the slot in {@code [0, 16384)}
     * @return a new, empty, thread-safe map
     */
    ConcurrentMap<Object, Object> open(String mapName, int slot);

    /**
     * Releases a store the grid no longer uses. Called at most once per store, after no operation
     * can reach it any more except readers that captured it before it was dropped; an off-heap
     * implementation must keep it readable until those are gone or document otherwise.
     *
     * @param mapName the named map
     * @param slot the slot
     * @param store a map returned by {@link #open} with the same arguments
     */
    default void close(String mapName, int slot, ConcurrentMap<Object, Object> store) {
    }
}
