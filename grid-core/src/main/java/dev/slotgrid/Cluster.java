package dev.slotgrid;

import dev.slotgrid.hotkey.SingleFlight;
import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the control plane's parts ({@link MigrationManager}, {@link IndexCoordinator},
 * {@link HotKeyControl}, {@link KeyDirectory}, {@link QueryEngine}, {@link Membership}) share: the
 * grid's configuration, its transport and {@link ControlPlane}, and the registry of the members
 * started in this JVM with the router the control plane sends through. The parts reach members
 * only by messages through that router; they reach each other only through what they are given.
 *
 * <p>Thread-safe: the member registry is a copy-on-write array.
 */
final class Cluster {

    private final String name;
    private final GridConfig config;
    private final Transport transport;
    private final QueryEngine queries;
    /** The control plane when it runs in this process (an embedded grid, a clustered coordinator), else {@code null}. */
    private volatile ControlPlane control;
    /** What this process's members ask the control plane: {@link #control}, or a client of the remote one. */
    private volatile Coordinator coordinator;
    /** Every member started, by id (a member that left stays, to answer MOVED). */
    private volatile GridNode[] members = new GridNode[0];
    /** The router the control plane sends through: the first member's, set once it starts. */
    private volatile Router controlRouter;
    /** This process's own member once it is registered (a clustered process has one). */
    private volatile GridNode localMember;
    /** getOrLoad's single flights, one per map: at most one load per key at a time in this JVM. */
    private final ConcurrentHashMap<Integer, SingleFlight<Object, Object>> loads = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /** @param transport the binding, given a way to name a member by its id (for its rules and messages) */
    Cluster(String name, GridConfig config, java.util.function.Function<java.util.function.IntFunction<String>, Transport> transport) {
        this.name = name;
        this.config = config;
        this.transport = transport.apply(this::memberName);
        this.queries = new QueryEngine(this);
    }

    /** The control plane runs in this process from now on (it became the coordinator, or always was). */
    void attach(ControlPlane plane) {
        this.control = plane;
        this.coordinator = plane;
    }

    /** The control plane runs elsewhere: this process's members ask it through {@code client}. */
    void attachRemote(Coordinator client) {
        this.control = null;
        this.coordinator = client;
    }

    Coordinator coordinator() {
        return coordinator;
    }

    QueryEngine queries() {
        return queries;
    }

    String name() {
        return name;
    }

    GridConfig config() {
        return config;
    }

    Transport transport() {
        return transport;
    }

    ControlPlane control() {
        return control;
    }

    /**
     * The newest table this process knows without asking: the control plane's where it runs here,
     * else this process's member's own (tables are published to every member; a stale one is
     * corrected by MOVED).
     */
    SlotTable table() {
        ControlPlane plane = control;
        if (plane != null) {
            return plane.latest();
        }
        GridNode me = localMember;
        return me != null ? me.member().table() : coordinator.latest();
    }

    /** This process's member in a clustered grid (the first started in an embedded one); {@code null} before one starts. */
    GridNode localMember() {
        return localMember;
    }

    Router controlRouter() {
        return controlRouter;
    }

    // ---------------------------------------------------------------- the map catalog

    int mapId(String mapName) {
        return coordinator.mapId(MapCatalog.checkName(mapName), false);
    }

    int internalMapId(String mapName) {
        return coordinator.mapId(mapName, true);
    }

    String mapName(int mapId) {
        return control.mapName(mapId);
    }

    boolean isInternalMap(int mapId) {
        return control.isInternal(mapId);
    }

    // ---------------------------------------------------------------- members

    synchronized void register(GridNode node) {
        GridNode[] next = Arrays.copyOf(members, Math.max(members.length, node.id() + 1));
        next[node.id()] = node;
        members = next;
        if (controlRouter == null) {
            controlRouter = node.member().router();
        }
        if (localMember == null && node.isLocal()) {
            localMember = node;
        }
    }

