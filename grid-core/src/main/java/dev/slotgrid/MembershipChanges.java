package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The coordinator's changes of the grid's membership, each carried out through its control plane
 * ({@link ControlParts}) and published as tables: a member admitted (its id, what the others
 * know, then its share of the slots), a member gone (its slots to the survivors, marked lost), a
 * member drained before it leaves. Run by {@link ClusteredMember} on its events thread (admit,
 * died) and on a handler thread (drain); the collections are the clustered member's, shared.
 */
final class MembershipChanges {

    private static final System.Logger LOG = System.getLogger(MembershipChanges.class.getName());

    private final Cluster cluster;
    private final NetworkTransport transport;
    private final Supplier<Member> member;
    private final Map<Integer, InetSocketAddress> addresses;
    private final Map<String, UUID> incarnations;
    private final Set<Integer> admitting;
    private final Set<Integer> draining;

    MembershipChanges(Cluster cluster, NetworkTransport transport, Supplier<Member> member,
            Map<Integer, InetSocketAddress> addresses, Map<String, UUID> incarnations, Set<Integer> admitting,
            Set<Integer> draining) {
        this.cluster = cluster;
        this.transport = transport;
        this.member = member;
        this.addresses = addresses;
        this.incarnations = incarnations;
        this.admitting = admitting;
        this.draining = draining;
    }

    /** A member joins: its id, its admission, what the others know, the table, its share of the slots. */
    void admit(ControlParts parts, HazelcastMembership.Peer peer) {
        SlotTable table = parts.control.latest();
        NodeInfo info = new NodeInfo(table.nextNodeId(), peer.name(), peer.weight());
        addresses.put(info.id(), peer.data());
        admitting.add(info.id());
        try {
            // Admitted first, then listed: a table or map published before it is listed is in what
            // the admission or the sync below carries (both are sent after it is listed, or are newer).
            transport.call(info.id(), new CoordinatorRequest.Admit(info, table));
            cluster.register(new GridNode(cluster, member.get(), info));
            parts.syncNewMember(info.id());
            parts.control.update(t -> t.withNode(info));
            incarnations.put(peer.name(), peer.uuid());
        } catch (RuntimeException e) {
            GridNode view = cluster.byId(info.id());
            if (view != null && !view.isLocal()) {
                view.markGone();
            }
            throw e;
        } finally {
            admitting.remove(info.id());
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "admitted '" + info.name() + "' as #" + info.id() + "; moving its share");
        parts.migrations.rebalance(cluster);
    }

    /** A member is gone without draining its slots: they go to the survivors, marked lost (no copy survived). */
    void died(ControlParts parts, NodeInfo dead) {
        LOG.log(System.Logger.Level.WARNING, "member '" + dead.name() + "' (#" + dead.id() + ") is gone; its slots"
                + " go to their backups, and those without one are lost and refused until the loss is acknowledged");
        incarnations.remove(dead.name());
        transport.forget(dead.id());
        addresses.remove(dead.id());
        GridNode view = cluster.byId(dead.id());
        if (view != null && !view.isLocal()) {
            view.markGone();
        }
        List<dev.slotgrid.slot.Move> interrupted = new ArrayList<>();
        parts.control.update(current -> afterDeath(current, dead.id(), interrupted));
        undoInterrupted(transport, dead.id(), interrupted);
        parts.replicas.request(); // the dead member's copies, and the copies promoted to owners
    }

