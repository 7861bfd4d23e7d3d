package dev.slotgrid;

import java.util.Objects;

/**
 * What {@link SlotGrid#addIndex} creates: a name (unique per map), the name of an
 * {@link dev.slotgrid.spi.IndexExtractor}, a {@link IndexKind kind}, and for a GLOBAL index
 * whether it is unique. Immutable and thread-safe.
 *
 * @param name the index's name, 1 to 64 characters, not blank
 * @param extractorName the extractor, registered with {@link SlotGrid#registerExtractor} or found
 *     through {@link java.util.ServiceLoader}
 * @param kind LOCAL or GLOBAL
 * @param unique whether two keys may not hold the same index value (GLOBAL only)
 */
public record IndexDefinition(String name, String extractorName, IndexKind kind, boolean unique) {

    /** The longest index name. */
    public static final int MAX_NAME_LENGTH = 64;

    /**
     * Validates the definition.
     *
     * @throws NullPointerException if a field is {@code null}
     * @throws IllegalArgumentException if the name is blank or too long, the extractor name is blank,
     *     or a LOCAL index is unique
     */
    public IndexDefinition {
        Objects.requireNonNull(name, "index name must not be null");
        Objects.requireNonNull(extractorName, "extractor name must not be null");
        Objects.requireNonNull(kind, "index kind must not be null");
        if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("index name must be 1 to " + MAX_NAME_LENGTH
                    + " characters and not blank, was '" + name + "'");
        }
        if (extractorName.isBlank()) {
            throw new IllegalArgumentException("index '" + name + "': extractor name must not be blank");
        }
        if (unique && kind != IndexKind.GLOBAL) {
            throw new IllegalArgumentException("index '" + name + "': only a GLOBAL index can be unique (a LOCAL one"
                    + " sees one slot at a time)");
        }
    }

    /**
     * A LOCAL index.
     *
     * @param name the index's name
     * @param extractorName the extractor's name
     * @return the definition
     */
    public static IndexDefinition local(String name, String extractorName) {
        return new IndexDefinition(name, extractorName, IndexKind.LOCAL, false);
    }

    /**
     * A GLOBAL, non-unique index.
     *
     * @param name the index's name
     * @param extractorName the extractor's name
     * @return the definition
     */
    public static IndexDefinition global(String name, String extractorName) {
        return new IndexDefinition(name, extractorName, IndexKind.GLOBAL, false);
    }

    /**
     * This GLOBAL definition, unique: a write that gives a key an index value another key holds
     * fails with {@link UniqueIndexViolationException} and changes nothing.
     *
     * @return the unique definition
     * @throws IllegalArgumentException if this is a LOCAL definition
     */
    public IndexDefinition asUnique() {
        return new IndexDefinition(name, extractorName, kind, true);
    }
}
