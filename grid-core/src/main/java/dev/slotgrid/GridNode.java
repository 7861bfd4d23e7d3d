package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;

/**
 * One member of a {@link SlotGrid} as a user sees it: the maps and queries that enter the grid
 * through it, its table and its counters. The member itself stores the slots it owns and serves
 * what other members send it; this handle is how calls enter through it. In a clustered grid a
 * handle on a member of another process describes it (its id, name, counters), and calls made
 * through it enter by this process's own member.
 *
 * <p>Thread-safe. A member has its own reference to the slot table, which it replaces (never
 * mutates) when it learns a newer one. As the entry for a call it computes the key's owner from
 * that table and sends the call there through the grid's transport; an owner answers
 * {@code MOVED} for slots it does not serve, and the entry refreshes its table and retries, a
 * bounded number of times.
 */
public final class GridNode {

    private final Cluster cluster;
    private final Member member;
    private final NodeInfo info;
    /** For a member of another process: whether it is still in the grid. */
    private volatile boolean present = true;

    /** A member of this process. */
    GridNode(Cluster cluster, Member member) {
        this(cluster, member, member.info());
    }

    /** A member described by {@code info}, entered through {@code member} (this process's own). */
    GridNode(Cluster cluster, Member member, NodeInfo info) {
        this.cluster = cluster;
        this.member = member;
        this.info = info;
    }

    /** The member calls through this handle enter by: the node's own if it lives in this process. */
    Member member() {
        return member;
    }

    boolean isLocal() {
        return member.id() == info.id();
    }

    void markGone() {
        present = false;
    }

    QueryEngine queries() {
        return cluster.queries();
    }

    /** @return the node's id, unique in its grid and never reused */
    public int id() {
        return info.id();
    }

    /** @return the node's name */
    public String name() {
        return info.name();
    }

    /** @return the node's placement weight */
    public int weight() {
        return info.weight();
    }

    /**
     * The slot table this node routes with. It may briefly lag the grid's newest table; a call
     * routed with it is redirected and the node catches up.
     *
     * @return the node's current table
     */
    public SlotTable table() {
        return member.table();
    }

    /** @return {@code false} once the node has left the grid */
    public boolean isActive() {
        return isLocal() ? member.isActive() : present;
    }

    /**
     * A handle on a named map that enters the grid through this node. Creating the map is implicit
     * and cheap; handles may be cached. A node that left the grid holds no data but keeps routing:
     * calls through it go to the slots' owners as from any node.
     *
     * @param name the map's name, 1 to 255 characters
     * @param <K> the key type
     * @param <V> the value type
     * @return the map handle
     * @throws IllegalArgumentException if the name is blank or too long
     * @throws IllegalStateException if the grid is closed
     */
    public <K, V> GridMap<K, V> map(String name) {
        cluster.requireOpen();
        return new RoutedMap<>(cluster, member, name, cluster.mapId(name));
    }

    /**
     * A query on a named map that enters the grid through this node: GLOBAL index lookups and
     * single-slot queries run on the caller's thread from here; see {@link GridQuery}.
     *
     * @param name the map's name, 1 to 255 characters
     * @param <K> the key type
     * @param <V> the value type
     * @return a query matching every entry, to refine
     * @throws IllegalArgumentException if the name is blank or too long
     * @throws IllegalStateException if the grid is closed
     */
    public <K, V> GridQuery<K, V> query(String name) {
        cluster.requireOpen();
        return new GridQuery<>(this, name, cluster.mapId(name));
    }

    /**
     * A snapshot of this node's counters. Cost: sums the counters and counts entries in every slot
     * this node serves (milliseconds for millions of entries); not for a hot path.
     *
     * @return the snapshot
     * @throws MemberUnavailableException if the node does not answer (it left, died, or is cut off)
     */
    public NodeStats stats() {
        Object answer = member.router().ask(info.id(), new ControlRequest.StatsQuery());
        if (!(answer instanceof MemberStats stats)) { // a request lost on the way (fault injection) answers nothing
            throw new MemberUnavailableException("node '" + name() + "' did not answer a stats query");
        }
        return stats.toNodeStats();
    }

    @Override
    public String toString() {
        return "GridNode{" + name() + "#" + id() + (isActive() ? "" : ", left") + "}";
    }
}
