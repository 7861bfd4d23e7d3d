package dev.slotgrid;

import dev.slotgrid.hotkey.HeavyHitters;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;

/**
 * The owner side of one member: the slots it stores and every request other members send it
 * (docs/architecture.md, "The walls between members"). Its roles are classes of their own:
 * {@link MemberMigrations} (source and target of migrations), {@link MemberIndexes} (index
 * maintenance, the GLOBAL outbox), {@link MemberQueries} (query fragments), {@link MemberHotKeys}
 * (near caches and salted keys of its entry side). Its entry side is its {@link Router}.
 *
 * <p>Thread-safe. The member has its own slot table, replaced (never mutated) when the control plane
 * publishes a newer one. Requests run on the transport's thread (the caller's, in one JVM); reads
 * never wait, writes pass the slot's admission ({@link SlotStore}).
 *
 * <p>Invariants: a slot's store is replaced only by this member's own roles (a migration step, a
 * key move); nothing outside the member holds a reference to one.
 */
final class Member implements Transport.Endpoint {

    private static final int SLOTS = SlotTable.SLOTS;
    private static final Route[] ROUTES = Route.values();

    private final NodeInfo info;
    private final GridConfig config;
    private final MapCatalog catalog = new MapCatalog();
    private final AtomicReferenceArray<SlotStore> stores = new AtomicReferenceArray<>(SLOTS);
    private final boolean trackReaders;
    final StatsRecorder stats = new StatsRecorder();
    /** The keys this member executes operations on, sampled; {@code null} with detection off. */
    final HeavyHitters detector;
    private final Router router;
    private final MemberMigrations migrations;
    private final MemberIndexes indexes;
    private final MemberHotKeys hotKeys;
    private final MemberReplicas replicas;
    private volatile SlotTable table;
    private volatile boolean left;
    /** {@code null} in an embedded grid; a clustered member serves reads and writes only while it holds. */
    private final MajorityLease lease;
    /** Told of each table this member adopts (a clustered member keeps its view of the others to it). */
    private volatile java.util.function.Consumer<SlotTable> tableListener;

    Member(NodeInfo info, GridConfig config, SlotTable initial, Transport transport, Coordinator coordinator) {
        this(info, config, initial, transport, coordinator, null);
    }

    /** @param lease what lets a clustered member serve ({@code null}: an embedded grid's member, always) */
    Member(NodeInfo info, GridConfig config, SlotTable initial, Transport transport, Coordinator coordinator,
            MajorityLease lease) {
        this.lease = lease;
        this.info = info;
        this.config = config;
        this.table = initial;
        this.trackReaders = SlotStore.providerCloses(config.storeProvider());
        this.detector = config.hotKeyDetection() ? MemberHotKeys.newDetector() : null;
        this.router = new Router(this, transport, coordinator);
        this.migrations = new MemberMigrations(this);
        this.indexes = new MemberIndexes(this);
        this.hotKeys = new MemberHotKeys(this);
        this.replicas = new MemberReplicas(this);
        for (int slot = 0; slot < SLOTS; slot++) {
            if (initial.ownerOf(slot) == info.id()) {
                stores.set(slot, newOwnedStore(slot, initial.epoch()));
            }
        }
        replicas.createEmpty(initial);
    }

    int id() {
        return info.id();
    }

    String name() {
        return info.name();
    }

    NodeInfo info() {
        return info;
    }

    GridConfig config() {
        return config;
    }

    GridPlugins plugins() {
        return config.plugins();
    }

    MapCatalog catalog() {
        return catalog;
    }

    SlotTable table() {
        return table;
    }

    Router router() {
        return router;
    }

    MemberIndexes indexes() {
        return indexes;
    }

    MemberHotKeys hotKeys() {
        return hotKeys;
    }

    boolean isActive() {
        return !left;
    }

    @Override
    public String toString() {
        return "Member{" + name() + "#" + id() + (left ? ", left" : "") + "}";
    }

    // ================================================================ requests

