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
    private volatile ControlPlane control;
    /** Every member started, by id (a member that left stays, to answer MOVED). */
    private volatile GridNode[] members = new GridNode[0];
    /** The router the control plane sends through: the first member's, set once it starts. */
    private volatile Router controlRouter;
    /** getOrLoad's single flights, one per map: at most one load per key at a time in this JVM. */
    private final ConcurrentHashMap<Integer, SingleFlight<Object, Object>> loads = new ConcurrentHashMap<>();
    private volatile boolean closed;

    Cluster(String name, GridConfig config, SlotGridBuilder builder) {
        this.name = name;
        this.config = config;
        this.transport = builder.transport(config, this::memberName);
    }

    void attach(ControlPlane plane) {
        this.control = plane;
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

    SlotTable table() {
        return control.latest();
    }

    Router controlRouter() {
        return controlRouter;
    }

    // ---------------------------------------------------------------- the map catalog

    int mapId(String mapName) {
        return control.mapId(mapName);
    }

    int internalMapId(String mapName) {
        return control.internalMapId(mapName);
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

    /** The members in the grid now, by id. */
    List<GridNode> nodes() {
        List<GridNode> active = new ArrayList<>();
        for (GridNode node : members) {
            if (node != null && node.isActive()) {
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

    /** Ids of every member started and not closed, those that left included (they still answer MOVED). */
    List<Integer> liveMemberIds() {
        List<Integer> ids = new ArrayList<>();
        for (GridNode node : members) {
            if (node != null) {
                ids.add(node.id());
            }
        }
        return ids;
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
