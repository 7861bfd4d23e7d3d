package dev.slotgrid;

import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.util.EnumMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One node of a {@link SlotGrid}: it stores the slots it owns and routes the calls that enter the
 * grid through it.
 *
 * <p>Thread-safe. A node has its own reference to the slot table, which it replaces (never mutates)
 * when it learns a newer one. As an <em>entry</em> node it computes a key's owner from that table
 * and runs the owner's code on the calling thread; as an <em>owner</em> it answers
 * {@link Route#MOVED} for slots it does not serve, and the entry node refreshes its table and
 * retries, a bounded number of times.
 */
public final class GridNode {

    private static final int SLOTS = SlotTable.SLOTS;
    /** Busy-spin this many times on a slot in cutover before yielding, then parking. */

    private final SlotGrid grid;
    private final NodeInfo info;
    private final AtomicReferenceArray<SlotStore> stores = new AtomicReferenceArray<>(SLOTS);
    final StatsRecorder stats = new StatsRecorder();
    /** Outgoing batches of asynchronous calls, one per owner node. */
    private final java.util.concurrent.ConcurrentHashMap<Integer, dev.slotgrid.hotkey.MicroBatcher<AsyncRequest>> outgoing =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** This node's sample of the keys it executes operations on; {@code null} with detection off. */
    final dev.slotgrid.hotkey.HeavyHitters detector;
    private volatile SlotTable table;
    private volatile boolean left;

    GridNode(SlotGrid grid, NodeInfo info, SlotTable table) {
        this.grid = grid;
        this.info = info;
        this.table = table;
        this.detector = grid.hotKeys().detecting() ? HotKeys.newDetector() : null;
        for (int slot = 0; slot < SLOTS; slot++) {
            if (table.ownerOf(slot) == info.id()) {
                stores.set(slot, newOwnedStore(slot, table.epoch()));
            }
        }
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
        return table;
    }

    /** @return {@code false} once the node has left the grid */
    public boolean isActive() {
        return !left;
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
        grid.requireOpen();
        return new RoutedMap<>(grid, this, name, grid.maps().idOf(name));
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
        grid.requireOpen();
        return new GridQuery<>(grid, this, name, grid.maps().idOf(name));
    }

    /**
     * A snapshot of this node's counters. Cost: sums the counters and counts entries in every slot
     * this node serves (milliseconds for millions of entries); not for a hot path.
     *
     * @return the snapshot
     */
    public NodeStats stats() {
        EnumMap<OpType, Long> ops = new EnumMap<>(OpType.class);
        for (OpType type : OpType.values()) {
            ops.put(type, stats.count(type));
        }
        long entries = 0;
        int owned = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            SlotStore store = stores.get(slot);
            if (store != null && SlotStore.readable(store.state())) {
                owned++;
                entries += store.entryCount();
            }
        }
        return new NodeStats(id(), name(), ops, entries, owned, stats.movedReplies.sum(), stats.redirectsFollowed.sum(),
                stats.tryAgainRetries.sum(), stats.slotHeat());
    }

    @Override
    public String toString() {
        return "GridNode{" + name() + "#" + id() + (left ? ", left" : "") + "}";
    }

    // ================================================================ entry role: routing

    /**
     * Runs one operation on the owner of {@code slot}, following redirects. Every outcome of the
     * owner ({@link Route}) is handled here:
     * <ul>
     *   <li>LOCAL: the result is returned;
     *   <li>MOVED / FENCED: adopt the grid's newest table, go to the owner the reply names (or the
     *       table's), routed with the newer epoch; past {@code maxRedirects} an
     *       {@link IllegalStateException};
     *   <li>TRYAGAIN: the slot is in its cutover window; spin, yield, then park with a growing
     *       pause and go again, up to the configured cutover timeout.
     * </ul>
     */
    Object route(OpType op, int mapId, int slot, Object key, Object a, Object b) {
        return route(op, mapId, slot, key, a, b, true);
    }

    /**
     * As {@link #route(OpType, int, int, Object, Object, Object)}; {@code honourPins} false sends the
     * operation to {@code slot} whatever the key directory says (the key mover's own copies).
     */
    Object route(OpType op, int mapId, int naturalSlot, Object key, Object a, Object b, boolean honourPins) {
        SlotTable routing = table;
        int slot = honourPins ? pinned(routing, mapId, key, naturalSlot) : naturalSlot;
        int target = routing.ownerOf(slot);
        long epoch = routing.epoch();
        int redirects = 0;
        int tries = 0;
        long tryAgainSince = 0;
        for (;;) {
            try {
                GridNode owner = grid.peer(target);
                Object result = owner.execute(op, mapId, slot, epoch, key, a, b);
                if (honourPins && !op.isWrite() && pinned(owner.table(), mapId, key, naturalSlot) != slot) {
                    // a read only: the key was pinned elsewhere meanwhile and this slot's copy may be stale. (A write
                    // that ran here was admitted before the key moved, so the move carried it; stale writes are fenced.)
                    throw new Redirect(Route.MOVED, slot, -1, owner.table().epoch());
                }
                if (b != IndexedWrite.RAW) { // index maintenance is the grid's own work, not a caller's heat
                    grid.hotKeys().record(owner, mapId, key, op.isWrite());
                }
                return result;
            } catch (Redirect redirect) {
                if (redirect.route == Route.TRYAGAIN) {
                    if (tries == 0) {
                        tryAgainSince = System.nanoTime();
                    }
                    stats.tryAgainRetries.increment();
                    backOff(tries++, tryAgainSince, slot);
                } else {
                    stats.redirectsFollowed.increment();
                    if (++redirects > grid.maxRedirects()) {
                        throw new IllegalStateException("gave up routing " + op + " for slot " + slot + " after "
                                + grid.maxRedirects() + " redirects; last: " + redirect.getMessage());
                    }
                    refreshTable();
                }
                routing = table;
                int routed = honourPins ? pinned(routing, mapId, key, naturalSlot) : naturalSlot;
                // a MOVED newer than our (refreshed) table knows the owner better than the table does
                target = routed == slot && redirect.route == Route.MOVED && redirect.owner >= 0
                        && redirect.epoch >= routing.epoch() ? redirect.owner : routing.ownerOf(routed);
                slot = routed;
                epoch = Math.max(routing.epoch(), redirect.epoch);
            }
        }
    }

    /** The slot the key directory pins a key to, or {@code slot}. Allocation only when some key is pinned. */
    private static int pinned(SlotTable table, int mapId, Object key, int slot) {
        return table.hasPins() ? table.pinnedSlot(new KeyDirectory.PinnedKey(mapId, key), slot) : slot;
    }

    private void backOff(int tries, long since, int slot) {
        if (Backoff.parks(tries)) {
            long waited = System.nanoTime() - since;
            if (waited > grid.cutoverTimeoutNanos()) {
                throw new IllegalStateException("slot " + slot + " stayed in its cutover window for "
                        + TimeUnit.NANOSECONDS.toMillis(waited) + " ms; the migration that sealed it is stuck");
            }
        }
        Backoff.pause(tries);
    }

    /**
     * Queues an asynchronous call for the owner this node's table names, in that owner's batch:
     * calls that arrive together travel together (one message per batch on a remote transport).
     * The batch runs on the thread of one of the callers (flat combining: no thread of its own),
     * each call through {@link #route}, so redirects and retries are handled as for a synchronous call.
     */
    void submit(AsyncRequest request) {
        int owner = table.ownerOf(request.slot());
        dev.slotgrid.hotkey.MicroBatcher<AsyncRequest> batcher = outgoing.get(owner); // no capturing lambda per call
        (batcher != null ? batcher : outgoing.computeIfAbsent(owner, o -> new dev.slotgrid.hotkey.MicroBatcher<>(64, batch -> {
            grid.hotKeys().batches.increment();
            grid.hotKeys().batchedRequests.add(batch.size());
            for (AsyncRequest r : batch) {
                try {
                    r.result().complete(route(r.op(), r.mapId(), r.slot(), r.key(), r.a(), r.b()));
                } catch (RuntimeException | Error e) {
                    r.result().completeExceptionally(e);
                }
            }
        }))).submit(request);
    }

    /** Adopts the grid's newest table: the in-JVM equivalent of asking a node for CLUSTER SLOTS. */
    void refreshTable() {
        adopt(grid.table());
    }

    /** Replaces this node's table by a newer one; older or equal epochs are ignored. */
    void adopt(SlotTable newer) {
        for (;;) {
            SlotTable current = table;
            if (newer.epoch() <= current.epoch()) {
                return;
            }
            synchronized (this) { // table changes are rare; the hot path only reads the volatile field
                if (table == current) {
                    table = newer;
                    return;
                }
            }
        }
    }

    /** Test hook: installs any table, even an older one, to simulate a node that missed updates. */
    void installTable(SlotTable any) {
        synchronized (this) {
            table = any;
        }
    }

    void markLeft() {
        left = true;
    }

    // ================================================================ owner role: execution

    /**
     * Executes an operation on a slot this node serves, or throws a {@link Redirect} that says where
     * to go. Reads never wait: they see the slot in any state where this node is authoritative
     * (owned, migrating, sealed) and are redirected otherwise. Writes pass the slot's admission. A
     * write to a map with secondary indexes maintains them in the same atomic update of the key
     * ({@link IndexedWrite}); a {@link OpType#COMPUTE} whose {@code b} is {@link IndexedWrite#RAW} is
     * index maintenance itself and skips that.
     */
    Object execute(OpType op, int mapId, int slot, long routedEpoch, Object key, Object a, Object b) {
        SlotStore store = stores.get(slot);
        if (!op.isWrite()) {
            if (store == null || !SlotStore.readable(store.state())) {
                throw redirect(Route.MOVED, slot, store);
            }
            ConcurrentMap<Object, Object> map = store.readMap(mapId);
            Object result = map == null ? Ops.absent(op) : Ops.apply(op, map, key, a, b);
            stats.record(op, slot);
            return result;
        }
        if (store == null) {
            throw redirect(Route.MOVED, slot, null);
        }
        int admission = store.tryEnter(routedEpoch);
        if (admission != SlotStore.ADMITTED) {
            throw redirect(ROUTES[admission], slot, store);
        }
        Object result;
        IndexedWrite indexed = null;
        try {
            // read inside admission: IndexManager.addIndex relies on it (see its class comment)
            IndexSet indexes = grid.indexes().of(mapId);
            if (indexes.isEmpty() || b == IndexedWrite.RAW) {
                result = Ops.apply(op, store.writeMap(mapId), key, a, b);
            } else {
                indexed = new IndexedWrite(grid.indexes(), indexes, this, store, mapId, slot, key);
                result = indexed.apply(op, store.writeMap(mapId), a, b);
            }
        } finally {
            store.exit(mapId, key);
        }
        if (indexed != null) {
            indexed.afterExit();
        }
        stats.record(op, slot);
        return result;
    }

    private static final Route[] ROUTES = Route.values();

    /** A batch result: this key must be routed on its own (its slot is not served here right now). */
    static final Object REROUTE = new Object() {
        @Override
        public String toString() {
            return "REROUTE";
        }
    };

    /**
     * Executes one operation for each key {@code indexes[i]} of a batch, writing each result into
     * {@code results}; a key that would be redirected gets {@link #REROUTE} instead. Nothing is
     * thrown for a redirect, so one moved slot does not fail the batch.
     */
    void executeBatch(OpType op, int mapId, long routedEpoch, int[] indexes, int[] slots, Object[] keys,
            Object[] args, Object[] results) {
        for (int i : indexes) {
            try {
                results[i] = execute(op, mapId, slots[i], routedEpoch, keys[i], args == null ? null : args[i], null);
            } catch (Redirect redirect) {
                results[i] = REROUTE;
            }
        }
    }

    private Redirect redirect(Route route, int slot, SlotStore store) {
        if (route == Route.TRYAGAIN) {
            return new Redirect(Route.TRYAGAIN, slot, id(), 0);
        }
        stats.movedReplies.increment();
        if (store != null && store.state() == SlotStore.FORWARDED) {
            return new Redirect(Route.MOVED, slot, store.forwardTo(), store.forwardEpoch());
        }
        if (route == Route.FENCED) {
            return new Redirect(Route.FENCED, slot, id(), store.ownerEpoch());
        }
        SlotTable known = table;
        int owner = known.ownerOf(slot);
        if (owner == id()) {
            // this node's table already names it, but the handover has not reached the store yet
            return new Redirect(Route.TRYAGAIN, slot, id(), known.epoch());
        }
        return new Redirect(Route.MOVED, slot, owner, known.epoch());
    }

    // ================================================================ slot stores (for the grid)

    SlotStore store(int slot) {
        return stores.get(slot);
    }

    void setStore(int slot, SlotStore store) {
        stores.set(slot, store);
    }

    SlotStore newOwnedStore(int slot, long epoch) {
        return SlotStore.owned(slot, epoch, grid.opener(slot));
    }

    SlotStore newImportingStore(int slot, int from) {
        return SlotStore.importing(slot, from, grid.opener(slot));
    }

    /** Entries of one map in the slots this node serves. Weakly consistent. */
    long entryCount(int mapId) {
        long count = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            SlotStore store = stores.get(slot);
            if (store != null && SlotStore.readable(store.state())) {
                count += store.entryCount(mapId);
            }
        }
        return count;
    }
}