    /** Every member started, those that left included. */
    List<GridNode> all() {
        List<GridNode> all = new ArrayList<>();
        for (GridNode node : members) {
            if (node != null) {
                all.add(node);
            }
        }
        return all;
    }

    /**
     * The members in the grid now, by id. A member of another process is listed once the table
     * names it (while the coordinator admits it, it already receives publications, but takes no
     * slot by request yet).
     */
    List<GridNode> nodes() {
        List<GridNode> active = new ArrayList<>();
        SlotTable table = null;
        for (GridNode node : members) {
            if (node != null && node.isActive()) {
                if (!node.isLocal()) {
                    table = table != null ? table : table();
                    if (table.node(node.id()) == null) {
                        continue;
                    }
                }
                active.add(node);
            }
        }
        return List.copyOf(active);
    }

    GridNode node(String nodeName) {
        Objects.requireNonNull(nodeName, "node name must not be null");
        for (GridNode node : nodes()) {
            if (node.name().equals(nodeName)) {
                return node;
            }
        }
        throw new IllegalArgumentException("no active node named '" + nodeName + "'; nodes: "
                + nodes().stream().map(GridNode::name).toList());
    }

    /** Ids of the members in the grid now (not left). */
    List<Integer> activeMemberIds() {
        List<Integer> ids = new ArrayList<>();
        for (GridNode node : members) {
            if (node != null && node.isActive()) {
                ids.add(node.id());
            }
        }
        return ids;
    }

    /**
     * Ids of every member that can still answer: in this JVM, every member started and not closed,
     * those that left included (they answer MOVED); in other processes, those still in the grid.
     */
    List<Integer> liveMemberIds() {
        List<Integer> ids = new ArrayList<>();
        for (GridNode node : members) {
            if (node != null && (node.isLocal() || node.isActive())) {
                ids.add(node.id());
            }
        }
        return ids;
    }

    /**
     * A clustered member's view of the others, kept to the table: a handle for each member in it
     * (entered through {@code local}), and the ones no longer in it marked gone. {@code admitting}
     * stay listed while the coordinator admits them, before the table names them.
     */
    synchronized void followTable(SlotTable table, Member local, java.util.Set<Integer> admitting) {
        GridNode[] current = members;
        for (dev.slotgrid.slot.NodeInfo info : table.nodes()) {
            if (info.id() >= current.length || current[info.id()] == null) {
                register(new GridNode(this, local, info));
                current = members;
            }
        }
        for (GridNode node : current) {
            if (node != null && !node.isLocal() && table.node(node.id()) == null && !admitting.contains(node.id())) {
                node.markGone();
            }
        }
    }

    /** The handle of a member by id, or {@code null}. */
    GridNode byId(int id) {
        GridNode[] all = members;
        return id >= 0 && id < all.length ? all[id] : null;
    }

    boolean isActiveMember(int id) {
        GridNode[] all = members;
        return id >= 0 && id < all.length && all[id] != null && all[id].isActive();
    }

    private String memberName(int id) {
        GridNode[] all = members;
        return id >= 0 && id < all.length && all[id] != null ? all[id].name() : "member-" + id;
    }

    // ---------------------------------------------------------------- getOrLoad, lifecycle

    SingleFlight<Object, Object> loads(int mapId) {
        return loads.computeIfAbsent(mapId, id -> new SingleFlight<>());
    }

    /** getOrLoad's coalesced calls and loads, over every map. */
    long[] loadCounters() {
        long coalesced = 0;
        long count = 0;
        for (SingleFlight<Object, Object> flight : loads.values()) {
            coalesced += flight.coalesced();
            count += flight.loads();
        }
        return new long[] {coalesced, count};
    }

    void requireOpen() {
        if (closed) {
            throw new IllegalStateException("grid '" + name + "' is closed");
        }
    }

    boolean isClosed() {
        return closed;
    }

    void markClosed() {
        closed = true;
    }
}