    /** The living side of each migration a death interrupted undoes it; failures are logged, not thrown. */
    static void undoInterrupted(Transport transport, int deadId, List<dev.slotgrid.slot.Move> interrupted) {
        for (dev.slotgrid.slot.Move move : interrupted) {
            int living = move.to() == deadId ? move.from() : move.to();
            Request undo = move.to() == deadId ? new MigrationRequest.CancelOutgoing(move.slot())
                    : new MigrationRequest.AbortImport(move.slot());
            try {
                transport.call(living, undo);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "slot " + move.slot() + ": undoing its migration: " + e);
            }
        }
    }

    /**
     * The table after a member died: migrations to or from it end (recorded in {@code interrupted},
     * for the living side to undo), each slot it owned goes to its first backup, and the slots with
     * no backup go to the survivors with the fewest slots for their weight, marked lost; the member
     * leaves the registry. Used by a clustered coordinator when Hazelcast declares a member dead and
     * by an embedded grid told so ({@link SlotGrid#declareDead}).
     */
    static SlotTable afterDeath(SlotTable current, int deadId, List<dev.slotgrid.slot.Move> interrupted) {
        interrupted.clear(); // update() may call this more than once
        SlotTable table = current;
        for (Map.Entry<Integer, dev.slotgrid.slot.Move> moving : current.migrations().entrySet()) {
            dev.slotgrid.slot.Move move = moving.getValue();
            if (move.to() == deadId || current.ownerOf(moving.getKey()) == deadId) {
                table = table.withoutMigration(moving.getKey()); // its source keeps it (or it is lost with it)
                interrupted.add(new dev.slotgrid.slot.Move(moving.getKey(), current.ownerOf(moving.getKey()), move.to()));
            }
        }
        table = table.withOwnerFailed(deadId);
        int[] slots = table.slotsOf(deadId);
        List<NodeInfo> survivors = new ArrayList<>(table.nodes());
        survivors.removeIf(n -> n.id() == deadId);
        int[] owners = new int[slots.length];
        int[] counts = new int[table.nextNodeId()];
        for (NodeInfo survivor : survivors) {
            counts[survivor.id()] = table.slotCount(survivor.id());
        }
        for (int i = 0; i < slots.length; i++) {
            NodeInfo least = survivors.get(0);
            for (NodeInfo survivor : survivors) {
                if (counts[survivor.id()] * (long) least.weight() < counts[least.id()] * (long) survivor.weight()) {
                    least = survivor;
                }
            }
            owners[i] = least.id();
            counts[least.id()]++;
        }
        return table.withLostOwners(slots, owners).withoutNode(deadId);
    }

    /** A member leaves gracefully: its slots move to the others first, then it leaves the table. */
    void drain(ControlParts parts, int leaving) {
        draining.add(leaving);
        try {
            for (int round = 0;; round++) {
                // removed only once it owns nothing and nothing moves to it: a migration that was queued
                // before the drain may still hand it a slot after a round of moves
                SlotTable after = parts.control.update(t -> t.node(leaving) != null && t.slotCount(leaving) == 0
                        && t.migrations().values().stream().noneMatch(m -> m.to() == leaving) ? t.withoutNode(leaving) : t);
                if (after.node(leaving) == null) {
                    parts.replicas.request(); // the copies it held
                    break;
                }
                if (round >= 8) {
                    throw new IllegalStateException("member #" + leaving + " still owns slots after 8 rounds of moves");
                }
                SlotTable table = parts.control.latest();
                List<NodeInfo> staying = new ArrayList<>(table.nodes());
                staying.removeIf(n -> n.id() == leaving);
                if (staying.isEmpty()) {
                    throw new IllegalStateException("the last member cannot hand its slots to anyone");
                }
                dev.slotgrid.slot.Plan plan = dev.slotgrid.slot.PlacementPlanner.plan(table, staying);
                CompletableFuture<?>[] moves = new CompletableFuture<?>[plan.moves().size()];
                for (int i = 0; i < moves.length; i++) {
                    dev.slotgrid.slot.Move move = plan.moves().get(i);
                    moves[i] = parts.migrations.migrate(move.slot(), move.to());
                }
                try {
                    CompletableFuture.allOf(moves).join();
                } catch (java.util.concurrent.CompletionException failed) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "draining #" + leaving + ": a move failed, planning again: "
                            + failed.getCause());
                }
            }
            try {
                transport.call(leaving, new ControlRequest.Leave());
            } catch (RuntimeException gone) {
                // it may already be stopping
            }
        } finally {
            draining.remove(leaving);
        }
    }
}
