package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.IndexExtractor;
import dev.slotgrid.spi.Plugins;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiFunction;

/**
 * The secondary indexes of a grid (ARCHITECTURE.md, "Secondary indexes"): their definitions, the
 * GLOBAL index outboxes, building an index over existing data, the unique-value claims, and
 * verification.
 *
 * <p>Concurrency:
 * <ul>
 *   <li>The indexes of each map are an immutable {@link IndexSet} in a copy-on-write array, replaced
 *       under this object's lock; the hot path reads it with one volatile read. A writer reads it
 *       <em>inside</em> writer admission ({@link GridNode#execute}); {@link #addIndex} publishes the
 *       new set, then waits until every slot has been seen with no writer inside (the admission
 *       word is written by CAS on enter and exit, and read here after the publication, so a writer
 *       either read the new set or left before that read, and its write is visible to the build's
 *       scan). Only then does it scan the existing entries. Migration writes importing slots
 *       outside admission; {@link #importPut} fences after its write and repairs the key if the
 *       set changed meanwhile, and the build fences after publishing and scans importing slots
 *       too (Dekker's pattern: one of the two sees the other).
 *   <li>LOCAL indexes change inside the key's atomic update ({@link IndexedWrite}); GLOBAL
 *       indexes change on the outbox's drainer thread, by {@link #reconcile}: inside an atomic
 *       update of the base key at its current owner (the key's lock, wherever the key lives now),
 *       it re-reads the key's value and sets each index value the update names to "holds" or "does
 *       not hold" accordingly. Applications of one key's updates are therefore serialized and each
 *       one leaves the index right for the value it read: a late or duplicated update can never
 *       bring back an older state, which is what "applied in order per base key" requires, also
 *       when the key's slot has moved and its updates sit in two nodes' outboxes.
 *   <li>Unique values: see {@link #claim}.
 * </ul>
 *
 * <p>Invariants: index ids and the internal maps of GLOBAL indexes are never reused; an index is
 * queried only once READY; for a unique index, no two keys' values hold the same index value at
 * any moment (the claim of a value is taken in the value's slot, under that entry's atomic
 * update, before a base write stores it).
 */
final class IndexManager {

    static final char INTERNAL_MAP_PREFIX = '\u0000';
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration VERIFY_DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_SAMPLES = 10;
    private static final Object WAIT = new Object();

    private final SlotGrid grid;
    private final int outboxCapacity;
    private final ConcurrentHashMap<String, IndexExtractor> extractors = new ConcurrentHashMap<>();
    private volatile IndexSet[] byMap = new IndexSet[0];
    private volatile IndexOutbox[] outboxes = new IndexOutbox[0];
    /** @GuardedBy("this") */
    private int nextIndexId;
    private volatile boolean closed;

    IndexManager(SlotGrid grid, int outboxCapacity) {
        this.grid = grid;
        this.outboxCapacity = outboxCapacity;
    }

    SlotGrid grid() {
        return grid;
    }

    /** The indexes of a map; {@link IndexSet#NONE} if it has none. One volatile read. */
    IndexSet of(int mapId) {
        IndexSet[] sets = byMap;
        IndexSet set = mapId < sets.length ? sets[mapId] : null;
        return set == null ? IndexSet.NONE : set;
    }

    private synchronized void publish(int mapId, IndexSet set) {
        IndexSet[] next = Arrays.copyOf(byMap, Math.max(byMap.length, mapId + 1));
        next[mapId] = set;
        byMap = next;
    }

    // ================================================================ definitions

    void registerExtractor(IndexExtractor extractor) {
        Objects.requireNonNull(extractor, "extractor must not be null");
        String name = Objects.requireNonNull(extractor.name(), "extractor name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("extractor name must not be blank");
        }
        IndexExtractor before = extractors.putIfAbsent(name, extractor);
        if (before != null && before != extractor) {
            throw new IllegalArgumentException("an index extractor named '" + name + "' is already registered: " + before);
        }
    }

