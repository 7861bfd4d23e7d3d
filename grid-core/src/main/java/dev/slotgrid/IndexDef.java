package dev.slotgrid;

import dev.slotgrid.spi.IndexExtractor;
import java.util.Collection;

/**
 * An index as the grid runs it: the user's {@link IndexDefinition} resolved to ids and an
 * extractor instance. Immutable but for {@link #state}.
 *
 * <p>Concurrency: {@code state} moves BUILDING -> READY or BUILDING -> FAILED once; queries accept
 * only READY indexes. Writers maintain an index from the moment it is published in its map's
 * {@link IndexSet}, whatever its state.
 */
final class IndexDef {

    static final int BUILDING = 0;
    static final int READY = 1;
    static final int FAILED = 2;

    private static final Object[] NONE = new Object[0];

    /** Dense and grid-wide, never reused: the slot of this index in each {@link SlotStore}'s local indexes. */
    final int id;
    final int mapId;
    final String mapName;
    final IndexDefinition definition;
    final IndexExtractor extractor;
    /** The internal map holding a GLOBAL index's entries (key: index value); -1 for LOCAL. */
    final int entriesMapId;
    volatile int state = BUILDING;

    IndexDef(int id, int mapId, String mapName, IndexDefinition definition, IndexExtractor extractor, int entriesMapId) {
        this.id = id;
        this.mapId = mapId;
        this.mapName = mapName;
        this.definition = definition;
        this.extractor = extractor;
        this.entriesMapId = entriesMapId;
    }

    String name() {
        return definition.name();
    }

    boolean isLocal() {
        return definition.kind() == IndexKind.LOCAL;
    }

    boolean isUnique() {
        return definition.unique();
    }

    /**
     * The index values of a value about to be written, checked: none {@code null}, {@link Comparable}
     * for LOCAL, a routable key for GLOBAL, at most one for unique. Duplicates removed.
     *
     * @throws IllegalArgumentException naming the index and what was wrong; nothing has been changed
     */
    Object[] extractChecked(Object value, GridConfig config) {
        Collection<?> raw;
        try {
            raw = extractor.extract(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("index '" + name() + "' of map '" + mapName + "': extractor '"
                    + extractor.name() + "' failed on a value of " + value.getClass().getName() + ": " + e, e);
        }
        if (raw == null) {
            throw new IllegalArgumentException("index '" + name() + "' of map '" + mapName + "': extractor '"
                    + extractor.name() + "' returned null (return an empty collection for no index value)");
        }
        if (raw.isEmpty()) {
            return NONE;
        }
        Object[] values = distinct(raw);
        if (isUnique() && values.length > 1) {
            throw new IllegalArgumentException("unique index '" + name() + "' of map '" + mapName + "': extractor '"
                    + extractor.name() + "' gave " + values.length + " values for one entry; a unique index takes at"
                    + " most one");
        }
        for (Object indexValue : values) {
            if (indexValue == null) {
                throw new IllegalArgumentException("index '" + name() + "' of map '" + mapName + "': extractor '"
                        + extractor.name() + "' returned a null index value");
            }
            if (isLocal()) {
                if (!(indexValue instanceof Comparable)) {
                    throw new IllegalArgumentException("LOCAL index '" + name() + "' of map '" + mapName
                            + "' is ordered: its values must be Comparable, was " + indexValue.getClass().getName());
                }
            } else {
                try {
                    config.slotOf(indexValue);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("GLOBAL index '" + name() + "' of map '" + mapName
                            + "': its values are keys of the index's map, and " + e.getMessage(), e);
                }
            }
        }
        return values;
    }

    /** The index values of a value already stored (checked when it was written); empty if the extractor fails now. */
    Object[] extract(Object value) {
        if (value == null) {
            return NONE;
        }
        try {
            Collection<?> raw = extractor.extract(value);
            return raw == null || raw.isEmpty() ? NONE : distinct(raw);
        } catch (RuntimeException e) {
            return NONE;
        }
    }

    private static Object[] distinct(Collection<?> raw) {
        if (raw.size() == 1) {
            return raw.toArray();
        }
        return new java.util.LinkedHashSet<>(raw).toArray();
    }

    static boolean contains(Object[] values, Object value) {
        for (Object v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return definition.kind() + (isUnique() ? " unique" : "") + " index '" + name() + "' of map '" + mapName + "'";
    }
}
