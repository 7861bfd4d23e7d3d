package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * change may also act, e.g. hand a slot over, before the table that shows it is published), and
 * committed in rounds: the changes that wait during one publication share the next; map
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
    /** Table changes not yet applied, in arrival order; see {@link #update}. */
    private final ConcurrentLinkedQueue<Pending> waiting = new ConcurrentLinkedQueue<>();
    /** Members a publication did not reach, so that each is logged once until it answers again. @GuardedBy("tableLock") */
    private final java.util.Set<Integer> silent = new java.util.HashSet<>();
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
     * it throws, its change is not made (and the exception is thrown here).
     *
     * <p>Group commit: changes that arrive while a table is being published wait, and the next of
     * them to take the lock applies all of them in arrival order and publishes one table for all.
     * So a burst of migrations costs one publication per round, not two per slot; every change is
     * still applied to the table its predecessor produced, and each caller returns once a table
     * that holds its change has reached every member that answers.
     *
     * @return the published table (holding this change, and possibly later ones of the same round)
     */
    SlotTable update(UnaryOperator<SlotTable> change) {
        if (Thread.holdsLock(tableLock)) {
            throw new IllegalStateException("a table change may not change the table itself");
        }
        Pending mine = new Pending(change);
        waiting.add(mine);
        synchronized (tableLock) {
            if (!mine.done) {
                commitWaiting();
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.published;
    }

    /** One caller's change, waiting for the round that applies and publishes it. */
    private static final class Pending {
        final UnaryOperator<SlotTable> change;
        /** Written under the table lock, read by its caller after taking the same lock. */
        boolean done;
        SlotTable published;
        RuntimeException failure;

        Pending(UnaryOperator<SlotTable> change) {
            this.change = change;
        }
    }

    /** Applies every waiting change in order, publishes the result once, and completes them. Table lock held. */
    private void commitWaiting() {
        List<Pending> round = new ArrayList<>();
        for (Pending next = waiting.poll(); next != null; next = waiting.poll()) {
            round.add(next);
        }
        SlotTable current = table.get();
        boolean anyApplied = false;
        for (Pending pending : round) {
            try {
                current = pending.change.apply(current);
                anyApplied = true;
            } catch (RuntimeException e) {
                pending.failure = e;
            }
        }
        RuntimeException refused = null;
        if (anyApplied) {
            table.set(current);
            try {
                publish(current);
            } catch (RuntimeException e) {
                refused = e;
            }
        }
        for (Pending pending : round) {
            if (pending.failure == null) {
                pending.failure = refused;
                pending.published = current;
            }
            pending.done = true;
        }
    }

    /**
     * Sends a table to every live member at once and waits for every answer; the next publication
     * waits for this one, so every member sees the tables in epoch order.
     */
    private void publish(SlotTable next) {
        Map<Integer, RuntimeException> failed = Fanout.send(cluster.transport(), cluster.liveMemberIds(),
                new ControlRequest.PublishTable(next));
        RuntimeException refused = null;
        for (Map.Entry<Integer, RuntimeException> failure : failed.entrySet()) {
            int member = failure.getKey();
            if (!Fanout.unreachable(failure.getValue())) {
                refused = refused != null ? refused : failure.getValue();
            } else if (silent.add(member)) {
                // A member in another process that does not answer: if it is dead the membership says so soon
                // and its slots are reassigned; if it is alive, its stale table is corrected by the MOVED answers
                // of the members that own what it asks for, and by the next publication that reaches it.
                LOG.log(System.Logger.Level.WARNING, "table epoch " + next.epoch() + " did not reach member " + member
                        + " (logged once until it answers again): " + failure.getValue().getMessage());
            }
        }
        silent.removeIf(member -> !failed.containsKey(member));
        if (refused != null) {
            throw refused;
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
