package dev.slotgrid;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A snapshot of every node's counters and the cluster's load skew. Immutable and thread-safe.
 *
 * <p>Skew is max over mean of {@link NodeStats#operationsTotal()} across nodes, 1.0 when perfectly
 * even (or idle). Cumulative figures dilute a recent spike; for the skew of an interval, subtract
 * an earlier snapshot with {@link #since}.
 */
public final class GridStats {

    private final long epoch;
    private final List<NodeStats> nodes;
    private final MigrationStats migrations;
    private final int[] lostSlots;

    GridStats(long epoch, List<NodeStats> nodes, MigrationStats migrations) {
        this(epoch, nodes, migrations, new int[0]);
    }

    GridStats(long epoch, List<NodeStats> nodes, MigrationStats migrations, int[] lostSlots) {
        this.lostSlots = lostSlots.clone();
        this.epoch = epoch;
        this.nodes = List.copyOf(nodes);
        this.migrations = migrations;
    }

    /** @return migration progress and cutover windows when the snapshot was taken (cumulative) */
    public MigrationStats migrations() {
        return migrations;
    }

    /** @return the slot table epoch when the snapshot was taken */
    public long epoch() {
        return epoch;
    }

    /** @return each node's snapshot, by node id */
    public List<NodeStats> nodes() {
        return nodes;
    }

    /**
     * The stats of one node.
     *
     * @param name the node's name
     * @return its snapshot
     * @throws IllegalArgumentException if no node of that name is in the snapshot
     */
    public NodeStats node(String name) {
        Objects.requireNonNull(name, "node name must not be null");
        for (NodeStats node : nodes) {
            if (node.nodeName().equals(name)) {
                return node;
            }
        }
        throw new IllegalArgumentException("no node named '" + name + "' in these stats");
    }

    /** @return operations executed by all nodes */
    public long operationsTotal() {
        long total = 0;
        for (NodeStats node : nodes) {
            total += node.operationsTotal();
        }
        return total;
    }

    /** @return entries held by all nodes */
    public long entries() {
        long total = 0;
        for (NodeStats node : nodes) {
            total += node.entries();
        }
        return total;
    }

    /**
     * The slots whose data died with their owner and that are refused until the loss is acknowledged
     * ({@link SlotGrid#acknowledgeLostSlots()}); empty unless a clustered member died.
     *
     * @return a new array, ascending
     */
    public int[] lostSlots() {
        return lostSlots.clone();
    }

    /**
     * The load skew: the busiest node's operations over the mean per node.
     *
     * @return a ratio {@code >= 1.0}; 1.0 when no operation ran
     */
    public double skew() {
        long max = 0;
        long total = 0;
        for (NodeStats node : nodes) {
            long ops = node.operationsTotal();
            max = Math.max(max, ops);
            total += ops;
        }
        return total == 0 ? 1.0 : max * (double) nodes.size() / total;
    }

    /** @return the health band of {@link #skew()} */
    public SkewBand skewBand() {
        return SkewBand.of(skew());
    }

    /**
     * The counts accumulated since an earlier snapshot; nodes absent from {@code earlier} count
     * from zero.
     *
     * @param earlier an earlier snapshot of the same grid
     * @return the interval's stats
     */
    public GridStats since(GridStats earlier) {
        Objects.requireNonNull(earlier, "earlier stats must not be null");
        List<NodeStats> delta = new ArrayList<>(nodes.size());
        for (NodeStats node : nodes) {
            NodeStats before = null;
            for (NodeStats candidate : earlier.nodes) {
                if (candidate.nodeId() == node.nodeId()) {
                    before = candidate;
                }
            }
            delta.add(before == null ? node : node.since(before));
        }
        return new GridStats(epoch, delta, migrations, lostSlots);
    }

    @Override
    public String toString() {
        return String.format("GridStats{epoch=%d, ops=%d, entries=%d, skew=%.2f %s, nodes=%s}", epoch,
                operationsTotal(), entries(), skew(), skewBand(), nodes);
    }
}
