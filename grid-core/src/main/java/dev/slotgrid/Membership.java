package dev.slotgrid;

import dev.slotgrid.slot.Move;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.PlacementPlanner;
import dev.slotgrid.slot.Plan;
import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Members joining and leaving an embedded grid while traffic runs: a member is created, told
 * everything the others know (maps, indexes, hot-key state), registered in the table, then given its
 * share of the slots by live migrations; a leaving member's slots move away first, then it leaves
 * the table and keeps answering MOVED for stale callers.
 *
 * <p>Concurrency: membership changes are serialized, in call order (each waits for the ones asked
 * for before it, whatever their outcome); map operations never wait for them.
 */
final class Membership {

    private static final System.Logger LOG = System.getLogger(Membership.class.getName());

    /** Starts a member in this JVM and tells it what the others know ({@link SlotGrid}'s). */
    interface Starter {
        GridNode start(NodeInfo info, SlotTable table);
    }

    private final Cluster cluster;
    private final MigrationManager migrations;
    private final Starter starter;
    private final java.util.function.Consumer<GridNode> onLeft;
    private final Object lock = new Object();
    /** @GuardedBy("lock") */
    private final Set<Integer> leaving = new HashSet<>();
    /** @GuardedBy("lock") */
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    Membership(Cluster cluster, MigrationManager migrations, Starter starter, java.util.function.Consumer<GridNode> onLeft) {
        this.cluster = cluster;
        this.migrations = migrations;
        this.starter = starter;
        this.onLeft = onLeft;
    }

    Object lock() {
        return lock;
    }

    boolean isLeaving(int memberId) {
        synchronized (lock) {
            return leaving.contains(memberId);
        }
    }

    CompletableFuture<GridNode> add(String nodeName, int weight) {
        GridNode node;
        synchronized (lock) {
            cluster.requireOpen();
            java.util.Objects.requireNonNull(nodeName, "node name must not be null");
            for (GridNode existing : cluster.nodes()) {
                if (existing.name().equals(nodeName)) {
                    throw new IllegalArgumentException("a node named '" + nodeName + "' is already in the grid");
                }
            }
            NodeInfo info = new NodeInfo(cluster.table().nextNodeId(), nodeName, weight); // ids are never reused
            node = starter.start(info, cluster.table());
            cluster.control().update(table -> table.withNode(info));
            LOG.log(System.Logger.Level.DEBUG, () -> "registered " + node + "; moving its share of the slots");
        }
        return afterMembershipChanges(this::moveToPlannedLayout).thenApply(ignored -> node);
    }

    CompletableFuture<Void> remove(String nodeName) {
        GridNode node;
        synchronized (lock) {
            cluster.requireOpen();
            node = cluster.node(nodeName);
            if (cluster.nodes().size() - leaving.size() <= 1) {
                return CompletableFuture.failedFuture(new IllegalStateException("cannot remove '" + nodeName
                        + "': it is the last node of the grid"));
            }
            leaving.add(node.id());
        }
        return afterMembershipChanges(() -> drain(node, 0)).handle((ignored, failure) -> {
            synchronized (lock) {
                if (failure != null) {
                    leaving.remove(node.id());
                    throw failure instanceof CompletionException ? (CompletionException) failure : new CompletionException(failure);
                }
                cluster.control().update(table -> table.withoutNode(node.id()));
                cluster.controlRouter().ask(node.id(), new ControlRequest.Leave());
                leaving.remove(node.id());
                onLeft.accept(node);
                LOG.log(System.Logger.Level.DEBUG, () -> "removed " + node + "; " + cluster.table());
                return null;
            }
        });
    }

    CompletableFuture<Void> rebalance() {
        cluster.requireOpen();
        return afterMembershipChanges(this::moveToPlannedLayout);
    }

    /** Runs {@code change} after every membership change asked for before it, whatever their outcome. */
    private <T> CompletableFuture<T> afterMembershipChanges(Supplier<CompletableFuture<T>> change) {
        synchronized (lock) {
            CompletableFuture<T> result = tail.handle((ignored, failure) -> null).thenCompose(ignored -> change.get());
            tail = result;
            return result;
        }
    }

    /**
     * Moves every slot off a leaving member; again if a migration requested before it began to leave
     * brought it a slot meanwhile (bounded).
     */
    private CompletableFuture<Void> drain(GridNode node, int round) {
        return moveToPlannedLayout().thenCompose(ignored -> {
            int owned = cluster.table().slotCount(node.id());
            if (owned == 0) {
                return CompletableFuture.completedFuture(null);
            }
            if (round >= 8) {
                return CompletableFuture.failedFuture(new IllegalStateException("node '" + node.name() + "' still owns "
                        + owned + " slots after " + round + " rounds of moves; migrations to it keep arriving"));
            }
            return drain(node, round + 1);
        });
    }

    /** Plans the layout over the members that stay and migrates every slot that must move. */
    private CompletableFuture<Void> moveToPlannedLayout() {
        List<NodeInfo> members = new ArrayList<>();
        SlotTable current = cluster.table();
        synchronized (lock) {
            for (NodeInfo info : current.nodes()) {
                if (!leaving.contains(info.id())) {
                    members.add(info);
                }
            }
        }
        Plan plan = PlacementPlanner.plan(current, members);
        LOG.log(System.Logger.Level.DEBUG, () -> "moving " + plan.moves().size() + " slots");
        CompletableFuture<?>[] moves = new CompletableFuture<?>[plan.moves().size()];
        for (int i = 0; i < moves.length; i++) {
            Move move = plan.moves().get(i);
            moves[i] = migrations.migrate(move.slot(), move.to());
        }
        return CompletableFuture.allOf(moves);
    }
}
