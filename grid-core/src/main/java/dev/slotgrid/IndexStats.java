package dev.slotgrid;

import java.time.Duration;
import java.util.List;

/**
 * The lag of the GLOBAL indexes: per node, the updates waiting in its outbox and the age of the
 * oldest. A snapshot; immutable and thread-safe.
 *
 * @param nodes one entry per node that has an outbox (nodes that took a write to a map with a
 *     GLOBAL index, or took part in building one)
 */
public record IndexStats(List<Node> nodes) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if {@code nodes} or one of its elements is {@code null}
     */
    public IndexStats {
        nodes = List.copyOf(Require.noNulls(nodes, "nodes"));
    }

    /**
     * One node's outbox.
     *
     * @param nodeName the node
     * @param pending updates enqueued and not yet applied to the index
     * @param oldestPendingAge how long the oldest pending update has waited; zero when none is pending
     * @param applied updates applied since the node started
     * @param failed updates whose application threw (logged at WARNING; {@link SlotGrid#verifyIndex}
     *     shows what they left behind)
     * @param writerWaits writes that found the outbox full and waited for room after storing their
     *     entry (see {@link SlotGridBuilder#indexOutboxCapacity})
     */
    public record Node(String nodeName, long pending, Duration oldestPendingAge, long applied, long failed,
            long writerWaits) {
    }

    /** @return updates pending over all nodes */
    public long pending() {
        return nodes.stream().mapToLong(Node::pending).sum();
    }

    /** @return the age of the oldest pending update on any node; zero when none is pending */
    public Duration oldestPendingAge() {
        return nodes.stream().map(Node::oldestPendingAge).max(Duration::compareTo).orElse(Duration.ZERO);
    }

    /** @return updates applied over all nodes */
    public long applied() {
        return nodes.stream().mapToLong(Node::applied).sum();
    }

    /** @return writes that waited for room in a full outbox, over all nodes */
    public long writerWaits() {
        return nodes.stream().mapToLong(Node::writerWaits).sum();
    }

    @Override
    public String toString() {
        return "IndexStats{pending=" + pending() + ", oldestPendingAge=" + oldestPendingAge().toMillis() + " ms, applied="
                + applied() + ", writerWaits=" + writerWaits() + "}";
    }
}
