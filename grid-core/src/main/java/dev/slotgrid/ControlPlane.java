package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The one authority over a grid's slot table and map catalog (docs/architecture.md, "Control
 * plane"): it derives each new epoch-stamped table, publishes it to every member through the
 * transport ({@link ControlRequest.PublishTable}), and gives each map name its id, defined on every
 * member ({@link ControlRequest.DefineMap}) before any request can name it. In one JVM the grid
 * plays this role; across JVMs a coordinator member will.
 *
 * <p>Thread-safe: table changes are serialized on one lock, held while the table is published (a
 * change may also act, e.g. hand a slot over, before the table that shows it is published); map
 * definitions on another. Readers of {@link #latest} never wait.
 *
 * <p>Invariants: epochs only grow; two tables with the same epoch are never both published; a
 * member that can be sent a map id has been told its name.
 */
final class ControlPlane implements Coordinator {

    private static final System.Logger LOG = System.getLogger(ControlPlane.class.getName());

    private final Cluster cluster;
    private final java.util.function.BiConsumer<Integer, Object> foldBack;
    private final AtomicReference<SlotTable> table;
    private final Object tableLock = new Object();
    /** Entries every live member knows. @GuardedBy("catalogLock") for additions */
    private final MapCatalog catalog = new MapCatalog();
    private final Object catalogLock = new Object();
    /** @GuardedBy("catalogLock") */
    private int nextMapId;

    /** {@code foldBack}: how a salted key is folded back into one entry ({@link HotKeyControl#foldBack}). */
    ControlPlane(Cluster cluster, SlotTable initial, java.util.function.BiConsumer<Integer, Object> foldBack) {
        this.cluster = cluster;
        this.foldBack = foldBack;
        this.table = new AtomicReference<>(initial);
    }

    @Override
    public SlotTable latest() {
        return table.get();
    }

    @Override
    public void foldBack(int mapId, Object key) {
        foldBack.accept(mapId, key);
    }

    /**
     * Derives the next table from the current one and publishes it to every live member, serialized
     * with every other table change. {@code change} may also act before the table is published; if
     * it throws, nothing is published.
     *
     * @return the published table
     */
    SlotTable update(UnaryOperator<SlotTable> change) {
        synchronized (tableLock) {
            SlotTable next = change.apply(table.get());
            table.set(next);
            ControlRequest.PublishTable publish = new ControlRequest.PublishTable(next);
            for (int member : cluster.liveMemberIds()) {
                try {
                    cluster.transport().call(member, publish);
                } catch (MemberUnavailableException | IndeterminateOperationException unreachable) {
                    // A member in another process that does not answer: if it is dead the membership says so
                    // soon and its slots are reassigned; if it is alive, its stale table is corrected by the
                    // MOVED answers of the members that own what it asks for, and by the next publication.
                    LOG.log(System.Logger.Level.WARNING, "table epoch " + next.epoch() + " did not reach member "
                            + member + ": " + unreachable.getMessage());
                }
            }
            return next;
        }
    }

    /** The id of a map, given and defined on every live member now if it has none. */
    @Override
    public int mapId(String name, boolean internal) {
        return idOf(internal ? name : MapCatalog.checkName(name));
    }

    private int idOf(String name) {
        int id = catalog.find(name);
        if (id >= 0) {
            return id;
        }
        synchronized (catalogLock) {
            id = catalog.find(name);
            if (id >= 0) {
                return id;
            }
            id = nextMapId++;
            ControlRequest.DefineMap define = new ControlRequest.DefineMap(id, name);
            for (int member : cluster.liveMemberIds()) {
                cluster.transport().call(member, define);
            }
            catalog.define(id, name); // visible to the fast path only once every member knows it
            return id;
        }
    }

    /** A successor coordinator's catalog: what its own member was told (every member is told every map). */
    void restoreCatalog(String[] names) {
        synchronized (catalogLock) {
            for (int id = 0; id < names.length; id++) {
                if (names[id] != null) {
                    catalog.define(id, names[id]);
                    nextMapId = Math.max(nextMapId, id + 1);
                }
            }
        }
    }

    String mapName(int id) {
        return catalog.nameOf(id);
    }

    boolean isInternal(int id) {
        return catalog.isInternal(id);
    }

    /** Tells a member that joins every map it can be sent, under the catalog's lock (no definition in between is missed). */
    void syncCatalog(int memberId) {
        synchronized (catalogLock) {
            String[] names = catalog.names();
            for (int id = 0; id < names.length; id++) {
                if (names[id] != null) {
                    cluster.transport().call(memberId, new ControlRequest.DefineMap(id, names[id]));
                }
            }
        }
    }
}