    /**
     * Serves one request, on the calling thread. Routed requests answer their value or a
     * {@link Reply}; the others their value; a failure is thrown.
     */
    @Override
    public Object handle(Request request) {
        if (request instanceof KeyRequest key) {
            return execute(key);
        }
        if (request instanceof BatchRequest batch) {
            return executeBatch(batch);
        }
        if (request instanceof MigrationRequest migration) {
            return migrations.handle(migration);
        }
        if (request instanceof IndexRequest index) {
            return indexes.handle(index);
        }
        if (request instanceof QueryRequest query) {
            if (lease != null && !left && !lease.holds()) {
                majorityConfirms(null, true);
            }
            return MemberQueries.scan(this, query);
        }
        if (request instanceof HotKeyRequest hot) {
            return hotKeys.handle(hot);
        }
        if (request instanceof DirectoryRequest directory) {
            return handleDirectory(directory);
        }
        if (request instanceof ReplicaRequest replica) {
            return replicas.handle(replica);
        }
        return handleControl((ControlRequest) request);
    }

    /**
     * Executes an operation on a slot this member serves, or says where to go. Every outcome:
     * <ul>
     *   <li>a read, in a state where this member is authoritative for the slot (owned, migrating,
     *       sealed): its result; readers never wait;
     *   <li>a read of a key the directory pins elsewhere (or pinned no more) per this member's table:
     *       {@link Reply.Moved} with owner -1, after the read (the copy here may be stale);
     *   <li>a write admitted by the slot: its result; a write to a map with indexes maintains them in
     *       the same atomic update ({@link IndexedWrite}), and after leaving admission may wait for
     *       room in the GLOBAL outbox;
     *   <li>the slot sealed for its cutover: {@link Reply.TryAgain} (writes only);
     *   <li>a write routed with an epoch older than the slot's last change here: {@link Reply.Fenced};
     *   <li>the slot not served here (never was, importing, or forwarded): {@link Reply.Moved} naming
     *       the owner this member knows, or {@link Reply.TryAgain} if this member's table already
     *       names itself but the handover has not reached the store yet;
     *   <li>a clustered member that no majority confirms: {@link NoMajorityException}, thrown.
     * </ul>
     */
    @Override
    public Object execute(KeyRequest request) {
        return execute(request, true);
    }

    @Override
    public Object readWithoutWaiting(KeyRequest read) {
        return execute(read, false);
    }

    /**
     * Whether a clustered member may serve a slot's data now: {@code true}, or {@link NoMajorityException}
     * if no majority confirms it; {@code false} (not served now) only when it may not wait for a probe
     * round. A store that does not serve (importing, forwarded) answers without it: MOVED needs no lease.
     *
     * @param store the slot's store; {@code null} for a query fragment over every slot served here
     */
    private boolean majorityConfirms(SlotStore store, boolean mayWait) {
        if (lease == null || (store != null && !SlotStore.readable(store.state())) || lease.holds()) {
            return true;
        }
        if (!mayWait) {
            return false;
        }
        try {
            lease.require();
        } catch (NoMajorityException refused) {
            stats.refusedWithoutMajority.increment();
            throw refused;
        }
        return true;
    }

