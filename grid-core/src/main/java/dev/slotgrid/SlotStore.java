package dev.slotgrid;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import dev.slotgrid.spi.StoreProvider;
import java.util.Arrays;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

/**
 * One slot on one node: the slot's store of every named map and its place in the migration
 * protocol (see docs/architecture.md, "A live migration of one slot").
 *
 * <p>Concurrency:
 * <ul>
 *   <li>{@code word} packs the state (high 32 bits) and the number of writers inside (low 32 bits).
 *       A writer is admitted by a CAS that increments the count, only in {@code OWNED} or
 *       {@code MIGRATING}. It leaves by a CAS that decrements the count; if the state it leaves in is
 *       {@code MIGRATING} or {@code SEALED} it first appends its key to the change log. State changes
 *       are CASes on the same word, so in the word's modification order each exit falls before or
 *       after each state change: a write that left before {@code OWNED -> MIGRATING} happens-before
 *       the migration's copy (the CAS chain on {@code word} orders it), and a write that leaves
 *       after it is in the change log.
 *   <li>The epoch fence ({@code routedEpoch < ownerEpoch}: FENCED) is checked before the admitting
 *       CAS and again after it: a seal and unseal between the two (a key moving out) restore the
 *       same word while raising {@code ownerEpoch}, and the CAS alone cannot tell (ABA).
 *   <li>{@code SEALED} admits no writer. Once the count is 0 under {@code SEALED}, the change log
 *       holds every key written since {@code MIGRATING} began and no further write can happen here.
 *   <li>Readers read {@code word} once and never write it: they never wait. A reader that saw a
 *       readable state keeps reading this object's maps even if the slot is handed over meanwhile;
 *       it linearizes at its state read, before the handover. Dropped data is therefore never
 *       cleared in place: the member swaps in a new {@code FORWARDED} marker and lets the GC reclaim
 *       this store once its last reader is gone. When the store provider releases stores
 *       ({@link StoreProvider#close} is overridden), readers also count themselves in
 *       {@code readers} ({@link #enterRead}: increment, then re-read the state; Dekker's pattern
 *       with {@link #retire}, which reads {@code readers} after the state became {@code FORWARDED}):
 *       so {@code close} is called only once no reader can touch the store.
 *   <li>{@code maps} is a copy-on-write array published by CAS: never mutated once visible. So is
 *       {@code localIndexes}, the slot's LOCAL secondary indexes by index id. They belong to this
 *       store like its maps: writers change them inside the atomic update of the key
 *       ({@link IndexedWrite}); they are not copied by a migration but rebuilt in the importing
 *       store entry by entry as the copy and the change log write it ({@link IndexManager#importPut}),
 *       so at activation they describe exactly the entries shipped; they are dropped with the store.
 * </ul>
 *
 * <p>Invariants: the writer count is 0 in {@code IMPORTING} and {@code FORWARDED} (the migration
 * writes an importing slot's maps directly, outside admission); {@code ownerEpoch} is written before
 * the state CAS that makes the store {@code OWNED}, {@code forwardTo} before the one that makes it
 * {@code FORWARDED}.
 */
final class SlotStore {

    static final int OWNED = 0;
    static final int MIGRATING = 1;
    static final int SEALED = 2;
    static final int IMPORTING = 3;
    static final int FORWARDED = 4;
    /** The slot's data died with its previous owner; this member serves it only once the loss is acknowledged. */
    static final int LOST = 5;

    /** {@link #tryEnter} outcomes other than {@link #ADMITTED} are {@link Route} ordinals. */
    static final int ADMITTED = -1;

