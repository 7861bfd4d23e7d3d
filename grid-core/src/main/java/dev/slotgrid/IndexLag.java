package dev.slotgrid;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How far the GLOBAL indexes lag, and waiting for them: asked of every member's outbox by
 * messages, from any member (a query's read-your-writes wait, an index build, verification).
 */
final class IndexLag {

    private IndexLag() {
    }

    /**
     * Waits until every GLOBAL index update enqueued on any member before this call has been applied:
     * among them every write that happened-before the call, the caller's own included. Each member's
     * outbox is a FIFO: once it has applied as many updates as it had enqueued when asked, every one
     * of those is applied.
     *
     * @return {@code false} if the timeout passed first
     */
    static boolean awaitIndexed(Cluster cluster, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Router router = cluster.controlRouter();
        List<Integer> members = cluster.liveMemberIds();
        long[] targets = new long[members.size()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = (Long) router.ask(members.get(i), new IndexRequest.OutboxPosition());
        }
        for (int i = 0; i < targets.length; i++) {
            if (cluster.isClosed() || !(Boolean) router.ask(members.get(i),
                    new IndexRequest.AwaitOutbox(targets[i], Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    static IndexStats stats(Cluster cluster) {
        List<IndexStats.Node> nodes = new ArrayList<>();
        Router router = cluster.controlRouter();
        for (int member : cluster.liveMemberIds()) {
            IndexStats.Node node = (IndexStats.Node) router.ask(member, new IndexRequest.OutboxStats());
            if (node != null) {
                nodes.add(node);
            }
        }
        return new IndexStats(nodes);
    }
}