    private Object execute(KeyRequest request, boolean mayWait) {
        int slot = request.slot();
        SlotStore store = stores.get(slot);
        OpType op = request.type();
        if (!op.isWrite()) {
            if (store == null) {
                return redirect(Route.MOVED, slot, null);
            }
            if (!majorityConfirms(store, mayWait)) {
                return MUST_WAIT; // the pool waits for a probe round, or refuses
            }
            if (trackReaders && !store.enterRead()) {
                return redirect(Route.MOVED, slot, store);
            }
            Object result;
            try {
                if (!SlotStore.readable(store.state())) {
                    return redirect(Route.MOVED, slot, store);
                }
                ConcurrentMap<Object, Object> map = store.readMap(request.mapId());
                result = map == null ? request.absent() : request.apply(this, map);
            } finally {
                if (trackReaders) {
                    store.exitRead();
                }
            }
            Replication stream = store.replication();
            if (stream != null && !stream.settled()) {
                if (!mayWait) {
                    return MUST_WAIT;
                }
                stats.readsAwaitingBackups.increment();
                stream.awaitEarlierWrites();
            }
            stats.record(op, slot);
            SlotTable known = table;
            if (known.hasPins() && pinnedAway(known, request)) {
                return new Reply.Moved(slot, -1, known.epoch());
            }
            detect(request, false);
            return result;
        }
        if (store == null) {
            return redirect(Route.MOVED, slot, null);
        }
        majorityConfirms(store, true);
        int admission = store.tryEnter(request.epoch());
        if (admission != SlotStore.ADMITTED) {
            return redirect(ROUTES[admission], slot, store);
        }
        Object result;
        IndexedWrite indexed = null;
        Replication.Pending pending = null;
        int mapId = request.mapId();
        try {
            // read inside admission: IndexCoordinator.addIndex relies on it (see MemberIndexes)
            IndexSet set = indexes.of(mapId);
            if (set.isEmpty() || !request.indexed()) {
                result = request.apply(this, store.writeMap(mapId));
            } else {
                indexed = new IndexedWrite(indexes, set, this, store, request);
                result = indexed.apply(store.writeMap(mapId));
            }
        } finally {
            pending = store.exit(mapId, request.key());
        }
        if (pending != null) {
            store.replication().await(pending);
        }
        if (indexed != null) {
            indexed.afterExit();
        }
        stats.record(op, slot);
        detect(request, true);
        return result;
    }

    /** Whether the directory, as this member's table has it, sends the key of a read somewhere else. */
    private static boolean pinnedAway(SlotTable known, KeyRequest request) {
        return pinnedAway(known, request.mapId(), request.slot(), request.key(), request.flags());
    }

    private static boolean pinnedAway(SlotTable known, int mapId, int slot, Object key, int flags) {
        if ((flags & KeyRequest.PINS_IGNORED) != 0) {
            return false;
        }
        int pin = known.pinnedSlot(new KeyDirectory.PinnedKey(mapId, key), -1);
        return (flags & KeyRequest.PIN_ROUTED) != 0 ? pin != slot : pin >= 0 && pin != slot;
    }

    /** Counts a caller's operation for hot-key detection; a salted part counts as its key. */
    private void detect(KeyRequest request, boolean write) {
        detect(request.mapId(), request.key(), request.flags(), write);
    }

    private void detect(int mapId, Object key, int flags, boolean write) {
        HeavyHitters hitters = detector;
        if (hitters != null && (flags & KeyRequest.INTERNAL) == 0) {
            hitters.record(mapId, key instanceof SaltPart part ? part.key() : key, write);
        }
    }

    /**
     * The in-JVM binding's fast path for a {@link KeyRequest.Get}: what {@link #execute} does with
     * one, with the same outcomes, without building the request (the caller's thread, by reference).
     */
    @Override
    public Object get(int mapId, int slot, long epoch, Object key, int flags) {
        SlotStore store = stores.get(slot);
        if (store == null || trackReaders) {
            return execute(new KeyRequest.Get(mapId, slot, epoch, key, flags), true);
        }
        if (!SlotStore.readable(store.state())) {
            return redirect(Route.MOVED, slot, store);
        }
        majorityConfirms(store, true);
        ConcurrentMap<Object, Object> map = store.readMap(mapId);
        Object result = map == null ? null : map.get(key);
        Replication stream = store.replication();
        if (stream != null && !stream.settled()) {
            stats.readsAwaitingBackups.increment();
            stream.awaitEarlierWrites();
        }
        stats.record(OpType.GET, slot);
        SlotTable known = table;
        if (known.hasPins() && pinnedAway(known, mapId, slot, key, flags)) {
            return new Reply.Moved(slot, -1, known.epoch());
        }
        detect(mapId, key, flags, false);
        return result;
    }

