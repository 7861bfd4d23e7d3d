package dev.slotgrid;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named maps of a grid, each given a dense id on first use. Thread-safe; ids are never reused.
 */
final class MapRegistry {

    static final int MAX_NAME_LENGTH = 255;

    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private volatile String[] names = new String[0];

    int idOf(String name) {
        Objects.requireNonNull(name, "map name must not be null");
        if (!name.isEmpty() && name.charAt(0) == IndexManager.INTERNAL_MAP_PREFIX) {
            throw new IllegalArgumentException("map names starting with U+0000 are reserved for the grid's internal maps");
        }
        Integer id = ids.get(name);
        return id != null ? id : register(name);
    }

    /** The id of an internal map (a GLOBAL index's entries), named with the reserved prefix. */
    int internalIdOf(String name) {
        Integer id = ids.get(name);
        return id != null ? id : register(name);
    }

    private synchronized int register(String name) {
        Integer id = ids.get(name);
        if (id != null) {
            return id;
        }
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("map name must be 1 to " + MAX_NAME_LENGTH
                    + " characters and not blank, was '" + name + "'");
        }
        String[] next = Arrays.copyOf(names, names.length + 1);
        next[names.length] = name;
        names = next;
        ids.put(name, names.length - 1);
        return names.length - 1;
    }

    String nameOf(int id) {
        return names[id];
    }

    /** Whether a map is one of the grid's own (a GLOBAL index's entries): no hot-key action touches it. */
    boolean isInternal(int id) {
        return names[id].charAt(0) == IndexManager.INTERNAL_MAP_PREFIX;
    }

    int count() {
        return names.length;
    }
}
