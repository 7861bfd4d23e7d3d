package dev.slotgrid;

/**
 * Where a secondary index lives and how it is kept up to date (docs/architecture.md, "Secondary
 * indexes").
 */
public enum IndexKind {
    /**
     * Per slot, beside the slot's entries on its owner, updated in the same atomic operation as the
     * entry. Cheap writes; a query that names no partition key visits every node (scatter-gather).
     * Ordered: answers equality, {@code in} and ranges.
     */
    LOCAL,
    /**
     * Partitioned by the indexed value: its entries are entries of an internal map whose key is the
     * index value, so an exact match touches one slot. Updated asynchronously from the base write
     * through a per-node outbox; its lag is in {@link SlotGrid#indexStats()}. Answers equality and
     * {@code in}. May be unique.
     */
    GLOBAL
}
