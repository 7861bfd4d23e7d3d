package dev.slotgrid.slot;

import java.util.Objects;

/**
 * A member of the node registry of a {@link SlotTable}: its id, name and placement weight.
 *
 * <p>Immutable. The id is what the table stores per slot; it is never reused within a cluster's life.
 * A node of weight 2 is given twice the slots of a node of weight 1.
 *
 * @param id the node id, in {@code [0, MAX_NODE_ID]}
 * @param name a human-readable name, not blank
 * @param weight the placement weight, in {@code [1, MAX_WEIGHT]}
 */
public record NodeInfo(int id, String name, int weight) {

    /** The largest node id a table can hold. */
    public static final int MAX_NODE_ID = Short.MAX_VALUE;

    /** The largest placement weight. */
    public static final int MAX_WEIGHT = 1 << 16;

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if a field is out of range; the message names it
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public NodeInfo {
        if (id < 0 || id > MAX_NODE_ID) {
            throw new IllegalArgumentException("node id must be in [0, " + MAX_NODE_ID + "], was " + id);
        }
        Objects.requireNonNull(name, "node name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("node name must not be blank (node id " + id + ")");
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight of node '" + name + "' must be in [1, " + MAX_WEIGHT
                    + "], was " + weight);
        }
    }
}
