package dev.slotgrid;

/** The operations a node executes for a {@link GridMap}, as counted in {@link NodeStats}. */
public enum OpType {
    /** {@link GridMap#get}, and each key of {@link GridMap#getAll}. */
    GET(false),
    /** {@link GridMap#containsKey}. */
    CONTAINS_KEY(false),
    /** {@link GridMap#put}, and each entry of {@link GridMap#putAll}. */
    PUT(true),
    /** {@link GridMap#putIfAbsent}. */
    PUT_IF_ABSENT(true),
    /** {@link GridMap#replace(Object, Object)}. */
    REPLACE(true),
    /** {@link GridMap#replace(Object, Object, Object)}. */
    REPLACE_IF_EQUALS(true),
    /** {@link GridMap#remove(Object)}. */
    REMOVE(true),
    /** {@link GridMap#remove(Object, Object)}. */
    REMOVE_IF_EQUALS(true),
    /** {@link GridMap#compute}. */
    COMPUTE(true),
    /** {@link GridMap#computeIfAbsent}. */
    COMPUTE_IF_ABSENT(true),
    /** {@link GridMap#computeIfPresent}. */
    COMPUTE_IF_PRESENT(true),
    /** {@link GridMap#merge}. */
    MERGE(true);

    private final boolean write;

    OpType(boolean write) {
        this.write = write;
    }

    /**
     * Whether the operation may change the map (and so passes writer admission during a migration).
     *
     * @return {@code true} for every operation but {@link #GET} and {@link #CONTAINS_KEY}
     */
    public boolean isWrite() {
        return write;
    }
}
