package dev.slotgrid;

import dev.slotgrid.slot.SlotTable;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One member's side of secondary indexes (docs/architecture.md, "Secondary indexes"): the index
 * definitions its writers maintain, its GLOBAL outbox, and the index work other members and the
 * {@link IndexCoordinator} ask of it.
 *
 * <p>Concurrency:
 * <ul>
 *   <li>The indexes of each map are an immutable {@link IndexSet} in a copy-on-write array, replaced
 *       by {@link IndexRequest.InstallIndexes}; the hot path reads it with one volatile read. A writer
 *       reads it <em>inside</em> writer admission ({@link Member#execute}); the coordinator installs
 *       the new set on every member, then asks each to wait until every slot has been seen with no
 *       writer inside (the admission word is written by CAS on enter and exit, and read after the
 *       installation, so a writer either read the new set or left before that read, and its write is
 *       visible to the build's scan). Only then are existing entries indexed. Migration writes
 *       importing slots outside admission; {@link #importPut} fences after its write and repairs the
 *       key if the set changed meanwhile, and installation fences after publishing (Dekker's pattern:
 *       one of the two sees the other).
 *   <li>LOCAL indexes change inside the key's atomic update ({@link IndexedWrite}); GLOBAL indexes
 *       change on the outbox's drainer thread, by a {@link IndexKeyRequest.Reconcile} routed to the
 *       base key's current owner: inside an atomic update of the key it re-reads the key's value and
 *       sets each index value the update names to "holds" or "does not hold" accordingly.
 *       Applications of one key's updates are therefore serialized and each one leaves the index
 *       right for the value it read: a late or duplicated update can never bring back an older
 *       state, also when the key's slot has moved and its updates sit in two members' outboxes.
 *   <li>Unique values: see {@link #claim}.
 * </ul>
 */
final class MemberIndexes {

    static final int MAX_SAMPLES = 10;

    private final Member member;
    private volatile IndexSet[] byMap = new IndexSet[0];
    private volatile IndexOutbox outbox;
    private volatile boolean closed;

    MemberIndexes(Member member) {
        this.member = member;
    }

    /** The indexes of a map; {@link IndexSet#NONE} if it has none. One volatile read. */
    IndexSet of(int mapId) {
        IndexSet[] sets = byMap;
        IndexSet set = mapId < sets.length ? sets[mapId] : null;
        return set == null ? IndexSet.NONE : set;
    }

    /** Every map's indexes, by map id: what a member that becomes the coordinator continues from. */
    java.util.Map<Integer, IndexSet> all() {
        java.util.Map<Integer, IndexSet> all = new java.util.HashMap<>();
        IndexSet[] sets = byMap;
        for (int mapId = 0; mapId < sets.length; mapId++) {
            if (sets[mapId] != null && !sets[mapId].isEmpty()) {
                all.put(mapId, sets[mapId]);
            }
        }
        return all;
    }

    IndexDef def(int mapId, int indexId) {
        IndexDef def = of(mapId).byId(indexId);
        if (def == null) {
            throw new IllegalStateException("index " + indexId + " of map " + mapId + " is not installed on " + member.name());
        }
        return def;
    }

    GridConfig config() {
        return member.config();
    }

    /** The READY index of a map with that name, as this member knows it (every member is told each index). */
    IndexDef requireReady(int mapId, String mapName, String indexName) {
        return of(mapId).requireReady(mapName, indexName);
    }

    // ================================================================ requests

    Object handle(IndexRequest request) {
        if (request instanceof IndexRequest.InstallIndexes install) {
            install(install);
            return null;
        }
        if (request instanceof IndexRequest.AwaitWritersOutside await) {
            long deadline = System.nanoTime() + await.timeoutNanos();
            for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
                SlotStore store = member.store(slot);
                if (store != null) {
                    store.awaitNoWriters(Math.max(0, deadline - System.nanoTime()), "the index was not added");
                }
            }
            return null;
        }
        if (request instanceof IndexRequest.BuildLocal build) {
            IndexDef def = of(build.mapId()).byId(build.indexId());
            if (def != null) { // null: this member is joining and holds no entry yet; it will be told the index
                buildLocal(def);
            }
            return null;
        }
        if (request instanceof IndexRequest.BuildGlobal build) {
            IndexDef def = of(build.mapId()).byId(build.indexId());
            return def != null ? buildGlobal(def, build.slots())
                    : new IndexRequest.BuildReport(0, List.of(), build.slots()); // joining: it serves none of them
        }
        if (request instanceof IndexRequest.OutboxPosition) {
            IndexOutbox box = outbox;
            return box == null ? 0L : box.enqueuedCount();
        }
        if (request instanceof IndexRequest.AwaitOutbox await) {
            return awaitApplied(await.target(), await.timeoutNanos());
        }
        if (request instanceof IndexRequest.OutboxStats) {
            IndexOutbox box = outbox;
            return box == null ? null : box.stats();
        }
        if (request instanceof IndexRequest.VerifyLocalPart part) {
            return MemberIndexVerification.local(member, def(part.mapId(), part.indexId()), part.slots());
        }
        IndexRequest.GlobalEntriesPart part = (IndexRequest.GlobalEntriesPart) request;
        return MemberIndexVerification.global(member, def(part.mapId(), part.indexId()), part.slots());
    }

    private synchronized void install(IndexRequest.InstallIndexes install) {
        IndexSet before = of(install.mapId());
        List<IndexDef> defs = new ArrayList<>();
        for (IndexRequest.IndexSpec spec : install.indexes()) {
            IndexDef kept = before.byId(spec.id());
            IndexDef def = kept != null ? kept : new IndexDef(spec.id(), spec.mapId(), spec.mapName(), spec.definition(),
                    member.plugins().extractor(spec.definition().extractorName()), spec.entriesMapId());
            def.state = spec.ready() ? IndexDef.READY : IndexDef.BUILDING;
            defs.add(def);
        }
        IndexSet next = IndexSet.of(defs);
        IndexSet[] sets = Arrays.copyOf(byMap, Math.max(byMap.length, install.mapId() + 1));
        sets[install.mapId()] = next;
        byMap = sets;
        VarHandle.fullFence(); // pairs with the fence in importPut
        for (IndexDef dropped : before.all) {
            if (dropped.isLocal() && next.byId(dropped.id) == null) {
                forEachStore(store -> store.dropLocalIndex(dropped.id));
            }
        }
    }

    private void forEachStore(java.util.function.Consumer<SlotStore> action) {
        for (int slot = 0; slot < SlotTable.SLOTS; slot++) {
            SlotStore store = member.store(slot);
            if (store != null && store.state() != SlotStore.FORWARDED) {
                action.accept(store);
            }
        }
    }

    /** Indexes every entry of every slot store of this member, importing ones included, under each key's lock. */
    private void buildLocal(IndexDef def) {
        forEachStore(store -> {
            ConcurrentMap<Object, Object> map = store.readMap(def.mapId);
            if (map == null) {
                return;
            }
            for (Object key : map.keySet()) {
                map.computeIfPresent(key, (k, current) -> {
                    Object[] values = def.extractChecked(current, member.config());
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
     * Visits each of {@code slots} this member serves: under each key's lock claims its unique values
     * (collecting duplicates) and enqueues an update for it. Slots it does not serve come back.
     */
    private IndexRequest.BuildReport buildGlobal(IndexDef def, int[] slots) {
        List<String> duplicates = new ArrayList<>();
        long[] duplicateCount = new long[1];
        List<Integer> moved = new ArrayList<>();
        IndexOutbox box = outbox();
        for (int slot : slots) {
            SlotStore store = member.store(slot);
            if (store == null || !SlotStore.readable(store.state())) {
                moved.add(slot);
                continue;
            }
            ConcurrentMap<Object, Object> map = store.readMap(def.mapId);
            if (map == null) {
                continue;
            }
            box.awaitRoom();
            for (Object key : map.keySet()) {
                int natural = member.table().hasPins() ? member.config().slotOf(ByteArrayKey.userForm(key)) : slot; // see IndexedWrite
                map.computeIfPresent(key, (k, current) -> {
                    Object[] values = def.extractChecked(current, member.config());
                    if (def.isUnique()) {
                        for (Object value : values) {
                            try {
                                claim(def, value, new IndexRef(k, natural), false);
                            } catch (UniqueIndexViolationException e) {
                                duplicateCount[0]++;
                                if (duplicates.size() < MAX_SAMPLES) {
                                    duplicates.add(e.getMessage());
                                }
                            }
                        }
                    }
                    box.enqueue(def.mapId, natural, k, null, current);
                    return current;
                });
            }
        }
        return new IndexRequest.BuildReport(duplicateCount[0], List.copyOf(duplicates), toArray(moved));
    }

    static int[] toArray(List<Integer> list) {
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    // ================================================================ migration: importing slots

    /**
     * Stores an entry shipped into an importing slot, maintaining the slot's LOCAL indexes (GLOBAL
     * ones do not change when a base entry moves). Migration steps only.
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

    /** Removes an entry from an importing slot (a removal shipped from the change log). Migration steps only. */
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

    /** A LOCAL index installed while this import write ran may have missed it: index the key again, under its lock. */
    private void repairIfIndexesChanged(SlotStore store, int mapId, ConcurrentMap<Object, Object> map, Object key,
            IndexSet used) {
        VarHandle.fullFence(); // pairs with the fence in install
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

    IndexOutbox outbox() {
        IndexOutbox box = outbox;
        if (box != null) {
            return box;
        }
        synchronized (this) {
            if (outbox == null) {
                if (closed) {
                    throw new IllegalStateException("member '" + member.name() + "' is closed");
                }
                outbox = new IndexOutbox(this, member.name(), member.config().indexOutboxCapacity(),
                        member.config().gridName() + "-" + member.name() + "-index-outbox");
            }
            return outbox;
        }
    }

    /** Applies one outbox update (drainer thread): routed to the base key's owner, where {@link #reconcile} runs. */
    void apply(IndexOutbox.Update update) {
        Router router = member.router();
        SlotTable table = router.table();
        int natural = update.slot();
        int slot = Router.pinned(table, update.mapId(), update.key(), natural);
        router.route(new IndexKeyRequest.Reconcile(update.mapId(), slot, table.epoch(), update.key(),
                Router.pinFlags(slot, natural) | KeyRequest.INTERNAL, natural, update.oldValue(), update.newValue()), natural);
    }

    /**
     * At the base key's owner, under the key's atomic update: every GLOBAL index value the update
     * names, or the key's current value holds, is set to include the key if the current value holds
     * it and to exclude it otherwise.
     */
    void reconcile(IndexKeyRequest.Reconcile update, ConcurrentMap<Object, Object> map) {
        IndexSet set = of(update.mapId());
        if (set.globals.length == 0) {
            return;
        }
        IndexRef ref = new IndexRef(update.key(), update.naturalSlot());
        map.compute(update.key(), (k, current) -> {
            for (IndexDef def : set.globals) {
                Object[] now = def.extract(current);
                LinkedHashSet<Object> named = new LinkedHashSet<>(Arrays.asList(now));
                named.addAll(Arrays.asList(def.extract(update.oldValue())));
                named.addAll(Arrays.asList(def.extract(update.newValue())));
                for (Object value : named) {
                    setHolds(def, value, ref, IndexDef.contains(now, value));
                }
            }
            return current;
        });
    }

    private void setHolds(IndexDef def, Object value, IndexRef ref, boolean holds) {
        int slot;
        try {
            slot = member.config().slotOf(value);
        } catch (RuntimeException notAKey) {
            return; // never written: values are checked before they are stored
        }
        Object storedValue = ByteArrayKey.storedForm(value, true);
        Object entryKey = def.isUnique() ? storedValue : new GlobalPair(storedValue, ref);
        route(new IndexKeyRequest.SetIndexEntry(def.entriesMapId, slot, 0, entryKey, KeyRequest.INTERNAL, ref, holds,
                def.isUnique()), slot);
    }

    /** Routes an index request built without a table (epoch 0) to its slot, from this member's table. */
    private Object route(IndexKeyRequest request, int natural) {
        Router router = member.router();
        SlotTable table = router.table();
        int slot = Router.pinned(table, request.mapId(), request.key(), natural);
        return router.route(request.to(slot, table.epoch(), request.flags() | Router.pinFlags(slot, natural)), natural);
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
    void claim(IndexDef def, Object value, IndexRef ref, boolean pending) {
        int slot = member.config().slotOf(value);
        Object storedValue = ByteArrayKey.storedForm(value, true);
        long start = System.nanoTime();
        for (int attempt = 0;; attempt++) {
            IndexKeyRequest.ClaimOutcome outcome = (IndexKeyRequest.ClaimOutcome) route(new IndexKeyRequest.ClaimUnique(
                    def.entriesMapId, slot, 0, storedValue, KeyRequest.INTERNAL, def.id, def.mapId, ref, pending), slot);
            if (outcome.kind() == IndexKeyRequest.ClaimOutcome.CLAIMED) {
                return;
            }
            if (outcome.kind() == IndexKeyRequest.ClaimOutcome.HELD) {
                throw new UniqueIndexViolationException(def.mapName, def.name(), value, ByteArrayKey.userForm(ref.key()),
                        ByteArrayKey.userForm(outcome.holder().key()));
            }
            if (System.nanoTime() - start > member.config().cutoverTimeoutNanos()) {
                throw new IllegalStateException("unique index '" + def.name() + "' of map '" + def.mapName + "': value '"
                        + value + "' stayed claimed by a write in progress for "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; the write was not applied");
            }
            Backoff.pause(attempt);
        }
    }

    /** A claim at the owner of the value's slot, under the claim entry's atomic update: see {@link #claim}. */
    Object claimHere(IndexKeyRequest.ClaimUnique request, ConcurrentMap<Object, Object> map) {
        IndexDef def = def(request.baseMapId(), request.indexId());
        IndexRef ref = request.ref();
        IndexKeyRequest.ClaimOutcome[] outcome = new IndexKeyRequest.ClaimOutcome[1];
        map.compute(request.key(), (k, e) -> {
            GlobalEntry entry = (GlobalEntry) e;
            if (entry == null || entry.holder().equals(ref)) {
                outcome[0] = new IndexKeyRequest.ClaimOutcome(IndexKeyRequest.ClaimOutcome.CLAIMED, null);
                return new GlobalEntry(ref, request.pending());
            }
            if (entry.pending()) {
                outcome[0] = new IndexKeyRequest.ClaimOutcome(IndexKeyRequest.ClaimOutcome.WAIT, null);
                return entry;
            }
            if (holds(def, entry.holder(), ByteArrayKey.userForm(k))) {
                outcome[0] = new IndexKeyRequest.ClaimOutcome(IndexKeyRequest.ClaimOutcome.HELD, entry.holder());
                return entry;
            }
            outcome[0] = new IndexKeyRequest.ClaimOutcome(IndexKeyRequest.ClaimOutcome.CLAIMED, null);
            return new GlobalEntry(ref, request.pending());
        });
        return outcome[0];
    }

    /** Whether a key's current value holds an index value (a read: never waits). */
    private boolean holds(IndexDef def, IndexRef ref, Object value) {
        Router router = member.router();
        SlotTable table = router.table();
        int slot = Router.pinned(table, def.mapId, ref.key(), ref.slot());
        Object current = router.route(new KeyRequest.Get(def.mapId, slot, table.epoch(), ref.key(),
                Router.pinFlags(slot, ref.slot()) | KeyRequest.INTERNAL), ref.slot());
        return current != null && IndexDef.contains(def.extract(current), value);
    }

    void confirm(IndexDef def, Object value, IndexRef ref) {
        int slot = member.config().slotOf(value);
        route(new IndexKeyRequest.ConfirmClaim(def.entriesMapId, slot, 0, ByteArrayKey.storedForm(value, true),
                KeyRequest.INTERNAL, ref), slot);
    }

    void release(IndexDef def, Object value, IndexRef ref) {
        int slot = member.config().slotOf(value);
        route(new IndexKeyRequest.ReleaseClaim(def.entriesMapId, slot, 0, ByteArrayKey.storedForm(value, true),
                KeyRequest.INTERNAL, ref), slot);
    }

    private boolean awaitApplied(long target, long timeoutNanos) {
        IndexOutbox box = outbox;
        long deadline = System.nanoTime() + timeoutNanos;
        for (int spins = 0; box != null && box.appliedCount() < target; spins++) {
            if (System.nanoTime() - deadline > 0 || closed) {
                return false;
            }
            Backoff.pause(spins);
        }
        return true;
    }

    void close() {
        synchronized (this) {
            closed = true;
        }
        IndexOutbox box = outbox;
        if (box != null) {
            box.stop();
        }
    }
}
