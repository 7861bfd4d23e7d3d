package dev.slotgrid;

import dev.slotgrid.hotkey.HotKey;
import dev.slotgrid.hotkey.SaltedKey;
import dev.slotgrid.slot.NodeInfo;
import dev.slotgrid.slot.SlotTable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The control plane's side of hot keys (docs/architecture.md, "Hot keys and load"): the policy that
 * reads every member's hottest keys and acts on them, the manual API behind it, and the
 * authoritative state every member learns by messages: which maps are mergeable, which keys are
 * near-cached, each salted key's shape.
 *
 * <p>Reshaping a salted key (more parts, fewer, none) loses no write: the new shape goes to every
 * member, each of which answers once no writer of the older shape is left on it; parts no longer
 * written are then folded into those kept while every member's readers of the key retry
 * ({@link HotKeyRequest.SaltFold}); then every member drops them from its shape.
 *
 * <p>Concurrency: every change, and the policy's tick, runs under this object's lock (rare, control
 * plane only; a reshape may hold it while members wait for their writers, up to 10 s). The policy
 * runs on one daemon thread every {@link #TICK}.
 */
final class HotKeyControl {

    static final Duration TICK = Duration.ofMillis(250);
    private static final int TOP_PER_MEMBER = 16;
    private static final int MAX_ACTIONS = 256;

    private record Target(int mapId, Object key) {
    }

    /** The authoritative hot-key state of one map. */
    private static final class MapControl {
        String merger;
        final Set<Object> nearKeys = ConcurrentHashMap.newKeySet();
        /** The shape of each salted key: the grid's bookkeeping copy, which no writer enters. */
        final Map<Object, SaltedKey> shapes = new ConcurrentHashMap<>();
    }

    private final Cluster cluster;
    private final HotKeyPolicy policy;
    private final ScheduledExecutorService ticker;
    private final ConcurrentHashMap<Integer, MapControl> maps = new ConcurrentHashMap<>();
    /** @GuardedBy("actions") */
    private final ArrayDeque<HotKeyAction> actions = new ArrayDeque<>();
    /** @GuardedBy("this") */
    private final Map<Target, Long> lastHotNanos = new HashMap<>();
    private final Set<Target> manual = ConcurrentHashMap.newKeySet();
    private volatile List<HotKeyReport> lastReports = List.of();

    HotKeyControl(Cluster cluster, boolean detection, HotKeyPolicy policy) {
        this.cluster = cluster;
        this.policy = policy;
        if (detection) {
            ticker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, cluster.name() + "-hotkeys");
                thread.setDaemon(true);
                return thread;
            });
        } else {
            ticker = null;
        }
    }

    /** Starts the policy's ticks, once the grid's members exist. */
    void start() {
        if (ticker != null) {
            ticker.scheduleAtFixedRate(this::tickQuietly, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void shutdown() {
        if (ticker != null) {
            ticker.shutdownNow();
        }
    }

    private MapControl control(int mapId) {
        return maps.computeIfAbsent(mapId, id -> new MapControl());
    }

    private void broadcast(Request request) {
        Router router = cluster.controlRouter();
        for (int member : cluster.activeMemberIds()) {
            router.ask(member, request);
        }
    }

    // ================================================================ changes

    synchronized void declareMergeable(int mapId, String mergerName) {
        MapControl map = control(mapId);
        if (map.merger != null && !map.merger.equals(mergerName)) {
            throw new IllegalStateException("map '" + cluster.mapName(mapId) + "' is already mergeable with '" + map.merger + "'");
        }
        map.merger = mergerName;
        broadcast(new HotKeyRequest.DeclareMerger(mapId, mergerName));
    }

    synchronized void nearCache(int mapId, Object key, boolean on, boolean automatic, String detail) {
        MapControl map = control(mapId);
        Target target = new Target(mapId, key);
        if (!automatic) {
            if (on) {
                manual.add(target);
            } else {
                manual.remove(target);
            }
        }
        if (on ? map.nearKeys.add(key) : map.nearKeys.remove(key)) {
            broadcast(new HotKeyRequest.SetNearCached(mapId, key, on));
            log(on ? HotKeyAction.Type.NEAR_CACHE_ON : HotKeyAction.Type.NEAR_CACHE_OFF, mapId, key, detail, automatic);
        }
    }

    synchronized void salt(int mapId, Object key, int parts, boolean automatic, String detail) {
        MapControl map = control(mapId);
        if (map.merger == null) {
            throw new IllegalStateException("map '" + cluster.mapName(mapId) + "' is not mergeable; declare it with"
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
        reshape(mapId, map, key, parts, automatic, detail);
    }

    /** A write other than {@code add} folds a salted key back into one entry first. */
    synchronized void foldBack(int mapId, Object key) {
        MapControl map = maps.get(mapId);
        if (map != null && map.shapes.containsKey(key)) {
            reshape(mapId, map, key, 0, false, "a write other than add");
        }
    }

    /**
     * Changes a key's part count on every member: up (new parts are read at once), down or to zero
     * (the parts dropped are folded into the ones kept, or into the base entry, after the writers of
     * the old shape have left everywhere; reads that overlap the fold retry).
     */
    private void reshape(int mapId, MapControl map, Object key, int parts, boolean automatic, String detail) {
        SaltedKey current = map.shapes.get(key);
        int had = current == null ? 0 : current.writeParts();
        if (parts == had) {
            return;
        }
        if (current == null) {
            int[] slots = chooseSlots(key, 0, parts);
            map.shapes.put(key, SaltedKey.of(key, slots));
            broadcast(new HotKeyRequest.SaltChange(mapId, key, HotKeyRequest.SaltChange.CREATE, parts, slots));
        } else {
            int[] more = chooseSlots(key, current.partCount(), Math.max(0, parts - current.partCount()));
            SaltedKey next = current.withWriteParts(parts, more);
            map.shapes.put(key, next);
            broadcast(new HotKeyRequest.SaltChange(mapId, key, HotKeyRequest.SaltChange.WRITE_PARTS, parts, more));
            if (next.readParts() > next.writeParts()) {
                broadcast(new HotKeyRequest.SaltFold(mapId, key, true));
                try {
                    foldDroppedParts(mapId, map, key, next);
                } finally {
                    broadcast(new HotKeyRequest.SaltFold(mapId, key, false));
                }
                if (parts == 0) {
                    map.shapes.remove(key);
                } else {
                    map.shapes.put(key, next.withReadPartsTrimmed());
                }
                broadcast(new HotKeyRequest.SaltChange(mapId, key, HotKeyRequest.SaltChange.TRIM, parts, new int[0]));
            }
        }
        broadcast(new HotKeyRequest.InvalidateNear(mapId, key));
        log(parts == 0 ? HotKeyAction.Type.UNSALTED : HotKeyAction.Type.SALTED, mapId, key,
                (detail == null ? "" : detail + "; ") + had + " -> " + parts + " parts", automatic);
    }

    private void foldDroppedParts(int mapId, MapControl map, Object key, SaltedKey next) {
        Router router = cluster.controlRouter();
        int baseSlot = cluster.config().slotOf(ByteArrayKey.userForm(key));
        for (int part = next.writeParts(); part < next.readParts(); part++) {
            int from = next.partSlot(part);
            Object value = routeFixed(router, new KeyRequest.Remove(mapId, from, 0, new SaltPart(key, part),
                    KeyRequest.PINS_IGNORED | KeyRequest.INTERNAL), from);
            if (value == null) {
                continue;
            }
            if (next.writeParts() == 0) {
                SlotTable table = router.table();
                int slot = Router.pinned(table, mapId, key, baseSlot);
                router.route(new KeyRequest.MergeNamed(mapId, slot, table.epoch(), key,
                        Router.pinFlags(slot, baseSlot) | KeyRequest.INTERNAL, value, map.merger), baseSlot);
            } else {
                int into = part % next.writeParts();
                int to = next.partSlot(into);
                routeFixed(router, new KeyRequest.MergeNamed(mapId, to, 0, new SaltPart(key, into),
                        KeyRequest.PINS_IGNORED | KeyRequest.INTERNAL, value, map.merger), to);
            }
        }
    }

    /** Routes a request to its slot whatever the directory says, with the router's current epoch. */
    private static Object routeFixed(Router router, KeyRequest request, int slot) {
        SlotTable table = router.table();
        return router.route(request.to(slot, table.epoch(), request.flags()), slot, false);
    }

    /**
     * Slots for parts {@code from .. from+count-1}, each on the next member in turn: distinct members
     * while parts <= members. Only members that own slots count: one just admitted owns none until
     * its share moves in, and a dead one none once its slots were promoted.
     */
    private int[] chooseSlots(Object key, int from, int count) {
        if (count == 0) {
            return new int[0];
        }
        SlotTable table = cluster.table();
        List<Integer> members = new java.util.ArrayList<>(cluster.activeMemberIds());
        members.removeIf(member -> table.slotCount(member) == 0);
        if (members.isEmpty()) {
            throw new IllegalStateException("no member owns a slot in table epoch " + table.epoch()
                    + " to place the parts of a salted key on");
        }
        int spread = Math.floorMod(key.hashCode(), members.size());
        int[] slots = new int[count];
        for (int i = 0; i < count; i++) {
            int[] owned = table.slotsOf(members.get((spread + from + i) % members.size()));
            slots[i] = owned[Math.floorMod(key.hashCode() * 31 + from + i, owned.length)];
        }
        return slots;
    }

    /** A successor coordinator's state: the mergers, near-cached keys and salted shapes its own member was told. */
    synchronized void restore(MemberHotKeys member) {
        for (MemberHotKeys.MapState state : member.states()) {
            if (state == null) {
                continue;
            }
            MapControl map = control(state.mapId);
            map.merger = state.mergerName;
            map.nearKeys.addAll(state.nearKeys.keySet());
            for (SaltedKey salt : state.salts.values()) {
                int[] slots = new int[salt.partCount()];
                for (int part = 0; part < slots.length; part++) {
                    slots[part] = salt.partSlot(part);
                }
                map.shapes.put(salt.key(), SaltedKey.of(salt.key(), slots));
            }
        }
    }

    /** Tells a member that joins everything the others know, before it serves anything. */
    synchronized void syncNewMember(int memberId) {
        Router router = cluster.controlRouter();
        for (Map.Entry<Integer, MapControl> e : maps.entrySet()) {
            int mapId = e.getKey();
            MapControl map = e.getValue();
            if (map.merger != null) {
                router.ask(memberId, new HotKeyRequest.DeclareMerger(mapId, map.merger));
            }
            for (Object key : map.nearKeys) {
                router.ask(memberId, new HotKeyRequest.SetNearCached(mapId, key, true));
            }
            for (SaltedKey shape : map.shapes.values()) {
                int[] slots = new int[shape.partCount()];
                for (int part = 0; part < slots.length; part++) {
                    slots[part] = shape.partSlot(part);
                }
                router.ask(memberId, new HotKeyRequest.SaltChange(mapId, shape.key(), HotKeyRequest.SaltChange.CREATE,
                        slots.length, slots));
            }
        }
    }

    // ================================================================ policy

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            if (!cluster.isClosed()) {
                System.getLogger(HotKeyControl.class.getName()).log(System.Logger.Level.WARNING, "hot-key policy tick failed", e);
            }
        }
    }

    /**
     * A member's hottest keys; none from a member that does not answer (it may be gone: the
     * membership will say so), so that one silent member does not stop the policy for the others.
     */
    private static List<HotKey> topKeys(Router router, int member) {
        try {
            Object reply = router.ask(member, new HotKeyRequest.TopKeys(TOP_PER_MEMBER));
            return reply instanceof HotKeyRequest.HotKeys hot ? hot.keys() : List.of();
        } catch (MemberUnavailableException | IndeterminateOperationException silent) {
            return List.of();
        }
    }

    /** Reads every member's hottest keys and applies the policy. Policy thread only. */
    synchronized void tick() {
        long now = System.nanoTime();
        List<HotKeyReport> reports = new ArrayList<>();
        Map<Target, Double> rates = new HashMap<>();
        Map<Target, HotKey> hottest = new HashMap<>();
        Router router = cluster.controlRouter();
        SlotTable table = cluster.table();
        for (int member : cluster.activeMemberIds()) {
            NodeInfo info = table.node(member);
            List<HotKey> top = topKeys(router, member);
            for (HotKey hot : top) {
                Target target = new Target(hot.namespace(), hot.key());
                rates.merge(target, hot.opsPerSecond(), Double::sum);
                HotKey best = hottest.get(target);
                if (best == null || hot.share() > best.share()) {
                    hottest.put(target, hot);
                }
                reports.add(new HotKeyReport(info == null ? "member-" + member : info.name(), cluster.mapName(hot.namespace()),
                        hot.key(), hot.opsPerSecond(), hot.share(), hot.readFraction(), handling(hot.namespace(), hot.key())));
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
            // share is split over its parts' members, so half the share still marks it as hot)
            if (rate >= policy.minOpsPerSecond() / 2 && hot.share() >= policy.shareThreshold() / 2) {
                lastHotNanos.computeIfPresent(target, (t, last) -> now);
            }
            if (hot.share() < policy.shareThreshold() || hot.opsPerSecond() < policy.minOpsPerSecond()
                    || lastHotNanos.containsKey(target) || cluster.isInternalMap(target.mapId())) {
                continue;
            }
            String detail = String.format(Locale.ROOT, "%.0f ops/s, %.0f%% of its node, %.0f%% reads",
                    hot.opsPerSecond(), 100 * hot.share(), 100 * hot.readFraction());
            if (hot.readFraction() >= policy.nearCacheReadFraction()) {
                log(HotKeyAction.Type.DETECTED, target.mapId(), target.key(), detail, true);
                nearCache(target.mapId(), target.key(), true, true, detail);
                lastHotNanos.put(target, now);
            } else if (control(target.mapId()).merger != null) {
                log(HotKeyAction.Type.DETECTED, target.mapId(), target.key(), detail, true);
                int parts = Math.min(policy.maxSaltParts(), cluster.activeMemberIds().size());
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
            MapControl map = control(target.mapId());
            String detail = "cooled down for " + policy.cooldown().toMillis() + " ms";
            if (map.nearKeys.contains(target.key())) {
                nearCache(target.mapId(), target.key(), false, true, detail);
            }
            if (map.shapes.containsKey(target.key())) {
                salt(target.mapId(), target.key(), 0, true, detail);
            }
        }
    }

    private String handling(int mapId, Object key) {
        MapControl map = maps.get(mapId);
        if (map == null) {
            return "none";
        }
        SaltedKey salt = map.shapes.get(key);
        if (salt != null) {
            return "salted(" + salt.writeParts() + ")";
        }
        return map.nearKeys.contains(key) ? "near-cache" : "none";
    }

    private void log(HotKeyAction.Type type, int mapId, Object key, String detail, boolean automatic) {
        HotKeyAction action = new HotKeyAction(System.currentTimeMillis(), type, cluster.mapName(mapId), key,
                detail == null ? "" : detail, automatic);
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
        long coalesced = cluster.loadCounters()[0];
        long loads = cluster.loadCounters()[1];
        long batches = 0;
        long batchedRequests = 0;
        Router router = cluster.controlRouter();
        for (int member : cluster.activeMemberIds()) {
            HotKeyRequest.HotKeyCounts counts = (HotKeyRequest.HotKeyCounts) router.ask(member, new HotKeyRequest.Counters());
            hits += counts.nearCacheHits();
            misses += counts.nearCacheMisses();
            coalesced += counts.coalesced();
            loads += counts.loads();
            batches += counts.batches();
            batchedRequests += counts.batchedRequests();
        }
        int salted = 0;
        int near = 0;
        for (MapControl map : maps.values()) {
            salted += map.shapes.size();
            near += map.nearKeys.size();
        }
        List<HotKeyAction> recent;
        synchronized (actions) {
            recent = List.copyOf(actions);
        }
        return new HotKeyStats(lastReports, recent, hits, misses, salted, near, coalesced, loads, batches, batchedRequests);
    }
}
