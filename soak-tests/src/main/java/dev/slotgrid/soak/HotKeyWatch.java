package dev.slotgrid.soak;

import dev.slotgrid.GridStats;
import dev.slotgrid.HotKeyAction;
import dev.slotgrid.HotKeyStats;
import dev.slotgrid.NodeStats;
import dev.slotgrid.SlotGrid;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Follows what the grid does about hot keys while the soak runs: collects every action of
 * {@link SlotGrid#hotKeyStats()} with its time, tells the {@link NearCacheAllowance} which
 * {@code kv} keys the grid near-cached, knows which {@code counters} keys are salted now, and
 * measures the load skew of the celebrity spike before the grid acted on the celebrity and after.
 *
 * <p><b>Skew before and after.</b> Four snapshots of the grid's per-node operation counts: when
 * the spike starts, when the first action on the celebrity (near cache or salting) is seen, once
 * {@value #SETTLE_MILLIS} ms have passed after the last such action in the spike, and when the
 * spike ends. Skew before is the busiest node's operations over the mean between the first two,
 * skew after between the last two.
 *
 * <p>Concurrency: confined to the sampling thread ({@link #poll} every 50 ms or so while it waits),
 * then to the thread that finishes the run. The grid keeps its last 256 actions; one poll sees all
 * new ones unless more than that many happened since the last, which is then noted.
 */
final class HotKeyWatch {

    /** How long after the last action on the celebrity the "after" window starts. */
    static final long SETTLE_MILLIS = 1000;
    /** Actions kept for the report; later ones are only counted. */
    static final int MAX_ACTIONS_KEPT = 2000;

    /**
     * One hot-key action, on the run's clock.
     *
     * @param atSeconds when, from the start of the load
     * @param type {@link HotKeyAction.Type} name
     * @param map the key's map
     * @param key the key
     * @param detail the grid's numbers behind it
     * @param automatic whether the policy decided it
     * @param celebrity whether the key is the celebrity's
     */
    record Action(double atSeconds, String type, String map, String key, String detail, boolean automatic,
            boolean celebrity) {
    }

    /**
     * The celebrity spike's load skew before the grid acted on the celebrity and after.
     *
     * @param spikeFromSeconds when the spike started
     * @param firstActionSeconds when the first action on the celebrity was seen (NaN: none in the spike)
     * @param afterFromSeconds when the "after" window started (last action + settle; NaN: none)
     * @param spikeToSeconds when the spike ended (or the load, if earlier)
     * @param skewBefore skew from the spike's start to the first action (the whole spike when there was none)
     * @param skewAfter skew of the "after" window (NaN: none)
     * @param busiestShareBefore the busiest node's share of all operations before
     * @param busiestShareAfter the same after (NaN: none)
     */
    record SkewWindows(double spikeFromSeconds, double firstActionSeconds, double afterFromSeconds,
            double spikeToSeconds, double skewBefore, double skewAfter, double busiestShareBefore,
            double busiestShareAfter) {
    }

    private final SlotGrid grid;
    private final NearCacheAllowance allowance;
    private final ViolationLog violations;
    private final Spike spike;
    private final String celebrityKey;
    private final long startNanos;
    private final long startEpochMillis;
    private final List<Action> actions = new ArrayList<>();
    private final Map<String, Long> actionsByType = new TreeMap<>();
    private final Set<String> saltedCounters = new LinkedHashSet<>();
    private final Set<String> nearCachedKeys = new LinkedHashSet<>();
    private final Set<String> counterKeysNearCached = new LinkedHashSet<>();
    private HotKeyAction lastSeen;
    private boolean actionsMayBeMissing;
    private long actionsTotal;
    private int maxSalted;
    private int maxNearCached;
    private GridStats atSpikeStart;
    private long spikeStartSeenNanos;
    private GridStats atFirstAction;
    private long firstActionNanos;
    private long lastActionNanos;
    private GridStats atSettled;
    private long settledNanos;
    private GridStats atSpikeEnd;
    private long spikeEndSeenNanos;

    /**
     * @param allowance the {@code kv} near-cache allowance, or {@code null} without hot-key handling
     * @param startNanos the start of the load, {@link System#nanoTime()}
     * @param startEpochMillis the same moment on the wall clock (the grid stamps actions with it)
     */
    HotKeyWatch(SlotGrid grid, NearCacheAllowance allowance, ViolationLog violations, Spike spike, String celebrityKey,
            long startNanos, long startEpochMillis) {
        this.grid = grid;
        this.allowance = allowance;
        this.violations = violations;
        this.spike = spike;
        this.celebrityKey = celebrityKey;
        this.startNanos = startNanos;
        this.startEpochMillis = startEpochMillis;
    }

    /** Reads the grid's hot-key actions, takes the skew snapshots that are due, settles deferred stale reads. */
    void poll() {
        long now = System.nanoTime();
        HotKeyStats stats = grid.hotKeyStats();
        maxSalted = Math.max(maxSalted, stats.saltedKeys());
        maxNearCached = Math.max(maxNearCached, stats.nearCachedKeys());
        snapshots(now);
        List<HotKeyAction> recent = stats.actions();
        int from = 0;
        if (lastSeen != null) {
            from = recent.lastIndexOf(lastSeen) + 1;
            if (from == 0 && !recent.isEmpty()) {
                actionsMayBeMissing = true; // rotated past the last one seen: some may have been dropped
            }
        }
        for (HotKeyAction action : recent.subList(from, recent.size())) {
            take(action, now);
        }
        if (!recent.isEmpty()) {
            lastSeen = recent.get(recent.size() - 1);
        }
        snapshots(now);
        if (allowance != null) {
            allowance.resolve(false, violations);
        }
    }

    private void take(HotKeyAction action, long now) {
        String key = String.valueOf(action.key());
        String type = action.type().name();
        boolean celebrity = key.equals(celebrityKey);
        actionsTotal++;
        actionsByType.merge(type, 1L, Long::sum);
        if (actions.size() < MAX_ACTIONS_KEPT) {
            actions.add(new Action((action.epochMillis() - startEpochMillis) / 1e3, type, action.mapName(), key,
                    action.detail(), action.automatic(), celebrity));
        }
        String mapKey = action.mapName() + "/" + key;
        switch (action.type()) {
            case NEAR_CACHE_ON -> {
                nearCachedKeys.add(mapKey);
                if (action.mapName().equals("kv") && allowance != null) {
                    int item = itemOf(key);
                    if (item >= 0) {
                        allowance.markNearCached(item);
                    }
                } else if (action.mapName().equals("counters")) {
                    counterKeysNearCached.add(key);
                }
            }
            case NEAR_CACHE_OFF -> nearCachedKeys.remove(mapKey);
            case SALTED -> {
                if (action.mapName().equals("counters")) {
                    saltedCounters.add(key);
                }
            }
            case UNSALTED -> saltedCounters.remove(key);
            default -> {
                // DETECTED: counted and listed only
            }
        }
        boolean acted = action.type() == HotKeyAction.Type.SALTED || action.type() == HotKeyAction.Type.NEAR_CACHE_ON;
        if (celebrity && acted && spike.isActive(now)) {
            if (atFirstAction == null && atSpikeStart != null) {
                atFirstAction = grid.stats();
                firstActionNanos = now;
            }
            lastActionNanos = now;
            atSettled = null; // the "after" window starts after the last action
        }
    }

    private void snapshots(long now) {
        if (spike.redirectShare() <= 0) {
            return;
        }
        if (atSpikeStart == null && now >= spike.startNanos() && now < spike.endNanos()) {
            atSpikeStart = grid.stats();
            spikeStartSeenNanos = now;
        }
        if (atFirstAction != null && atSettled == null && now < spike.endNanos()
                && now - lastActionNanos >= TimeUnit.MILLISECONDS.toNanos(SETTLE_MILLIS)) {
            atSettled = grid.stats();
            settledNanos = now;
        }
        if (atSpikeStart != null && atSpikeEnd == null && now >= spike.endNanos()) {
            atSpikeEnd = grid.stats();
            spikeEndSeenNanos = now;
        }
    }

    /** The load stopped: ends the spike's window if it was still open, and reads the last actions. */
    void loadStopped() {
        poll();
        if (atSpikeStart != null && atSpikeEnd == null) {
            atSpikeEnd = grid.stats();
            spikeEndSeenNanos = System.nanoTime();
        }
    }

    /** The run is over: the last actions, and every stale read still waiting is settled now. */
    void finish() {
        poll();
        if (allowance != null) {
            allowance.resolve(true, violations);
        }
    }

    /** @return the spike's skew before and after the grid acted on the celebrity, or {@code null} without a spike */
    SkewWindows skewWindows() {
        if (atSpikeStart == null || atSpikeEnd == null) {
            return null;
        }
        boolean acted = atFirstAction != null;
        GridStats before = (acted ? atFirstAction : atSpikeEnd).since(atSpikeStart);
        GridStats after = acted && atSettled != null ? atSpikeEnd.since(atSettled) : null;
        return new SkewWindows(seconds(spikeStartSeenNanos), acted ? seconds(firstActionNanos) : Double.NaN,
                after != null ? seconds(settledNanos) : Double.NaN, seconds(spikeEndSeenNanos), before.skew(),
                after != null ? after.skew() : Double.NaN, busiestShare(before),
                after != null ? busiestShare(after) : Double.NaN);
    }

    private static double busiestShare(GridStats interval) {
        long max = 0;
        for (NodeStats node : interval.nodes()) {
            max = Math.max(max, node.operationsTotal());
        }
        long total = interval.operationsTotal();
        return total == 0 ? Double.NaN : max / (double) total;
    }

    private double seconds(long nanos) {
        return (nanos - startNanos) / 1e9;
    }

    /** @return the actions seen, oldest first (at most {@value #MAX_ACTIONS_KEPT}) */
    List<Action> actions() {
        return List.copyOf(actions);
    }

    /** @return actions seen by type */
    Map<String, Long> actionsByType() {
        return Map.copyOf(actionsByType);
    }

    long actionsTotal() {
        return actionsTotal;
    }

    boolean actionsMayBeMissing() {
        return actionsMayBeMissing;
    }

    /** @return {@code counters} keys salted now, as far as the actions tell */
    Set<String> saltedCounters() {
        return Set.copyOf(saltedCounters);
    }

    /** @return {@code map/key} of the keys near-cached now, as far as the actions tell */
    Set<String> nearCachedKeys() {
        return Set.copyOf(nearCachedKeys);
    }

    /** @return {@code counters} keys the grid ever near-cached (the counter check allows no staleness) */
    Set<String> counterKeysNearCached() {
        return Set.copyOf(counterKeysNearCached);
    }

    int maxSalted() {
        return maxSalted;
    }

    int maxNearCached() {
        return maxNearCached;
    }

    /** @return the item of a key {@code key:<item>}, or -1 */
    static int itemOf(String key) {
        if (!key.startsWith("key:")) {
            return -1;
        }
        try {
            return Integer.parseInt(key, 4, key.length(), 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
