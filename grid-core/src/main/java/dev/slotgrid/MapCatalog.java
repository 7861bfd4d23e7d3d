package dev.slotgrid;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named maps and their ids. The {@link ControlPlane} gives each name a dense id on first use; every
 * member's catalog learns each entry from a {@link ControlRequest.DefineMap} ({@link #define})
 * before any request names the id, so ids agree across members by name.
 *
 * <p>Thread-safe; ids are never reused. Names starting with U+0000 are the grid's own (a GLOBAL
 * index's entries).
 */
final class MapCatalog {

    static final int MAX_NAME_LENGTH = 255;
    static final char INTERNAL_PREFIX = '\u0000';

    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private volatile String[] names = new String[0];

    /** Checks a user's map name: not null, 1 to 255 characters, not blank, not reserved. */
    static String checkName(String name) {
        Objects.requireNonNull(name, "map name must not be null");
        if (!name.isEmpty() && name.charAt(0) == INTERNAL_PREFIX) {
            throw new IllegalArgumentException("map names starting with U+0000 are reserved for the grid's internal maps");
        }
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("map name must be 1 to " + MAX_NAME_LENGTH
                    + " characters and not blank, was '" + name + "'");
        }
        return name;
    }

    /** The id of a name, or -1 if it has none yet. */
    int find(String name) {
        Integer id = ids.get(name);
        return id == null ? -1 : id;
    }

    /** Learns one entry. Idempotent; a conflicting entry is a bug and fails. */
    synchronized void define(int id, String name) {
        String[] current = names;
        if (id < current.length && current[id] != null) {
            if (!current[id].equals(name)) {
                throw new IllegalStateException("map id " + id + " is '" + current[id] + "' here, not '" + name + "'");
            }
            return;
        }
        String[] next = Arrays.copyOf(current, Math.max(current.length, id + 1));
        next[id] = name;
        names = next;
        ids.put(name, id);
    }

    String nameOf(int id) {
        String[] current = names;
        String name = id >= 0 && id < current.length ? current[id] : null;
        if (name == null) {
            throw new IllegalStateException("map id " + id + " is not defined on this member");
        }
        return name;
    }

    /** Whether a map is one of the grid's own (a GLOBAL index's entries): no hot-key action touches it. */
    boolean isInternal(int id) {
        return nameOf(id).charAt(0) == INTERNAL_PREFIX;
    }

    /** Every entry, id order: for a member that joins. */
    String[] names() {
        return names.clone();
    }
}