    /** The in-JVM binding's fast path for a {@link KeyRequest.Put}; see {@link #get}. */
    @Override
    public Object put(int mapId, int slot, long epoch, Object key, int flags, Object value) {
        SlotStore store = stores.get(slot);
        if (store == null) {
            return redirect(Route.MOVED, slot, null);
        }
        majorityConfirms(store, true);
        int admission = store.tryEnter(epoch);
        if (admission != SlotStore.ADMITTED) {
            return redirect(ROUTES[admission], slot, store);
        }
        Object result;
        IndexedWrite indexed = null;
        Replication.Pending pending = null;
        try {
            IndexSet set = indexes.of(mapId); // inside admission, as in execute
            if (set.isEmpty()) {
                result = store.writeMap(mapId).put(key, value);
            } else {
                indexed = new IndexedWrite(indexes, set, this, store, new KeyRequest.Put(mapId, slot, epoch, key, flags, value));
                result = indexed.apply(store.writeMap(mapId));
            }
        } finally {
            pending = store.exit(mapId, key);
        }
        if (pending != null) {
            store.replication().await(pending);
        }
        if (indexed != null) {
            indexed.afterExit();
        }
        stats.record(OpType.PUT, slot);
        detect(mapId, key, flags, true);
        return result;
    }

    /** One operation per key of the batch, in order; a key not served here now gets {@link Reply.Reroute}. */
    private Object[] executeBatch(BatchRequest batch) {
        Object[] keys = batch.keys();
        Object[] results = new Object[keys.length];
        for (int i = 0; i < keys.length; i++) {
            Object result = execute(batch.single(i), true);
            results[i] = result instanceof Reply ? new Reply.Reroute() : result;
        }
        return results;
    }

    private Reply redirect(Route route, int slot, SlotStore store) {
        if (store != null && store.state() == SlotStore.LOST) {
            throw new SlotLostException(slot, name());
        }
        if (route == Route.TRYAGAIN) {
            return new Reply.TryAgain(slot);
        }
        stats.movedReplies.increment();
        if (store != null && store.state() == SlotStore.FORWARDED) {
            return new Reply.Moved(slot, store.forwardTo(), store.forwardEpoch());
        }
        if (route == Route.FENCED) {
            return new Reply.Fenced(slot, store.ownerEpoch());
        }
        SlotTable known = table;
        int owner = known.ownerOf(slot);
        if (owner == id()) {
            // this member's table already names it, but the handover has not reached the store yet
            return new Reply.TryAgain(slot);
        }
        return new Reply.Moved(slot, owner, known.epoch());
    }

    // ================================================================ control

    private Object handleControl(ControlRequest request) {
        if (request instanceof ControlRequest.PublishTable publish) {
            adopt(publish.table());
            return null;
        }
        if (request instanceof ControlRequest.DefineMap define) {
            catalog.define(define.id(), define.name());
            return null;
        }
        if (request instanceof ControlRequest.Leave) {
            left = true;
            return null;
        }
        if (request instanceof ControlRequest.StatsQuery) {
            return stats();
        }
        if (request instanceof ControlRequest.CountEntries count) {
            return entryCount(count.mapId());
        }
        if (request instanceof ControlRequest.SlotEntryCount count) {
            SlotStore store = stores.get(count.slot());
            return store != null && SlotStore.readable(store.state()) ? store.entryCount() : 0L;
        }
        if (request instanceof ControlRequest.EmptySlots) {
            return new ControlRequest.Slots(emptySlots());
        }
        throw new IllegalArgumentException("unknown request " + request);
    }

    /** Replaces this member's table by a newer one; older or equal epochs are ignored. */
    void adopt(SlotTable newer) {
        for (;;) {
            SlotTable current = table;
            if (newer.epoch() <= current.epoch()) {
                return;
            }
            synchronized (this) { // table changes are rare; the hot path only reads the volatile field
                if (table == current) {
                    replicas.adopt(current, newer);
                    adoptLostSlots(current, newer);
                    table = newer;
                    break;
                }
            }
        }
        java.util.function.Consumer<SlotTable> listener = tableListener;
        if (listener != null) {
            listener.accept(newer);
        }
    }

    void onTable(java.util.function.Consumer<SlotTable> listener) {
        this.tableListener = listener;
    }

