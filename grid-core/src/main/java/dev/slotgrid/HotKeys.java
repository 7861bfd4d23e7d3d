package dev.slotgrid;

import dev.slotgrid.hotkey.HeavyHitters;
import dev.slotgrid.hotkey.HotKey;
import dev.slotgrid.hotkey.NearCache;
import dev.slotgrid.hotkey.SaltedKey;
import dev.slotgrid.hotkey.SingleFlight;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.Merger;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Wires the cluster-agnostic hot-key mechanisms of the {@code hot-key} module into a grid:
 * detection on every owner, near caches and coalesced reads on entry nodes, salted keys with
 * merge-on-read, and the policy that decides (ARCHITECTURE.md, "Hot keys").
 *
 * <p>Concurrency: the hot path reads one copy-on-write array ({@link #state}) and, only for maps
 * with near-cached or salted keys, a concurrent hash map. Reshaping a salted key is serialized per
 * map ({@code reshapeLock}, control plane only) and loses no write: see {@link SaltedKey}. The
 * policy runs on one daemon thread every {@link #TICK}.
 *
 * <p>Invariants: a salted key's value is its base entry folded with its parts
 * {@code [0, readParts)} by the map's merger; writes of a salted key go to parts only through
 * {@link #add}; any other write first folds the key back into one entry. A near-cached key's
 * copies are invalidated on every node after each write of the key, before the write returns.
 */
final class HotKeys {

    static final Duration TICK = Duration.ofMillis(250);
    private static final int TOP_PER_NODE = 16;
    private static final int MAX_ACTIONS = 256;
    private static final int NEAR_CACHE_MAX_ENTRIES = 10_000;

    /** Hot-key state of one map; exists once the map has a merger, a near-cached or a salted key. */
    static final class MapState {
        final int mapId;
        final String mapName;
        volatile Merger<Object> merger;
        final ConcurrentHashMap<Object, Boolean> nearKeys = new ConcurrentHashMap<>();
        volatile boolean anyNear;
        final ConcurrentHashMap<Object, SaltedKey> salts = new ConcurrentHashMap<>();
        volatile boolean anySalted;
        final ConcurrentHashMap<Integer, NearCache<Object, Object>> nearCaches = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Integer, SingleFlight<Object, Object>> flights = new ConcurrentHashMap<>();
        final Object reshapeLock = new Object();

        MapState(int mapId, String mapName) {
            this.mapId = mapId;
            this.mapName = mapName;
        }
    }

    private record Target(int mapId, Object key) {
    }

    private final SlotGrid grid;
    private final HotKeyPolicy policy;
    private final Duration nearCacheTtl;
    private final boolean detection;
    private volatile MapState[] maps = new MapState[0];
    private final ScheduledExecutorService ticker;
    /** @GuardedBy("actions") */
    private final ArrayDeque<HotKeyAction> actions = new ArrayDeque<>();
    private final ConcurrentHashMap<Integer, SingleFlight<Object, Object>> loads = new ConcurrentHashMap<>();
    final LongAdder batches = new LongAdder();
    final LongAdder batchedRequests = new LongAdder();
    // policy thread only
    private final Map<Target, Long> lastHotNanos = new HashMap<>();
    private final Set<Target> manual = ConcurrentHashMap.newKeySet();
    private volatile List<HotKeyReport> lastReports = List.of();

    HotKeys(SlotGrid grid, boolean detection, HotKeyPolicy policy) {
        this.grid = grid;
        this.detection = detection;
        this.policy = policy;
        this.nearCacheTtl = policy != null ? policy.nearCacheTtl() : HotKeyPolicy.defaults().nearCacheTtl();
        if (detection) {
            ticker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, grid.name() + "-hotkeys");
                thread.setDaemon(true);
                return thread;
            });
            ticker.scheduleAtFixedRate(this::tickQuietly, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            ticker = null;
        }
    }

    static HeavyHitters newDetector() {
        return new HeavyHitters(64, 4, Duration.ofSeconds(1), System::nanoTime);
    }

    boolean detecting() {
        return detection;
    }

    void shutdown() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    // ================================================================ hot path

    /** The hot-key state of a map, or {@code null} (the common case: nothing to do). */
    MapState state(int mapId) {
        MapState[] current = maps;
        return mapId < current.length ? current[mapId] : null;
    }

    /** Counts an operation on the node that executed it; a salted part counts as its key. */
    void record(GridNode owner, int mapId, Object key, boolean write) {
        HeavyHitters detector = owner.detector;
        if (detector != null) {
            detector.record(mapId, key instanceof SaltPart ? ((SaltPart) key).key() : key, write);
        }
    }

    /** A read of a key of a map with hot-key state: folded if salted, near-cached if read-hot. */
    Object get(GridNode entry, MapState hot, int slot, Object key) {
        if (hot.anySalted && hot.salts.containsKey(key)) {
            return flight(hot, entry).load(key, () -> fold(entry, hot, slot, key));
        }
        if (hot.anyNear && hot.nearKeys.containsKey(key)) {
            NearCache<Object, Object> cache = nearCache(hot, entry);
            Object cached = cache.get(key);
            if (cached != null) {
                entry.stats.record(OpType.GET, slot); // served by the entry node, which keeps seeing the key hot
                record(entry, hot.mapId, key, false);
                return cached;
            }
            return flight(hot, entry).load(key, () -> {
                long stamp = cache.stamp();
                long expiry = cache.expiryForLoadStartingNow();
                Object value = entry.route(OpType.GET, hot.mapId, slot, key, null, null);
                if (value != null) {
                    cache.install(key, value, stamp, expiry);
                }
                return value;
            });
        }
        return entry.route(OpType.GET, hot.mapId, slot, key, null, null);
    }

    /** The value of a salted key: its base entry folded with its parts; retried if a fold overlapped. */
    private Object fold(GridNode entry, MapState hot, int slot, Object key) {
        for (int attempt = 0;; attempt++) {
            SaltedKey salt = hot.salts.get(key);
            if (salt == null) {
                return entry.route(OpType.GET, hot.mapId, slot, key, null, null);
            }
            long stamp = salt.readStamp();
            if (stamp < 0) {
                Backoff.pause(attempt);
                continue;
            }
            Object value = entry.route(OpType.GET, hot.mapId, slot, key, null, null);
            for (int part = 0; part < salt.readParts(); part++) {
                Object partValue = entry.route(OpType.GET, hot.mapId, salt.partSlot(part), new SaltPart(key, part), null, null);
                value = combine(hot.merger, value, partValue);
            }
            if (salt.readValid(stamp)) {
                return value;
            }
        }
    }

    /**
     * Merges {@code value} into a key of a mergeable map with the map's merger: into one part if
     * the key is salted (the entry node's own part when it has one), else into the key.
     */
    void add(GridNode entry, MapState hot, int slot, Object key, Object value) {
        Merger<Object> merger = hot.merger;
        BiFunction<Object, Object, Object> fn = merger::merge;
        for (;;) {
            SaltedKey salt = hot.anySalted ? hot.salts.get(key) : null;
            if (salt == null) {
                entry.route(OpType.MERGE, hot.mapId, slot, key, value, fn);
                afterWrite(hot, key);
                return;
            }
            salt.enter();
            try {
                if (hot.salts.get(key) != salt) {
                    continue; // reshaped meanwhile: use the new shape
                }
                if (salt.writeParts() == 0) {
                    entry.route(OpType.MERGE, hot.mapId, slot, key, value, fn);
                } else {
                    int part = partFor(entry, salt);
                    entry.route(OpType.MERGE, hot.mapId, salt.partSlot(part), new SaltPart(key, part), value, fn);
                }
            } finally {
                salt.leave();
            }
            afterWrite(hot, key);
            return;
        }
    }

    /** Before any write other than {@link #add}: a salted key is folded back into one entry first. */
    void beforeWrite(MapState hot, Object key) {
        if (hot.anySalted && hot.salts.containsKey(key)) {
            reshape(hot, key, 0, false, "a write other than add");
        }
    }

    /** After every write of a key: near-cache copies and coalesced reads in flight are dropped everywhere. */
    void afterWrite(MapState hot, Object key) {
        if (hot.anyNear && hot.nearKeys.containsKey(key)) {
            for (NearCache<Object, Object> cache : hot.nearCaches.values()) {
                cache.invalidate(key);
            }
        }
        if (!hot.flights.isEmpty()) {
            for (SingleFlight<Object, Object> flight : hot.flights.values()) {
                flight.forget(key);
            }
        }
    }

    /** Runs {@code load} at most once at a time per key of a map in this JVM; see {@link GridMap#getOrLoad}. */
    Object getOrLoad(int mapId, Object key, Supplier<Object> load) {
        return loads.computeIfAbsent(mapId, id -> new SingleFlight<>()).load(key, load);
    }

    /**
     * What to add to a map's physical entry count for its logical one: each salted key counts once,
     * not once per part (plus its base entry). Cost: a look-up per part of every salted key.
     */
    long saltedCountCorrection(GridNode entry, MapState hot) {
        long correction = 0;
        for (SaltedKey salt : hot.salts.values()) {
            Object key = salt.key();
            int parts = 0;
            for (int part = 0; part < salt.partCount(); part++) {
                if (Boolean.TRUE.equals(entry.route(OpType.CONTAINS_KEY, hot.mapId, salt.partSlot(part), new SaltPart(key, part),
                        null, null))) {
                    parts++;
                }
            }
            boolean base = Boolean.TRUE.equals(entry.route(OpType.CONTAINS_KEY, hot.mapId,
                    grid.slotOf(ByteArrayKey.userForm(key)), key, null, null));
            correction -= parts;
            if (!base && parts > 0) {
                correction++;
            }
        }
        return correction;
    }

    private int partFor(GridNode entry, SaltedKey salt) {
        SlotTable table = entry.table();
        for (int part = 0; part < salt.writeParts(); part++) {
            if (table.ownerOf(salt.partSlot(part)) == entry.id()) {
                return part;
            }
        }
        return ThreadLocalRandom.current().nextInt(salt.writeParts());
    }

    @SuppressWarnings("unchecked")
    private static Object combine(Merger<Object> merger, Object a, Object b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : merger.merge(a, b);
    }

    private NearCache<Object, Object> nearCache(MapState hot, GridNode node) {
        return hot.nearCaches.computeIfAbsent(node.id(), id -> new NearCache<>(nearCacheTtl, NEAR_CACHE_MAX_ENTRIES, System::nanoTime));
    }

    private static SingleFlight<Object, Object> flight(MapState hot, GridNode node) {
        return hot.flights.computeIfAbsent(node.id(), id -> new SingleFlight<>());
    }

    // ================================================================ control: mergers, near cache, salting

    MapState stateForUpdate(int mapId) {
        MapState existing = state(mapId);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            MapState[] current = maps;
            if (mapId < current.length && current[mapId] != null) {
                return current[mapId];
            }
            MapState created = new MapState(mapId, grid.maps().nameOf(mapId));
            MapState[] next = Arrays.copyOf(current, Math.max(current.length, mapId + 1));
            next[mapId] = created;
            maps = next;
            return created;
        }
    }

    @SuppressWarnings("unchecked")
    void declareMergeable(int mapId, Merger<?> merger) {
        MapState hot = stateForUpdate(mapId);
        synchronized (hot.reshapeLock) {
            if (hot.merger != null && hot.merger != merger && !hot.merger.name().equals(merger.name())) {
                throw new IllegalStateException("map '" + hot.mapName + "' is already mergeable with '" + hot.merger.name() + "'");
            }
            hot.merger = (Merger<Object>) merger;
        }
    }

    void nearCache(int mapId, Object key, boolean on, boolean automatic, String detail) {
        MapState hot = stateForUpdate(mapId);
        Target target = new Target(mapId, key);
        if (!automatic) {
            if (on) {
                manual.add(target);
            } else {
                manual.remove(target);
            }
        }
        if (on) {
            if (hot.nearKeys.putIfAbsent(key, Boolean.TRUE) == null) {
                hot.anyNear = true;
                log(HotKeyAction.Type.NEAR_CACHE_ON, hot, key, detail, automatic);
            }
        } else if (hot.nearKeys.remove(key) != null) {
            for (NearCache<Object, Object> cache : hot.nearCaches.values()) {
                cache.invalidate(key);
            }
            log(HotKeyAction.Type.NEAR_CACHE_OFF, hot, key, detail, automatic);
        }
    }

    void salt(int mapId, Object key, int parts, boolean automatic, String detail) {
        MapState hot = stateForUpdate(mapId);
        if (hot.merger == null) {
            throw new IllegalStateException("map '" + hot.mapName + "' is not mergeable; declare it with"
                    + " SlotGrid.declareMergeable(mapName, merger) before salting its keys");
        }
        Target target = new Target(mapId, key);
        if (!automatic) {
            if (parts > 0) {
                manual.add(target);
            } else {
                manual.remove(target);
            }
        }
        reshape(hot, key, parts, automatic, detail);
    }

    /**
     * Changes a key's part count: up (new parts are read at once), down or to zero (the parts
     * dropped are folded into the ones kept, or into the base entry, after the writers of the old
     * shape have left; reads that overlap the fold retry).
     */
    private void reshape(MapState hot, Object key, int parts, boolean automatic, String detail) {
        synchronized (hot.reshapeLock) {
            SaltedKey current = hot.salts.get(key);
            int had = current == null ? 0 : current.writeParts();
            if (parts == had) {
                return;
            }
            SaltedKey next;
            if (current == null) {
                next = SaltedKey.of(key, chooseSlots(key, 0, parts));
                hot.salts.put(key, next);
                hot.anySalted = true;
            } else {
                int[] more = chooseSlots(key, current.partCount(), Math.max(0, parts - current.partCount()));
                next = current.withWriteParts(parts, more);
                hot.salts.put(key, next);
                current.awaitWriters(); // no writer of an older shape is left after this
                if (next.readParts() > next.writeParts()) {
                    foldDroppedParts(hot, key, next);
                    SaltedKey trimmed = next.withReadPartsTrimmed();
                    if (parts == 0) {
                        hot.salts.remove(key);
                    } else {
                        hot.salts.put(key, trimmed);
                    }
                    next.awaitWriters();
                }
            }
            afterWrite(hot, key);
            log(parts == 0 ? HotKeyAction.Type.UNSALTED : HotKeyAction.Type.SALTED, hot, key,
                    (detail == null ? "" : detail + "; ") + had + " -> " + parts + " parts", automatic);
        }
    }

    private void foldDroppedParts(MapState hot, Object key, SaltedKey next) {
        GridNode entry = grid.activeNodes().get(0);
        BiFunction<Object, Object, Object> fn = hot.merger::merge;
        int baseSlot = grid.slotOf(ByteArrayKey.userForm(key));
        next.beginFold();
        try {
            for (int part = next.writeParts(); part < next.readParts(); part++) {
                Object value = entry.route(OpType.REMOVE, hot.mapId, next.partSlot(part), new SaltPart(key, part), null, null);
                if (value == null) {
                    continue;
                }
                if (next.writeParts() == 0) {
                    entry.route(OpType.MERGE, hot.mapId, baseSlot, key, value, fn);
                } else {
                    int into = part % next.writeParts();
                    entry.route(OpType.MERGE, hot.mapId, next.partSlot(into), new SaltPart(key, into), value, fn);
                }
            }
        } finally {
            next.endFold();
        }
    }

    /** Slots for parts {@code from .. from+count-1}, each on the next node in turn: distinct nodes while parts <= nodes. */
    private int[] chooseSlots(Object key, int from, int count) {
        List<GridNode> nodes = grid.activeNodes();
        SlotTable table = grid.table();
        int spread = Math.floorMod(key.hashCode(), nodes.size());
        int[] slots = new int[count];
        for (int i = 0; i < count; i++) {
            int[] owned = table.slotsOf(nodes.get((spread + from + i) % nodes.size()).id());
            slots[i] = owned[Math.floorMod(key.hashCode() * 31 + from + i, owned.length)];
        }
        return slots;
    }

    // ================================================================ policy

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            if (!grid.isClosed()) {
                System.getLogger(HotKeys.class.getName()).log(System.Logger.Level.WARNING, "hot-key policy tick failed", e);
            }
        }
    }

    /** Reads every node's detector and applies the policy. Policy thread only (tests call it too). */
    synchronized void tick() {
        long now = System.nanoTime();
        List<HotKeyReport> reports = new ArrayList<>();
        Map<Target, Double> rates = new HashMap<>();
        Map<Target, HotKey> hottest = new HashMap<>();
        for (GridNode node : grid.activeNodes()) {
            if (node.detector == null) {
                continue;
            }
            for (HotKey hot : node.detector.top(TOP_PER_NODE)) {
                Target target = new Target(hot.namespace(), hot.key());
                rates.merge(target, hot.opsPerSecond(), Double::sum);
                HotKey best = hottest.get(target);
                if (best == null || hot.share() > best.share()) {
                    hottest.put(target, hot);
                }
                reports.add(new HotKeyReport(node.name(), grid.maps().nameOf(hot.namespace()), hot.key(), hot.opsPerSecond(),
                        hot.share(), hot.readFraction(), handling(hot.namespace(), hot.key())));
            }
        }
        lastReports = List.copyOf(reports);
        if (policy == null) {
            return;
        }
        for (Map.Entry<Target, HotKey> e : hottest.entrySet()) {
            Target target = e.getKey();
            HotKey hot = e.getValue();
            double rate = rates.get(target);
            // hysteresis: a handled key stays handled while it keeps half the thresholds (a salted key's
            // share is split over its parts' nodes, so half the share still marks it as hot)
            if (rate >= policy.minOpsPerSecond() / 2 && hot.share() >= policy.shareThreshold() / 2) {
                lastHotNanos.computeIfPresent(target, (t, last) -> now);
            }
            if (hot.share() < policy.shareThreshold() || hot.opsPerSecond() < policy.minOpsPerSecond()
                    || lastHotNanos.containsKey(target) || grid.maps().isInternal(target.mapId())) {
                continue;
            }
            MapState state = stateForUpdate(target.mapId());
            String detail = String.format(java.util.Locale.ROOT, "%.0f ops/s, %.0f%% of its node, %.0f%% reads",
                    hot.opsPerSecond(), 100 * hot.share(), 100 * hot.readFraction());
            if (hot.readFraction() >= policy.nearCacheReadFraction()) {
                log(HotKeyAction.Type.DETECTED, state, target.key(), detail, true);
                nearCache(target.mapId(), target.key(), true, true, detail);
                lastHotNanos.put(target, now);
            } else if (state.merger != null) {
                log(HotKeyAction.Type.DETECTED, state, target.key(), detail, true);
                int parts = Math.min(policy.maxSaltParts(), grid.activeNodes().size());
                if (parts >= 2) {
                    salt(target.mapId(), target.key(), parts, true, detail);
                    lastHotNanos.put(target, now);
                }
            }
        }
        long cooldown = policy.cooldown().toNanos();
        for (var it = lastHotNanos.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Target, Long> e = it.next();
            if (now - e.getValue() < cooldown || manual.contains(e.getKey())) {
                continue;
            }
            it.remove();
            Target target = e.getKey();
            MapState state = stateForUpdate(target.mapId());
            String detail = "cooled down for " + policy.cooldown().toMillis() + " ms";
            if (state.nearKeys.containsKey(target.key())) {
                nearCache(target.mapId(), target.key(), false, true, detail);
            }
            if (state.salts.containsKey(target.key())) {
                salt(target.mapId(), target.key(), 0, true, detail);
            }
        }
    }

    private String handling(int mapId, Object key) {
        MapState state = state(mapId);
        if (state == null) {
            return "none";
        }
        SaltedKey salt = state.salts.get(key);
        if (salt != null) {
            return "salted(" + salt.writeParts() + ")";
        }
        return state.nearKeys.containsKey(key) ? "near-cache" : "none";
    }

    private void log(HotKeyAction.Type type, MapState hot, Object key, String detail, boolean automatic) {
        HotKeyAction action = new HotKeyAction(System.currentTimeMillis(), type, hot.mapName, key, detail == null ? "" : detail,
                automatic);
        synchronized (actions) {
            if (actions.size() == MAX_ACTIONS) {
                actions.removeFirst();
            }
            actions.addLast(action);
        }
    }

    HotKeyStats stats() {
        long hits = 0;
        long misses = 0;
        long coalesced = 0;
        long loads = 0;
        int salted = 0;
        int near = 0;
        for (MapState state : maps) {
            if (state == null) {
                continue;
            }
            for (NearCache<Object, Object> cache : state.nearCaches.values()) {
                hits += cache.hits();
                misses += cache.misses();
            }
            for (SingleFlight<Object, Object> flight : state.flights.values()) {
                coalesced += flight.coalesced();
                loads += flight.loads();
            }
            salted += state.salts.size();
            near += state.nearKeys.size();
        }
        for (SingleFlight<Object, Object> flight : this.loads.values()) {
            coalesced += flight.coalesced();
            loads += flight.loads();
        }
        List<HotKeyAction> recent;
        synchronized (actions) {
            recent = List.copyOf(actions);
        }
        return new HotKeyStats(lastReports, recent, hits, misses, salted, near, coalesced, loads, batches.sum(),
                batchedRequests.sum());
    }
}