    private IndexExtractor extractor(String name) {
        IndexExtractor registered = extractors.get(name);
        if (registered != null) {
            return registered;
        }
        try {
            return Plugins.load(IndexExtractor.class, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("no index extractor named '" + name + "': register one with"
                    + " SlotGrid.registerExtractor or through META-INF/services/" + IndexExtractor.class.getName()
                    + "; registered: " + new java.util.TreeSet<>(extractors.keySet()) + "; " + e.getMessage(), e);
        }
    }

    List<IndexDefinition> definitions(String mapName) {
        IndexSet set = of(grid.maps().idOf(mapName));
        List<IndexDefinition> ready = new ArrayList<>();
        for (IndexDef def : set.all) {
            if (def.state == IndexDef.READY) {
                ready.add(def.definition);
            }
        }
        return List.copyOf(ready);
    }

    /** The READY index of a map with that name. */
    IndexDef require(int mapId, String mapName, String indexName) {
        IndexDef def = of(mapId).named(indexName);
        if (def == null || def.state != IndexDef.READY) {
            List<String> names = new ArrayList<>();
            for (IndexDef d : of(mapId).all) {
                if (d.state == IndexDef.READY) {
                    names.add(d.name());
                }
            }
            throw new IllegalArgumentException("map '" + mapName + "' has no " + (def == null ? "" : "ready ")
                    + "index named '" + indexName + "'; its indexes: " + names);
        }
        return def;
    }

    /**
     * Adds an index and builds it over the map's entries; see {@link SlotGrid#addIndex}. Serialized
     * with other index additions.
     */
    synchronized void addIndex(String mapName, IndexDefinition definition) {
        grid.requireOpen();
        Objects.requireNonNull(definition, "index definition must not be null");
        int mapId = grid.maps().idOf(mapName);
        IndexSet current = of(mapId);
        if (current.named(definition.name()) != null) {
            throw new IllegalArgumentException("map '" + mapName + "' already has an index named '" + definition.name() + "'");
        }
        IndexExtractor extractor = extractor(definition.extractorName());
        int id = nextIndexId++;
        int entriesMapId = definition.kind() == IndexKind.GLOBAL ? grid.maps().internalIdOf(INTERNAL_MAP_PREFIX + "index:" + id) : -1;
        IndexDef def = new IndexDef(id, mapId, mapName, definition, extractor, entriesMapId);
        publish(mapId, current.with(def));
        VarHandle.fullFence(); // pairs with the fence in importPut
        long deadline = System.nanoTime() + BUILD_TIMEOUT.toNanos();
        try {
            awaitWritersOutside(deadline);
            if (def.isLocal()) {
                buildLocal(def);
            } else {
                buildGlobal(def, deadline);
            }
            def.state = IndexDef.READY;
        } catch (RuntimeException | Error e) {
            def.state = IndexDef.FAILED;
            publish(mapId, of(mapId).without(def));
            if (def.isLocal()) {
                forEachStore(store -> store.dropLocalIndex(def.id));
            }
            throw e;
        }
    }

    /** Waits until every slot store has been seen with no writer inside. */
    private void awaitWritersOutside(long deadline) {
        for (GridNode node : grid.activeNodes()) {
            for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
                SlotStore store = node.store(slot);
                if (store != null) {
                    store.awaitNoWriters(Math.max(0, deadline - System.nanoTime()), "the index was not added");
                }
            }
        }
    }