    /**
     * Slots whose owner died come to a survivor without a migration: it holds them LOST (every
     * request fails with {@link SlotLostException}) until the loss is acknowledged, then empty.
     */
    private void adoptLostSlots(SlotTable current, SlotTable newer) {
        int[] lostNow = newer.lostSlots();
        int[] lostBefore = current.lostSlots();
        if (lostNow.length == 0 && lostBefore.length == 0) {
            return;
        }
        for (int slot : lostNow) {
            SlotStore store = stores.get(slot);
            if (newer.ownerOf(slot) == id() && (store == null || store.state() != SlotStore.LOST)) {
                stores.set(slot, SlotStore.lost(slot));
            }
        }
        for (int slot : lostBefore) {
            SlotStore store = stores.get(slot);
            if (!newer.isLost(slot) && store != null && store.state() == SlotStore.LOST) {
                stores.set(slot, newer.ownerOf(slot) == id() ? newOwnedStore(slot, newer.epoch()) : null);
            }
        }
    }

    MemberStats stats() {
        long[] ops = new long[OpType.values().length];
        for (OpType type : OpType.values()) {
            ops[type.ordinal()] = stats.count(type);
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
        return new MemberStats(id(), name(), ops, entries, owned, stats.movedReplies.sum(), router.redirectsFollowed.sum(),
                router.tryAgainRetries.sum(), stats.readsAwaitingBackups.sum(),
                stats.refusedWithoutMajority.sum(), stats.slotHeat());
    }

    /** Entries of one map in the slots this member serves. Weakly consistent. */
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

    private int[] emptySlots() {
        int[] found = new int[SLOTS];
        int n = 0;
        for (int slot = 0; slot < SLOTS; slot++) {
            SlotStore store = stores.get(slot);
            if (store != null && store.state() == SlotStore.OWNED && store.entryCount() == 0) {
                found[n++] = slot;
            }
        }
        return java.util.Arrays.copyOf(found, n);
    }

    // ================================================================ key moves (the directory)

    private Object handleDirectory(DirectoryRequest request) {
        if (request instanceof DirectoryRequest.SealForKeyMove seal) {
            SlotStore store = stores.get(seal.slot());
            if (store == null || !store.sealOwned()) {
                return new DirectoryRequest.SealedValue(false, null);
            }
            try {
                store.awaitNoWriters(seal.timeoutNanos(), "the key was not moved");
            } catch (RuntimeException stuck) {
                store.unseal(store.ownerEpoch());
                throw stuck;
            }
            ConcurrentMap<Object, Object> map = store.readMap(seal.mapId());
            return new DirectoryRequest.SealedValue(true, map == null ? null : map.get(seal.key()));
        }
        DirectoryRequest.UnsealAfterKeyMove unseal = (DirectoryRequest.UnsealAfterKeyMove) request;
        SlotStore store = stores.get(unseal.slot());
        store.unseal(unseal.epoch() == 0 ? store.ownerEpoch() : unseal.epoch());
        return null;
    }

    // ================================================================ slot stores (this member's roles only)

    SlotStore store(int slot) {
        return stores.get(slot);
    }

    void setStore(int slot, SlotStore store) {
        stores.set(slot, store);
    }

    boolean tracksReaders() {
        return trackReaders;
    }

    SlotStore newOwnedStore(int slot, long epoch) {
        return attachReplication(SlotStore.owned(slot, epoch, opener(slot), trackReaders));
    }

    /** Gives a store this member now owns its replication stream, in a grid with backups; before it serves writes. */
    SlotStore attachReplication(SlotStore store) {
        if (config.backups() > 0 || table.replicas().count() > 0) { // the table: the coordinator's setting rules
            store.replicateWith(new Replication(this, store));
        }
        return store;
    }

    MemberReplicas replicas() {
        return replicas;
    }

    SlotStore newImportingStore(int slot, int from) {
        return SlotStore.importing(slot, from, opener(slot), trackReaders);
    }

    private IntFunction<ConcurrentMap<Object, Object>> opener(int slot) {
        return mapId -> config.storeProvider().open(catalog.nameOf(mapId), slot);
    }

    /** Stops the member's threads (its outbox drainer); its data goes with it. */
    void close() {
        left = true;
        indexes.close();
    }
}
