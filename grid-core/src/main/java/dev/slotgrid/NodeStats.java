package dev.slotgrid;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of one node's counters. Immutable and thread-safe.
 *
 * <p>Operation counts are exact and cumulative since the node started; subtract two snapshots with
 * {@link #since} for a rate. Slot heat is an estimate (see {@link #slotHeat()}).
 */
public final class NodeStats {

    private final int nodeId;
    private final String nodeName;
    private final EnumMap<OpType, Long> operations;
    private final long entries;
    private final int slotsOwned;
    private final long movedReplies;
    private final long redirectsFollowed;
    private final long tryAgainRetries;
    private final long readsAwaitingBackups;
    private final long refusedWithoutMajority;
    private final long[] slotHeat;

    NodeStats(int nodeId, String nodeName, EnumMap<OpType, Long> operations, long entries, int slotsOwned,
            long movedReplies, long redirectsFollowed, long tryAgainRetries, long readsAwaitingBackups, long refusedWithoutMajority,
            long[] slotHeat) {
        this.nodeId = nodeId;
        this.nodeName = Objects.requireNonNull(nodeName);
        this.operations = operations;
        this.entries = entries;
        this.slotsOwned = slotsOwned;
        this.movedReplies = movedReplies;
        this.redirectsFollowed = redirectsFollowed;
        this.tryAgainRetries = tryAgainRetries;
        this.readsAwaitingBackups = readsAwaitingBackups;
        this.refusedWithoutMajority = refusedWithoutMajority;
        this.slotHeat = slotHeat;
    }

    /** @return the node's id */
    public int nodeId() {
        return nodeId;
    }

    /** @return the node's name */
    public String nodeName() {
        return nodeName;
    }

    /**
     * Operations this node executed as the owner of their slot, by type.
     *
     * @return an unmodifiable map holding every {@link OpType}
     */
    public Map<OpType, Long> operations() {
        return Collections.unmodifiableMap(operations);
    }

    /**
     * Operations of one type this node executed as owner.
     *
     * @param type the operation type
     * @return the count
     */
    public long operations(OpType type) {
        Objects.requireNonNull(type, "operation type must not be null");
        return operations.get(type);
    }

    /**
     * Every operation this node executed as owner: the load figure behind the grid's skew.
     *
     * @return the sum over all types
     */
    public long operationsTotal() {
        long total = 0;
        for (long count : operations.values()) {
            total += count;
        }
        return total;
    }

    /**
     * @return physical entries in the slots this node serves, over every named map, when the
     *     snapshot was taken: each part of a salted key counts ({@link GridMap#mappingCount()}
     *     counts the key once)
     */
    public long entries() {
        return entries;
    }

    /** @return the slots this node serves */
    public int slotsOwned() {
        return slotsOwned;
    }

    /** @return MOVED (or FENCED) answers this node gave for slots it does not serve */
    public long movedReplies() {
        return movedReplies;
    }

    /** @return redirects followed by operations that entered the grid through this node */
    public long redirectsFollowed() {
        return redirectsFollowed;
    }

    /** @return retries of writes that entered through this node and met a slot in its cutover window */
    public long tryAgainRetries() {
        return tryAgainRetries;
    }

    /**
     * Reads this node served as owner that first waited for their slot's latest writes to reach
     * the backups (a read that could have seen a write no backup held yet); each costs about one
     * replication round trip. Zero without backups.
     *
     * @return the count
     */
    public long readsAwaitingBackups() {
        return readsAwaitingBackups;
    }

    /**
     * Reads and writes this clustered node refused with {@link NoMajorityException} because no
     * majority of its grid's members confirmed it (a split, a pause). Zero in an embedded grid.
     *
     * @return the count
     */
    public long refusedWithoutMajority() {
        return refusedWithoutMajority;
    }

    /**
     * Operations per slot executed here: the node's heat map. An estimate: concurrent increments of
     * one slot may be lost (a benign race that keeps the counter free of atomic instructions).
     *
     * @return a new array of 16384 counts
     */
    public long[] slotHeat() {
        return slotHeat.clone();
    }

    /**
     * The slots with the most operations here, hottest first.
     *
     * @param n how many, 0 or more
     * @return up to {@code n} slot numbers with a non-zero count
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public int[] hottestSlots(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("hottestSlots count must not be negative, was " + n);
        }
        return java.util.stream.IntStream.range(0, slotHeat.length).filter(s -> slotHeat[s] > 0).boxed()
                .sorted((a, b) -> Long.compare(slotHeat[b], slotHeat[a])).limit(n).mapToInt(Integer::intValue)
                .toArray();
    }

    /**
     * The counts accumulated since an earlier snapshot of the same node; gauges (entries, slots)
     * are this snapshot's.
     *
     * @param earlier an earlier snapshot of this node
     * @return the difference
     * @throws IllegalArgumentException if {@code earlier} is of another node
     */
    public NodeStats since(NodeStats earlier) {
        Objects.requireNonNull(earlier, "earlier stats must not be null");
        if (earlier.nodeId != nodeId) {
            throw new IllegalArgumentException("snapshots of different nodes: " + nodeId + " and " + earlier.nodeId);
        }
        EnumMap<OpType, Long> delta = new EnumMap<>(OpType.class);
        operations.forEach((type, count) -> delta.put(type, count - earlier.operations.get(type)));
        long[] heat = slotHeat.clone();
        for (int i = 0; i < heat.length; i++) {
            heat[i] -= earlier.slotHeat[i];
        }
        return new NodeStats(nodeId, nodeName, delta, entries, slotsOwned, movedReplies - earlier.movedReplies,
                redirectsFollowed - earlier.redirectsFollowed, tryAgainRetries - earlier.tryAgainRetries,
                readsAwaitingBackups - earlier.readsAwaitingBackups,
                refusedWithoutMajority - earlier.refusedWithoutMajority, heat);
    }

    @Override
    public String toString() {
        return "NodeStats{" + nodeName + ": ops=" + operationsTotal() + ", entries=" + entries + ", slots=" + slotsOwned
                + ", moved=" + movedReplies + ", redirects=" + redirectsFollowed + ", tryAgain=" + tryAgainRetries
                + ", readsAwaitingBackups=" + readsAwaitingBackups + ", refusedWithoutMajority=" + refusedWithoutMajority
                + ", hottest=" + Arrays.toString(hottestSlots(3)) + "}";
    }
}