    private void forEachStore(java.util.function.Consumer<SlotStore> action) {
        for (GridNode node : grid.activeNodes()) {
            for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
                SlotStore store = node.store(slot);
                if (store != null && store.state() != SlotStore.FORWARDED) {
                    action.accept(store);
                }
            }
        }
    }

    /** Indexes every entry of every slot store on every node, importing ones included, under each key's lock. */
    private void buildLocal(IndexDef def) {
        forEachStore(store -> {
            ConcurrentMap<Object, Object> map = store.readMap(def.mapId);
            if (map == null) {
                return;
            }
            for (Object key : map.keySet()) {
                map.computeIfPresent(key, (k, current) -> {
                    Object[] values = def.extractChecked(current, grid);
                    LocalIndex index = store.localIndex(def.id);
                    for (Object value : values) {
                        index.add(value, k);
                    }
                    return current;
                });
            }
        });
    }

    /**
     * Visits each slot once at its owner; under each key's lock claims its unique values (collecting
     * duplicates) and enqueues an update for it; then waits until the updates are applied.
     */
    private void buildGlobal(IndexDef def, long deadline) {
        List<String> duplicates = new ArrayList<>();
        long[] duplicateCount = new long[1];
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            Located located = readableStore(slot);
            ConcurrentMap<Object, Object> map = located.store.readMap(def.mapId);
            if (map == null) {
                continue;
            }
            int s = slot;
            IndexOutbox outbox = outbox(located.node);
            outbox.awaitRoom();
            for (Object key : map.keySet()) {
                int natural = grid.table().hasPins() ? grid.slotOf(ByteArrayKey.userForm(key)) : s; // see IndexedWrite
                map.computeIfPresent(key, (k, current) -> {
                    Object[] values = def.extractChecked(current, grid);
                    if (def.isUnique()) {
                        for (Object value : values) {
                            try {
                                claim(located.node, def, value, new IndexRef(k, natural), false);
                            } catch (UniqueIndexViolationException e) {
                                duplicateCount[0]++;
                                if (duplicates.size() < MAX_SAMPLES) {
                                    duplicates.add(e.getMessage());
                                }
                            }
                        }
                    }
                    outbox.enqueue(def.mapId, natural, k, null, current);
                    return current;
                });
            }
        }
        if (!awaitIndexed(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            throw new IllegalStateException(def + " was not built within " + BUILD_TIMEOUT + "; lag: " + stats());
        }
        if (duplicateCount[0] > 0) {
            throw new IllegalStateException("cannot add " + def + ": " + duplicateCount[0] + " entries hold an index value"
                    + " another key holds already; the index was not added. For example: " + duplicates);
        }
    }

    // ================================================================ migration: importing slots

    /**
     * Stores an entry shipped into an importing slot, maintaining the slot's LOCAL indexes (GLOBAL
     * ones do not change when a base entry moves). Migration thread only.
     */
    void importPut(SlotStore store, int mapId, Object key, Object value) {
        ConcurrentMap<Object, Object> map = store.writeMap(mapId);
        IndexSet set = of(mapId);
        if (set.locals.length == 0) {
            map.put(key, value);
        } else {
            map.compute(key, (k, old) -> {
                for (IndexDef def : set.locals) {
                    Object[] now = def.extract(value);
                    Object[] before = def.extract(old);
                    if (!IndexedWrite.sameValues(before, now)) {
                        LocalIndex index = store.localIndex(def.id);
                        for (Object v : now) {
                            index.add(v, k);
                        }
                        for (Object v : before) {
                            if (!IndexDef.contains(now, v)) {
                                index.remove(v, k);
                            }
                        }
                    }
                }
                return value;
            });
        }
        repairIfIndexesChanged(store, mapId, map, key, set);
    }

    /** Removes an entry from an importing slot (a tombstone of the change log). Migration thread only. */
    void importRemove(SlotStore store, int mapId, Object key) {
        ConcurrentMap<Object, Object> map = store.writeMap(mapId);
        IndexSet set = of(mapId);
        if (set.locals.length == 0) {
            map.remove(key);
        } else {
            map.compute(key, (k, old) -> {
                for (IndexDef def : set.locals) {
                    LocalIndex index = store.readLocalIndex(def.id);
                    if (index != null) {
                        for (Object v : def.extract(old)) {
                            index.remove(v, k);
                        }
                    }
                }
                return null;
            });
        }
        repairIfIndexesChanged(store, mapId, map, key, set);
    }

    /** A LOCAL index published while this import write ran may have missed it: index the key again, under its lock. */
    private void repairIfIndexesChanged(SlotStore store, int mapId, ConcurrentMap<Object, Object> map, Object key,
            IndexSet used) {
        VarHandle.fullFence(); // pairs with the fence in addIndex
        IndexSet now = of(mapId);
        if (now == used) {
            return;
        }
        map.compute(key, (k, current) -> {
            for (IndexDef def : now.locals) {
                Object[] values = def.extract(current);
                LocalIndex index = store.localIndex(def.id);
                index.removeEverywhereBut(k, values);
                for (Object v : values) {
                    index.add(v, k);
                }
            }
            return current;
        });
    }

    // ================================================================ GLOBAL: outbox, reconcile, unique claims

    IndexOutbox outbox(GridNode node) {
        IndexOutbox[] boxes = outboxes;
        IndexOutbox box = node.id() < boxes.length ? boxes[node.id()] : null;
        return box != null ? box : createOutbox(node);
    }

    private synchronized IndexOutbox createOutbox(GridNode node) {
        IndexOutbox[] boxes = outboxes;
        if (node.id() < boxes.length && boxes[node.id()] != null) {
            return boxes[node.id()];
        }
        if (closed) {
            throw new IllegalStateException("grid '" + grid.name() + "' is closed");
        }
        IndexOutbox box = new IndexOutbox(this, node, outboxCapacity, grid.name() + "-" + node.name() + "-index-outbox");
        IndexOutbox[] next = Arrays.copyOf(boxes, Math.max(boxes.length, node.id() + 1));
        next[node.id()] = box;
        outboxes = next;
        return box;
    }

    /**
     * Applies one outbox update (drainer thread): under the base key's lock at its current owner,
     * every GLOBAL index value the update names, or the key's current value holds, is set to
     * include the key if the current value holds it and to exclude it otherwise.
     */
    @SuppressWarnings("unchecked")
    void reconcile(GridNode via, IndexOutbox.Update update) {
        IndexSet set = of(update.mapId());
        if (set.globals.length == 0) {
            return;
        }
        IndexRef ref = new IndexRef(update.key(), update.slot());
        BiFunction<Object, Object, Object> underKeyLock = (k, current) -> {
            for (IndexDef def : set.globals) {
                Object[] now = def.extract(current);
                LinkedHashSet<Object> named = new LinkedHashSet<>(Arrays.asList(now));
                named.addAll(Arrays.asList(def.extract(update.oldValue())));
                named.addAll(Arrays.asList(def.extract(update.newValue())));
                for (Object value : named) {
                    setHolds(via, def, value, ref, IndexDef.contains(now, value));
                }
            }
            return current;
        };
        via.route(OpType.COMPUTE, update.mapId(), update.slot(), update.key(), underKeyLock, IndexedWrite.RAW);
    }

    private void setHolds(GridNode via, IndexDef def, Object value, IndexRef ref, boolean holds) {
        int slot;
        try {
            slot = grid.slotOf(value);
        } catch (RuntimeException notAKey) {
            return; // never written: values are checked before they are stored
        }
        Object storedValue = ByteArrayKey.storedForm(value, true);
        if (!def.isUnique()) {
            BiFunction<Object, Object, Object> change = holds ? (k, e) -> ref : (k, e) -> null;
            via.route(OpType.COMPUTE, def.entriesMapId, slot, new GlobalPair(storedValue, ref), change, IndexedWrite.RAW);
            return;
        }
        BiFunction<Object, Object, Object> change = holds
                ? (k, e) -> e == null || ((GlobalEntry) e).holder.equals(ref) ? GlobalEntry.claim(ref, false) : e
                : (k, e) -> e != null && ((GlobalEntry) e).holder.equals(ref) ? null : e;
        via.route(OpType.COMPUTE, def.entriesMapId, slot, storedValue, change, IndexedWrite.RAW);
    }

    /**
     * Claims a unique index value for a key, in the value's slot, under that entry's atomic update.
     * Outcomes:
     * <ul>
     *   <li>no entry, or an entry of this key: the claim is stored (pending or confirmed) and the
     *       call returns;
     *   <li>a pending claim of another key (a write in progress): retried with a growing pause until
     *       it is confirmed or released; past the cutover timeout an {@link IllegalStateException};
     *   <li>a confirmed claim of another key whose current value holds the index value:
     *       {@link UniqueIndexViolationException}, nothing stored;
     *   <li>a confirmed claim of another key whose value no longer holds it (the outbox has not
     *       removed it yet): taken over.
     * </ul>
     * Deadlock-free: a writer waits only for a pending claim, the holder of a pending claim waits
     * only for values of indexes with a higher id (claims are taken in id order), and a pending
     * claim is confirmed or released without waiting for anything but that entry's update.
     */
    void claim(GridNode via, IndexDef def, Object value, IndexRef ref, boolean pending) {
        int slot = grid.slotOf(value);
        Object storedValue = ByteArrayKey.storedForm(value, true);
        long start = System.nanoTime();
        for (int attempt = 0;; attempt++) {
            Object[] outcome = new Object[1];
            BiFunction<Object, Object, Object> claimIt = (k, e) -> {
                GlobalEntry entry = (GlobalEntry) e;
                if (entry == null || entry.holder.equals(ref)) {
                    outcome[0] = ref;
                    return GlobalEntry.claim(ref, pending);
                }
                if (entry.pending) {
                    outcome[0] = WAIT;
                    return entry;
                }
                if (holds(via, def, entry.holder, value)) {
                    outcome[0] = entry.holder;
                    return entry;
                }
                outcome[0] = ref;
                return GlobalEntry.claim(ref, pending);
            };
            via.route(OpType.COMPUTE, def.entriesMapId, slot, storedValue, claimIt, IndexedWrite.RAW);
            if (outcome[0] == ref) {
                return;
            }
            if (outcome[0] != WAIT) {
                throw new UniqueIndexViolationException(def.mapName, def.name(), value, ByteArrayKey.userForm(ref.key),
                        ByteArrayKey.userForm(((IndexRef) outcome[0]).key));
            }
            if (System.nanoTime() - start > grid.cutoverTimeoutNanos()) {
                throw new IllegalStateException("unique index '" + def.name() + "' of map '" + def.mapName + "': value '"
                        + value + "' stayed claimed by a write in progress for "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; the write was not applied");
            }
            Backoff.pause(attempt);
        }
    }

    /** Whether a key's current value holds an index value (a read: never waits). */
    private boolean holds(GridNode via, IndexDef def, IndexRef ref, Object value) {
        Object current = via.route(OpType.GET, def.mapId, ref.slot, ref.key, null, null);
        return current != null && IndexDef.contains(def.extract(current), value);
    }

    void confirm(GridNode via, IndexDef def, Object value, IndexRef ref) {
        BiFunction<Object, Object, Object> confirmIt = (k, e) -> {
            GlobalEntry entry = (GlobalEntry) e;
            return entry != null && entry.pending && entry.holder.equals(ref) ? GlobalEntry.claim(ref, false) : entry;
        };
        via.route(OpType.COMPUTE, def.entriesMapId, grid.slotOf(value), ByteArrayKey.storedForm(value, true), confirmIt,
                IndexedWrite.RAW);
    }

    void release(GridNode via, IndexDef def, Object value, IndexRef ref) {
        BiFunction<Object, Object, Object> releaseIt = (k, e) -> {
            GlobalEntry entry = (GlobalEntry) e;
            return entry != null && entry.pending && entry.holder.equals(ref) ? null : entry;
        };
        via.route(OpType.COMPUTE, def.entriesMapId, grid.slotOf(value), ByteArrayKey.storedForm(value, true), releaseIt,
                IndexedWrite.RAW);
    }

    /**
     * Waits until every GLOBAL index update enqueued on any node before this call has been applied:
     * among them every write that happened-before the call, the caller's own included.
     *
     * @return {@code false} if the timeout passed first
     */
    boolean awaitIndexed(Duration timeout) {
        IndexOutbox[] boxes = outboxes;
        long[] targets = new long[boxes.length];
        for (int i = 0; i < boxes.length; i++) {
            targets[i] = boxes[i] == null ? 0 : boxes[i].enqueuedCount();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < boxes.length; i++) {
            for (int spins = 0; boxes[i] != null && boxes[i].appliedCount() < targets[i]; spins++) {
                if (System.nanoTime() - deadline > 0 || closed) {
                    return false;
                }
                Backoff.pause(spins);
            }
        }
        return true;
    }

    IndexStats stats() {
        List<IndexStats.Node> nodes = new ArrayList<>();
        for (IndexOutbox box : outboxes) {
            if (box != null) {
                nodes.add(box.stats());
            }
        }
        return new IndexStats(nodes);
    }

    // ================================================================ verification

    IndexVerification verify(String mapName, String indexName) {
        grid.requireOpen();
        Objects.requireNonNull(indexName, "index name must not be null");
        int mapId = grid.maps().idOf(mapName);
        IndexDef def = require(mapId, mapName, indexName);
        if (!def.isLocal() && !awaitIndexed(VERIFY_DRAIN_TIMEOUT)) {
            throw new IllegalStateException("the GLOBAL index outboxes did not drain within " + VERIFY_DRAIN_TIMEOUT
                    + " (" + stats() + "); verify again when the write load allows");
        }
        return def.isLocal() ? verifyLocal(def) : verifyGlobal(def);
    }

    private IndexVerification verifyLocal(IndexDef def) {
        long base = 0;
        long expectedPairs = 0;
        long missing = 0;
        long stale = 0;
        List<String> samples = new ArrayList<>();
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            SlotStore store = readableStore(slot).store;
            ConcurrentMap<Object, Object> map = store.readMap(def.mapId);
            Set<List<Object>> expected = new HashSet<>();
            if (map != null) {
                for (Map.Entry<Object, Object> entry : map.entrySet()) {
                    base++;
                    for (Object value : def.extract(entry.getValue())) {
                        expected.add(List.of(value, entry.getKey()));
                    }
                }
            }
            expectedPairs += expected.size();
            Set<List<Object>> actual = new HashSet<>();
            LocalIndex index = store.readLocalIndex(def.id);
            if (index != null) {
                for (Map.Entry<Object, Object[]> entry : index.entries()) {
                    for (Object key : entry.getValue()) {
                        actual.add(List.of(entry.getKey(), key));
                    }
                }
            }
            for (List<Object> pair : expected) {
                if (!actual.contains(pair)) {
                    missing++;
                    sample(samples, "slot " + slot + ": missing " + pair.get(0) + " -> " + ByteArrayKey.userForm(pair.get(1)));
                }
            }
            for (List<Object> pair : actual) {
                if (!expected.contains(pair)) {
                    stale++;
                    sample(samples, "slot " + slot + ": stale " + pair.get(0) + " -> " + ByteArrayKey.userForm(pair.get(1)));
                }
            }
        }
        return new IndexVerification(def.mapName, def.name(), IndexKind.LOCAL, base, expectedPairs, missing, stale, 0, samples);
    }

    private IndexVerification verifyGlobal(IndexDef def) {
        Map<Object, Set<IndexRef>> expected = new HashMap<>();
        long base = 0;
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            ConcurrentMap<Object, Object> map = readableStore(slot).store.readMap(def.mapId);
            if (map == null) {
                continue;
            }
            for (Map.Entry<Object, Object> entry : map.entrySet()) {
                base++;
                for (Object value : def.extract(entry.getValue())) {
                    expected.computeIfAbsent(ByteArrayKey.storedForm(value, true), v -> new HashSet<>())
                            .add(new IndexRef(entry.getKey(), slot));
                }
            }
        }
        Map<Object, Set<IndexRef>> actual = new HashMap<>();
        long pendingClaims = 0;
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            ConcurrentMap<Object, Object> map = readableStore(slot).store.readMap(def.entriesMapId);
            if (map == null) {
                continue;
            }
            for (Map.Entry<Object, Object> entry : map.entrySet()) {
                if (entry.getKey() instanceof GlobalPair pair) {
                    actual.computeIfAbsent(pair.value(), v -> new HashSet<>()).add(pair.ref());
                } else {
                    GlobalEntry claim = (GlobalEntry) entry.getValue();
                    pendingClaims += claim.pending ? 1 : 0;
                    actual.computeIfAbsent(entry.getKey(), v -> new HashSet<>()).add(claim.holder);
                }
            }
        }
        long expectedPairs = 0;
        long missing = 0;
        long stale = 0;
        long duplicates = 0;
        List<String> samples = new ArrayList<>();
        for (Map.Entry<Object, Set<IndexRef>> entry : expected.entrySet()) {
            expectedPairs += entry.getValue().size();
            if (def.isUnique() && entry.getValue().size() > 1) {
                duplicates++;
                sample(samples, "value " + ByteArrayKey.userForm(entry.getKey()) + " is held by " + entry.getValue());
            }
            Set<IndexRef> present = actual.getOrDefault(entry.getKey(), Set.of());
            for (IndexRef ref : entry.getValue()) {
                if (!present.contains(ref)) {
                    missing++;
                    sample(samples, "missing " + ByteArrayKey.userForm(entry.getKey()) + " -> " + ref);
                }
            }
        }
        for (Map.Entry<Object, Set<IndexRef>> entry : actual.entrySet()) {
            Set<IndexRef> implied = expected.getOrDefault(entry.getKey(), Set.of());
            for (IndexRef ref : entry.getValue()) {
                if (!implied.contains(ref)) {
                    stale++;
                    sample(samples, "stale " + ByteArrayKey.userForm(entry.getKey()) + " -> " + ref);
                }
            }
        }
        if (pendingClaims > 0) {
            sample(samples, pendingClaims + " unique claims still pending");
        }
        return new IndexVerification(def.mapName, def.name(), IndexKind.GLOBAL, base, expectedPairs, missing, stale,
                duplicates, samples);
    }

    private static void sample(List<String> samples, String text) {
        if (samples.size() < MAX_SAMPLES) {
            samples.add(text);
        }
    }

    // ================================================================ slots wherever they are

    /** A slot's store on the node that serves it now. */
    record Located(GridNode node, SlotStore store) {
    }

    /**
     * The store of a slot at a node that can serve reads of it now: its owner in the grid's newest
     * table, or where a forwarded store points. Retries briefly while a handover is published.
     */
    Located readableStore(int slot) {
        long start = System.nanoTime();
        for (int attempt = 0;; attempt++) {
            SlotTable table = grid.table();
            GridNode owner = grid.peer(table.ownerOf(slot));
            SlotStore store = owner.store(slot);
            if (store != null && SlotStore.readable(store.state())) {
                return new Located(owner, store);
            }
            if (store != null && store.state() == SlotStore.FORWARDED && store.forwardTo() >= 0) {
                GridNode next = grid.peer(store.forwardTo());
                SlotStore moved = next == null ? null : next.store(slot);
                if (moved != null && SlotStore.readable(moved.state())) {
                    return new Located(next, moved);
                }
            }
            if (System.nanoTime() - start > grid.cutoverTimeoutNanos()) {
                throw new IllegalStateException("no node served slot " + slot + " for "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms (" + attempt + " looks); table "
                        + table);
            }
            Backoff.pause(attempt);
        }
    }

    void close() {
        synchronized (this) {
            closed = true;
        }
        for (IndexOutbox box : outboxes) {
            if (box != null) {
                box.stop();
            }
        }
    }
}