    private static final long WRITERS_MASK = 0xFFFF_FFFFL;
    private static final VarHandle WORD;
    private static final VarHandle MAPS;
    private static final VarHandle LOCAL_INDEXES;
    private static final LocalIndex[] NO_LOCAL_INDEXES = new LocalIndex[0];

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WORD = lookup.findVarHandle(SlotStore.class, "word", long.class);
            MAPS = lookup.findVarHandle(SlotStore.class, "maps", ConcurrentMap[].class);
            LOCAL_INDEXES = lookup.findVarHandle(SlotStore.class, "localIndexes", LocalIndex[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int slot;
    private final IntFunction<ConcurrentMap<Object, Object>> opener;
    /** Readers inside, counted only when the provider releases stores; {@code null} otherwise. */
    private final LongAdder readers;

    private volatile long word;
    private volatile ConcurrentMap<Object, Object>[] maps;
    private volatile LocalIndex[] localIndexes = NO_LOCAL_INDEXES;
    /** The epoch at which this node took the slot; writes routed with an older epoch are fenced. */
    private volatile long ownerEpoch;
    /** Where the slot went, and at which epoch; meaningful once the state is FORWARDED. */
    private volatile int forwardTo = -1;
    private volatile long forwardEpoch;
    /** The node the slot comes from; meaningful while IMPORTING. */
    private final int importingFrom;
    /** Keys written while MIGRATING or SEALED; set before the state becomes MIGRATING. */
    private volatile MpscUnboundedXaddArrayQueue<Change> changeLog;
    /** The owner's stream to the slot's backups; {@code null} in a grid without backups. */
    private volatile Replication replication;

    /** A key written during a migration, to be shipped again with its current value. */
    record Change(int mapId, Object key) {
    }

    @SuppressWarnings("unchecked")
    private SlotStore(int slot, int state, long ownerEpoch, int importingFrom,
            IntFunction<ConcurrentMap<Object, Object>> opener, boolean trackReaders) {
        this.slot = slot;
        this.opener = opener;
        this.readers = trackReaders ? new LongAdder() : null;
        this.importingFrom = importingFrom;
        this.ownerEpoch = ownerEpoch;
        this.maps = new ConcurrentMap[0];
        this.word = (long) state << 32;
    }

    static SlotStore owned(int slot, long ownerEpoch, IntFunction<ConcurrentMap<Object, Object>> opener,
            boolean trackReaders) {
        return new SlotStore(slot, OWNED, ownerEpoch, -1, opener, trackReaders);
    }

    static SlotStore importing(int slot, int from, IntFunction<ConcurrentMap<Object, Object>> opener,
            boolean trackReaders) {
        return new SlotStore(slot, IMPORTING, Long.MAX_VALUE, from, opener, trackReaders);
    }

    static SlotStore forwarded(int slot, int to, long epoch) {
        SlotStore marker = new SlotStore(slot, FORWARDED, Long.MAX_VALUE, -1, null, false);
        marker.forwardTo = to;
        marker.forwardEpoch = epoch;
        return marker;
    }

    /** A slot given to this member after its owner died with its data: every request fails until acknowledged. */
    static SlotStore lost(int slot) {
        return new SlotStore(slot, LOST, Long.MAX_VALUE, -1, null, false);
    }

    static int stateOf(long word) {
        return (int) (word >>> 32);
    }

    int state() {
        return stateOf(word);
    }

    int writersInside() {
        return (int) (word & WRITERS_MASK);
    }

    /** Readable here: the source stays authoritative until the handover, sealed or not. */
    static boolean readable(int state) {
        return state <= SEALED;
    }

    int forwardTo() {
        return forwardTo;
    }

    long forwardEpoch() {
        return forwardEpoch;
    }

    int importingFrom() {
        return importingFrom;
    }

    long ownerEpoch() {
        return ownerEpoch;
    }

    // ---------------------------------------------------------------- maps

    /** The store of a map in this slot, or {@code null} if the map never had a write here. */
    ConcurrentMap<Object, Object> readMap(int mapId) {
        ConcurrentMap<Object, Object>[] current = maps;
        return mapId < current.length ? current[mapId] : null;
    }

    /** The store of a map in this slot, opened on first use. Lock-free. */
    ConcurrentMap<Object, Object> writeMap(int mapId) {
        for (ConcurrentMap<Object, Object> opened = null;;) {
            ConcurrentMap<Object, Object>[] current = maps;
            if (mapId < current.length && current[mapId] != null) {
                return current[mapId];
            }
            if (opened == null) {
                opened = opener.apply(mapId);
            }
            ConcurrentMap<Object, Object>[] next = Arrays.copyOf(current, Math.max(current.length, mapId + 1));
            next[mapId] = opened;
            if (MAPS.compareAndSet(this, current, next)) {
                return opened;
            }
        }
    }

    /** Every map store of this slot, indexed by map id; entries may be {@code null}. Do not modify. */
    ConcurrentMap<Object, Object>[] maps() {
        return maps;
    }

    /** Entries in every map of this slot. Weakly consistent. */
    long entryCount() {
        long count = 0;
        for (ConcurrentMap<Object, Object> map : maps) {
            if (map != null) {
                count += map.size();
            }
        }
        return count;
    }

    long entryCount(int mapId) {
        ConcurrentMap<Object, Object> map = readMap(mapId);
        return map == null ? 0 : map.size();
    }

    // ---------------------------------------------------------------- local secondary indexes

    /** The slot's LOCAL index with that id, or {@code null} if nothing was indexed in it here. */
    LocalIndex readLocalIndex(int indexId) {
        LocalIndex[] current = localIndexes;
        return indexId < current.length ? current[indexId] : null;
    }

    /** The slot's LOCAL index with that id, created on first use. Lock-free. */
    LocalIndex localIndex(int indexId) {
        for (LocalIndex created = null;;) {
            LocalIndex[] current = localIndexes;
            if (indexId < current.length && current[indexId] != null) {
                return current[indexId];
            }
            if (created == null) {
                created = new LocalIndex();
            }
            LocalIndex[] next = Arrays.copyOf(current, Math.max(current.length, indexId + 1));
            next[indexId] = created;
            if (LOCAL_INDEXES.compareAndSet(this, current, next)) {
                return created;
            }
        }
    }

    /** Forgets a LOCAL index whose creation failed. */
    void dropLocalIndex(int indexId) {
        for (;;) {
            LocalIndex[] current = localIndexes;
            if (indexId >= current.length || current[indexId] == null) {
                return;
            }
            LocalIndex[] next = current.clone();
            next[indexId] = null;
            if (LOCAL_INDEXES.compareAndSet(this, current, next)) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- readers and release

    /** Whether a provider releases its stores, so that readers must be counted before a store is closed. */
    static boolean providerCloses(StoreProvider provider) {
        try {
            return provider.getClass().getMethod("close", String.class, int.class, ConcurrentMap.class)
                    .getDeclaringClass() != StoreProvider.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A counted reader enters (only for a provider that releases stores): {@code false}, and not
     * counted, if the store is forwarded already; the reader then goes where it was forwarded.
     */
    boolean enterRead() {
        if (readers == null) { // a forwarding marker: nothing to read here
            return state() != FORWARDED;
        }
        readers.increment();
        if (state() == FORWARDED) { // re-read after the increment: pairs with retire's read of readers
            readers.decrement();
            return false;
        }
        return true;
    }

    void exitRead() {
        if (readers != null) {
            readers.decrement();
        }
    }

    /**
     * Releases a forwarded store's maps through the provider once no counted reader is inside
     * (readers are short: a read or one slot of a query). Bounded: after 60 s the maps are left to
     * the garbage collector unreleased, with a warning.
     */
    void retire(StoreProvider provider, IntFunction<String> mapName) {
        if (readers == null) {
            return; // the provider releases nothing
        }
        long start = System.nanoTime();
        for (int attempt = 0; readers.sum() != 0; attempt++) {
            if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(60)) {
                System.getLogger(SlotStore.class.getName()).log(System.Logger.Level.WARNING, "slot " + slot
                        + ": readers stayed inside a dropped store for 60 s; its maps are not released");
                return;
            }
            Backoff.pause(attempt);
        }
        ConcurrentMap<Object, Object>[] all = maps;
        for (int mapId = 0; mapId < all.length; mapId++) {
            if (all[mapId] != null) {
                provider.close(mapName.apply(mapId), slot, all[mapId]);
            }
        }
    }

    // ---------------------------------------------------------------- writer admission

    /**
     * Admits a writer, or says where to go instead: {@link #ADMITTED}, or the ordinal of
     * {@link Route#FENCED}, {@link Route#TRYAGAIN} or {@link Route#MOVED}. Lock-free: retries only
     * when another writer or a state change won the CAS.
     */
    int tryEnter(long routedEpoch) {
        for (;;) {
            long w = word;
            int state = stateOf(w);
            if (state > MIGRATING) {
                return state == SEALED ? Route.TRYAGAIN.ordinal() : Route.MOVED.ordinal();
            }
            if (routedEpoch < ownerEpoch) {
                return Route.FENCED.ordinal();
            }
            if (WORD.compareAndSet(this, w, w + 1)) {
                // ABA: a key move's sealOwned and unseal between our read of w and this CAS restore the very
                // same word (OWNED, same count) while raising ownerEpoch, so the check above may be stale.
                // unseal writes ownerEpoch before its CAS; our CAS read that word, so this re-read sees it.
                if (routedEpoch < ownerEpoch) {
                    leave();
                    return Route.FENCED.ordinal();
                }
                return ADMITTED;
            }
        }
    }

    /** Undoes an admission that wrote nothing. */
    private void leave() {
        WORD.getAndAdd(this, -1L);
    }

    /**
     * Leaves after {@link #tryEnter} admitted; logs the key if a migration can need it, and offers it
     * to the slot's replication, if the slot has one (before leaving: a seal's wait for the writers
     * inside therefore covers the offer, and the cutover's {@link Replication#drain} ships it).
     *
     * @return what to wait for before the write is acknowledged ({@link Replication#await}), or
     *     {@code null} if the slot is not replicated
     */
    Replication.Pending exit(int mapId, Object key) {
        Replication stream = replication;
        Replication.Pending pending = stream == null ? null : stream.offer(mapId, key);
        boolean logged = false;
        for (;;) {
            long w = word;
            int state = stateOf(w);
            if (!logged && (state == MIGRATING || state == SEALED)) {
                MpscUnboundedXaddArrayQueue<Change> log = changeLog; // null if cancelled, or sealed without a copy
                if (log != null) {
                    log.offer(new Change(mapId, key)); // before the exit CAS: the sealer drains after it
                }
                logged = true;
            }
            if (WORD.compareAndSet(this, w, w - 1)) {
                return pending;
            }
        }
    }

    /** The slot's replication to its backups, or {@code null}; set before the store serves writers. */
    Replication replication() {
        return replication;
    }

    void replicateWith(Replication stream) {
        this.replication = stream;
    }

    // ---------------------------------------------------------------- migration transitions

    /** OWNED -> MIGRATING. From now on every write also lands in the returned change log. */
    MpscUnboundedXaddArrayQueue<Change> beginMigration() {
        MpscUnboundedXaddArrayQueue<Change> log = new MpscUnboundedXaddArrayQueue<>(64);
        changeLog = log;
        if (!transition(OWNED, MIGRATING)) {
            changeLog = null;
            throw new IllegalStateException("slot " + slot + " is not OWNED here but " + stateName(state()));
        }
        return log;
    }

    /** MIGRATING -> SEALED; or OWNED -> SEALED for a slot that moves without a copy. */
    boolean seal() {
        return transition(MIGRATING, SEALED) || transition(OWNED, SEALED);
    }

    /**
     * Waits, spinning then yielding, until the writers admitted before a seal have left.
     *
     * @param timeoutNanos how long at most
     * @param consequence what the caller does if they do not, for the exception's message
     * @throws IllegalStateException if a writer is still inside after {@code timeoutNanos}
     */
    void awaitNoWriters(long timeoutNanos, String consequence) {
        long start = System.nanoTime();
        for (int spins = 0; writersInside() > 0; spins++) {
            if (System.nanoTime() - start > timeoutNanos) {
                throw new IllegalStateException("writers did not leave slot " + slot + " within "
                        + java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (a remapping function that"
                        + " never returns?); " + consequence);
            }
            Backoff.pause(spins);
        }
    }

    /** OWNED -> SEALED only: a short pause of this slot's writers that is not a migration (a key moving out). */
    boolean sealOwned() {
        return transition(OWNED, SEALED);
    }

    /**
     * SEALED -> OWNED after {@link #sealOwned}, fencing writes routed before {@code epoch}: their
     * routing predates the change made while sealed.
     */
    void unseal(long epoch) {
        ownerEpoch = Math.max(ownerEpoch, epoch); // before the CAS that admits writers again
        if (!transition(SEALED, OWNED)) {
            throw new IllegalStateException("slot " + slot + " is not SEALED but " + stateName(state()));
        }
    }

    /** MIGRATING or SEALED -> OWNED: a cancelled migration; the change log is dropped. */
    void cancelMigration() {
        if (transition(SEALED, OWNED) || transition(MIGRATING, OWNED)) {
            changeLog = null;
            return;
        }
        throw new IllegalStateException("slot " + slot + " is not migrating but " + stateName(state()));
    }

    /** SEALED (with no writer inside) -> FORWARDED to {@code to} at {@code epoch}. */
    void forward(int to, long epoch) {
        forwardTo = to;
        forwardEpoch = epoch;
        if (!WORD.compareAndSet(this, (long) SEALED << 32, (long) FORWARDED << 32)) {
            throw new IllegalStateException("slot " + slot + " must be SEALED with no writer inside to be handed"
                    + " over; word " + Long.toHexString(word));
        }
    }

    /** IMPORTING -> OWNED at {@code epoch}: this node now serves the slot. */
    void activate(long epoch) {
        ownerEpoch = epoch;
        if (!transition(IMPORTING, OWNED)) {
            throw new IllegalStateException("slot " + slot + " is not IMPORTING but " + stateName(state()));
        }
    }

    /** Moves between two states, keeping the writer count. */
    private boolean transition(int from, int to) {
        for (;;) {
            long w = word;
            if (stateOf(w) != from) {
                return false;
            }
            if (WORD.compareAndSet(this, w, ((long) to << 32) | (w & WRITERS_MASK))) {
                return true;
            }
        }
    }

    static String stateName(int state) {
        switch (state) {
            case OWNED:
                return "OWNED";
            case MIGRATING:
                return "MIGRATING";
            case SEALED:
                return "SEALED";
            case IMPORTING:
                return "IMPORTING";
            case FORWARDED:
                return "FORWARDED";
            case LOST:
                return "LOST";
            default:
                return "UNKNOWN(" + state + ")";
        }
    }

    @Override
    public String toString() {
        return "SlotStore{slot=" + slot + ", " + stateName(state()) + ", writers=" + writersInside() + "}";
    }
}
