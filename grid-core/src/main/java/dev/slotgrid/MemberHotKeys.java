package dev.slotgrid;

import dev.slotgrid.hotkey.HeavyHitters;
import dev.slotgrid.hotkey.NearCache;
import dev.slotgrid.hotkey.SaltedKey;
import dev.slotgrid.hotkey.SingleFlight;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import dev.slotgrid.spi.Merger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One member's side of hot-key handling (docs/architecture.md, "Hot keys and load"): what its
 * entry side does with hot keys (near-cached copies, salted keys read by folding their parts,
 * coalesced reads) and the state the policy keeps on it (mergers, which keys are near-cached, each
 * salted key's shape). The policy itself runs in {@link HotKeyControl}, which changes this state on
 * every member only by messages ({@link HotKeyRequest}).
 *
 * <p>Concurrency: the hot path reads one copy-on-write array ({@link #state}) and, only for maps
 * with near-cached or salted keys, a concurrent hash map. Shape changes of a salted key arrive one at
 * a time per map ({@code reshapeLock}) and lose no write: see {@link SaltedKey}; a change is
 * acknowledged only once no writer of the older shape is left on this member, so once every member
 * has acknowledged, no writer of it is left anywhere.
 *
 * <p>Invariants: a salted key's value is its base entry folded with its parts
 * {@code [0, readParts)} by the map's merger; writes of a salted key go to parts only through
 * {@link #add}; any other write first folds the key back into one entry ({@link Coordinator#foldBack}).
 * After each write of a near-cached or salted key, every member's copy and coalesced reads of it are
 * dropped before the write returns.
 */
final class MemberHotKeys {

    private static final System.Logger LOG = System.getLogger(MemberHotKeys.class.getName());
    private static final int NEAR_CACHE_MAX_ENTRIES = 10_000;

    /** Hot-key state of one map on this member; exists once the map has a merger, a near-cached or a salted key. */
    static final class MapState {
        final int mapId;
        volatile Merger<Object> merger;
        volatile String mergerName;
        final ConcurrentHashMap<Object, Boolean> nearKeys = new ConcurrentHashMap<>();
        volatile boolean anyNear;
        final ConcurrentHashMap<Object, SaltedKey> salts = new ConcurrentHashMap<>();
        volatile boolean anySalted;
        volatile NearCache<Object, Object> nearCache;
        volatile SingleFlight<Object, Object> flight;
        final Object reshapeLock = new Object();

        MapState(int mapId) {
            this.mapId = mapId;
        }
    }

    private final Member member;
    private volatile MapState[] maps = new MapState[0];

    MemberHotKeys(Member member) {
        this.member = member;
    }

    static HeavyHitters newDetector() {
        return new HeavyHitters(64, 4, Duration.ofSeconds(1), System::nanoTime);
    }

    // ================================================================ hot path

    /** Every map's hot-key state here: what a member that becomes the coordinator continues from. */
    MapState[] states() {
        return maps.clone();
    }

    /** The hot-key state of a map, or {@code null} (the common case: nothing to do). */
    MapState state(int mapId) {
        MapState[] current = maps;
        return mapId < current.length ? current[mapId] : null;
    }

    /** A read of a key of a map with hot-key state: folded if salted, near-cached if read-hot. */
    Object get(MapState hot, int natural, Object key) {
        if (hot.anySalted && hot.salts.containsKey(key)) {
            return flight(hot).load(key, () -> fold(hot, natural, key));
        }
        if (hot.anyNear && hot.nearKeys.containsKey(key)) {
            NearCache<Object, Object> cache = nearCache(hot);
            Object cached = cache.get(key);
            if (cached != null) {
                member.stats.record(OpType.GET, natural); // served by the entry member, which keeps seeing the key hot
                if (member.detector != null) {
                    member.detector.record(hot.mapId, key, false);
                }
                return cached;
            }
            return flight(hot).load(key, () -> {
                long stamp = cache.stamp();
                long expiry = cache.expiryForLoadStartingNow();
                Object value = routeGet(hot.mapId, natural, key);
                if (value != null) {
                    cache.install(key, value, stamp, expiry);
                }
                return value;
            });
        }
        return routeGet(hot.mapId, natural, key);
    }

    private Object routeGet(int mapId, int natural, Object key) {
        Router router = member.router();
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, key, natural);
        return router.route(new KeyRequest.Get(mapId, slot, table.epoch(), key, Router.pinFlags(slot, natural)), natural);
    }

    /** The value of a salted key: its base entry folded with its parts; retried if a fold overlapped. */
    private Object fold(MapState hot, int natural, Object key) {
        for (int attempt = 0;; attempt++) {
            SaltedKey salt = hot.salts.get(key);
            if (salt == null) {
                return routeGet(hot.mapId, natural, key);
            }
            long stamp = salt.readStamp();
            if (stamp < 0) {
                Backoff.pause(attempt);
                continue;
            }
            Object value = routeGet(hot.mapId, natural, key);
            for (int part = 0; part < salt.readParts(); part++) {
                int partSlot = salt.partSlot(part);
                value = combine(hot.merger, value, routeGet(hot.mapId, partSlot, new SaltPart(key, part)));
            }
            if (salt.readValid(stamp)) {
                return value;
            }
        }
    }

    /** A write other than {@link #add} of a map with hot-key state: a salted key is folded back first. */
    Object write(MapState hot, KeyRequest request, int natural) {
        Object key = request.key();
        if (hot.anySalted && hot.salts.containsKey(key)) {
            member.router().coordinator().foldBack(hot.mapId, key);
            request = retarget(request, natural); // routed after the fold: the table may have changed meanwhile
        }
        Object result = member.router().route(request, natural);
        afterWrite(hot, key);
        return result;
    }

    private KeyRequest retarget(KeyRequest request, int natural) {
        SlotTable table = member.router().table();
        int slot = Router.pinned(table, request.mapId(), request.key(), natural);
        return request.to(slot, table.epoch(), Router.pinFlags(slot, natural));
    }

    /**
     * Merges {@code value} into a key of a mergeable map with the map's merger: into one part if
     * the key is salted (this member's own part when it has one), else into the key.
     */
    void add(MapState hot, int natural, Object key, Object value) {
        String mergerName = hot.mergerName;
        for (;;) {
            SaltedKey salt = hot.anySalted ? hot.salts.get(key) : null;
            if (salt == null) {
                routeMerge(hot.mapId, natural, key, value, mergerName, true);
                afterWrite(hot, key);
                return;
            }
            salt.enter();
            try {
                if (hot.salts.get(key) != salt) {
                    continue; // reshaped meanwhile: use the new shape
                }
                if (salt.writeParts() == 0) {
                    routeMerge(hot.mapId, natural, key, value, mergerName, true);
                } else {
                    int part = partFor(salt);
                    routeMerge(hot.mapId, salt.partSlot(part), new SaltPart(key, part), value, mergerName, true);
                }
            } finally {
                salt.leave();
            }
            afterWrite(hot, key);
            return;
        }
    }

    private Object routeMerge(int mapId, int natural, Object key, Object value, String merger, boolean honourPins) {
        Router router = member.router();
        SlotTable table = router.table();
        int slot = honourPins ? Router.pinned(table, mapId, key, natural) : natural;
        int flags = honourPins ? Router.pinFlags(slot, natural) : KeyRequest.PINS_IGNORED;
        return router.route(new KeyRequest.MergeNamed(mapId, slot, table.epoch(), key, flags, value, merger), natural,
                honourPins);
    }

    /**
     * After every write of a key: if it is near-cached or salted, every member's near-cache copy and
     * coalesced reads of it are dropped, before the write returns.
     */
    void afterWrite(MapState hot, Object key) {
        if ((hot.anyNear && hot.nearKeys.containsKey(key)) || (hot.anySalted && hot.salts.containsKey(key))) {
            invalidateEverywhere(new HotKeyRequest.InvalidateNear(hot.mapId, key));
        } else if (hot.flight != null) {
            hot.flight.forget(key);
        }
    }

    /**
     * Sends an invalidation to every member at once and waits for their answers. The write it
     * follows has been applied, so a member that does not answer (gone, unreachable, past the call
     * timeout) does not fail it: that member's copy, if it holds one, is served until the near
     * cache's TTL ends. That is the staleness bound across members: a read that starts after a
     * write's acknowledgement sees it, except on a member the invalidation did not reach, and there
     * for at most the TTL.
     */
    private void invalidateEverywhere(Request request) {
        List<Integer> members = member.table().nodes().stream().map(NodeInfo::id).toList();
        Fanout.send(member.router().transport(), members, request).forEach((id, failure) -> LOG.log(
                System.Logger.Level.DEBUG, () -> "near-cache invalidation did not reach member " + id
                        + "; its copy expires within the TTL: " + failure));
    }

    /**
     * What to add to a map's physical entry count for its logical one: each salted key counts once,
     * not once per part (plus its base entry). Cost: a look-up per part of every salted key.
     */
    long saltedCountCorrection(MapState hot) {
        long correction = 0;
        for (SaltedKey salt : hot.salts.values()) {
            Object key = salt.key();
            int parts = 0;
            for (int part = 0; part < salt.partCount(); part++) {
                if (contains(hot.mapId, salt.partSlot(part), new SaltPart(key, part))) {
                    parts++;
                }
            }
            boolean base = contains(hot.mapId, member.config().slotOf(ByteArrayKey.userForm(key)), key);
            correction -= parts;
            if (!base && parts > 0) {
                correction++;
            }
        }
        return correction;
    }

    private boolean contains(int mapId, int natural, Object key) {
        Router router = member.router();
        SlotTable table = router.table();
        int slot = Router.pinned(table, mapId, key, natural);
        return Boolean.TRUE.equals(router.route(new KeyRequest.ContainsKey(mapId, slot, table.epoch(), key,
                Router.pinFlags(slot, natural) | KeyRequest.INTERNAL), natural));
    }

    private int partFor(SaltedKey salt) {
        SlotTable table = member.table();
        for (int part = 0; part < salt.writeParts(); part++) {
            if (table.ownerOf(salt.partSlot(part)) == member.id()) {
                return part;
            }
        }
        return ThreadLocalRandom.current().nextInt(salt.writeParts());
    }

    private static Object combine(Merger<Object> merger, Object a, Object b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : merger.merge(a, b);
    }

    private NearCache<Object, Object> nearCache(MapState hot) {
        NearCache<Object, Object> cache = hot.nearCache;
        if (cache == null) {
            synchronized (hot) {
                if (hot.nearCache == null) {
                    hot.nearCache = new NearCache<>(member.config().nearCacheTtl(), NEAR_CACHE_MAX_ENTRIES, System::nanoTime);
                }
                cache = hot.nearCache;
            }
        }
        return cache;
    }

    private static SingleFlight<Object, Object> flight(MapState hot) {
        SingleFlight<Object, Object> flight = hot.flight;
        if (flight == null) {
            synchronized (hot) {
                if (hot.flight == null) {
                    hot.flight = new SingleFlight<>();
                }
                flight = hot.flight;
            }
        }
        return flight;
    }

    private MapState stateForUpdate(int mapId) {
        MapState existing = state(mapId);
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            MapState[] current = maps;
            if (mapId < current.length && current[mapId] != null) {
                return current[mapId];
            }
            MapState created = new MapState(mapId);
            MapState[] next = Arrays.copyOf(current, Math.max(current.length, mapId + 1));
            next[mapId] = created;
            maps = next;
            return created;
        }
    }

    // ================================================================ the policy's messages

    Object handle(HotKeyRequest request) {
        if (request instanceof HotKeyRequest.TopKeys top) {
            return new HotKeyRequest.HotKeys(member.detector == null ? List.of() : member.detector.top(top.n()));
        }
        if (request instanceof HotKeyRequest.InvalidateNear invalidate) {
            MapState hot = state(invalidate.mapId());
            if (hot != null) {
                NearCache<Object, Object> cache = hot.nearCache;
                if (cache != null) {
                    cache.invalidate(invalidate.key());
                }
                SingleFlight<Object, Object> flight = hot.flight;
                if (flight != null) {
                    flight.forget(invalidate.key());
                }
            }
            return null;
        }
        if (request instanceof HotKeyRequest.DeclareMerger declare) {
            MapState hot = stateForUpdate(declare.mapId());
            hot.merger = member.plugins().merger(declare.merger());
            hot.mergerName = declare.merger();
            return null;
        }
        if (request instanceof HotKeyRequest.SetNearCached near) {
            MapState hot = stateForUpdate(near.mapId());
            if (near.on()) {
                hot.nearKeys.put(near.key(), Boolean.TRUE);
                hot.anyNear = true;
            } else if (hot.nearKeys.remove(near.key()) != null && hot.nearCache != null) {
                hot.nearCache.invalidate(near.key());
            }
            return null;
        }
        if (request instanceof HotKeyRequest.SaltChange change) {
            reshape(stateForUpdate(change.mapId()), change);
            return null;
        }
        if (request instanceof HotKeyRequest.SaltFold fold) {
            SaltedKey salt = stateForUpdate(fold.mapId()).salts.get(fold.key());
            if (salt != null) {
                if (fold.begin()) {
                    salt.beginFold();
                } else {
                    salt.endFold();
                }
            }
            return null;
        }
        return counters();
    }

    /** Applies one shape change; returns once no writer of the shape it replaced is left here. */
    private void reshape(MapState hot, HotKeyRequest.SaltChange change) {
        Object key = change.key();
        synchronized (hot.reshapeLock) {
            SaltedKey current = hot.salts.get(key);
            if (current == null && (change.kind() == HotKeyRequest.SaltChange.WRITE_PARTS
                    || change.kind() == HotKeyRequest.SaltChange.TRIM)) {
                return; // this member is joining: it is sent the key's shape once the change is done
            }
            switch (change.kind()) {
                case HotKeyRequest.SaltChange.CREATE:
                    hot.salts.put(key, SaltedKey.of(key, change.slots()));
                    hot.anySalted = true;
                    break;
                case HotKeyRequest.SaltChange.WRITE_PARTS:
                    hot.salts.put(key, current.withWriteParts(change.parts(), change.slots()));
                    current.awaitWriters(); // no writer of an older shape is left after this
                    break;
                case HotKeyRequest.SaltChange.TRIM:
                    if (current.writeParts() == 0) {
                        hot.salts.remove(key);
                    } else {
                        hot.salts.put(key, current.withReadPartsTrimmed());
                    }
                    current.awaitWriters();
                    break;
                case HotKeyRequest.SaltChange.DROP:
                    hot.salts.remove(key);
                    break;
                default:
                    throw new IllegalArgumentException("unknown salt change " + change.kind());
            }
            if (hot.nearCache != null) {
                hot.nearCache.invalidate(key);
            }
            if (hot.flight != null) {
                hot.flight.forget(key);
            }
        }
    }

    private HotKeyRequest.HotKeyCounts counters() {
        long hits = 0;
        long misses = 0;
        long coalesced = 0;
        long loads = 0;
        for (MapState state : maps) {
            if (state == null) {
                continue;
            }
            NearCache<Object, Object> cache = state.nearCache;
            if (cache != null) {
                hits += cache.hits();
                misses += cache.misses();
            }
            SingleFlight<Object, Object> flight = state.flight;
            if (flight != null) {
                coalesced += flight.coalesced();
                loads += flight.loads();
            }
        }
        Router router = member.router();
        return new HotKeyRequest.HotKeyCounts(hits, misses, coalesced, loads, router.batches.sum(), router.batchedRequests.sum());
    }
}
