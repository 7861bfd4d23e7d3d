package dev.slotgrid;

import java.time.Duration;
import java.util.Objects;

/**
 * When SlotGrid acts on a hot key by itself, and how. Immutable; build from {@link #defaults()}
 * with the {@code with...} methods, each of which validates its value and names it when wrong.
 *
 * <p>A key is hot on a node when its share of the operations that node executed recently is at
 * least {@link #shareThreshold()} and its rate at least {@link #minOpsPerSecond()}. Then:
 * <ul>
 *   <li>if at least {@link #nearCacheReadFraction()} of its operations are reads, every node serves
 *       it from a near-cache copy at most {@link #nearCacheTtl()} old (a write invalidates the
 *       copies at once; a reader can see a value up to the TTL old when a write races its load);
 *   <li>otherwise, if its map is mergeable ({@link SlotGrid#declareMergeable}), it is salted into
 *       up to {@link #maxSaltParts()} parts on distinct nodes.
 * </ul>
 * A key whose rate over all nodes falls under half of {@link #minOpsPerSecond()}, or whose share
 * on every node falls under half of {@link #shareThreshold()}, for {@link #cooldown()} returns to
 * normal.
 */
public final class HotKeyPolicy {

    private final double shareThreshold;
    private final double minOpsPerSecond;
    private final double nearCacheReadFraction;
    private final Duration nearCacheTtl;
    private final int maxSaltParts;
    private final Duration cooldown;

    private HotKeyPolicy(double shareThreshold, double minOpsPerSecond, double nearCacheReadFraction, Duration nearCacheTtl,
            int maxSaltParts, Duration cooldown) {
        this.shareThreshold = shareThreshold;
        this.minOpsPerSecond = minOpsPerSecond;
        this.nearCacheReadFraction = nearCacheReadFraction;
        this.nearCacheTtl = nearCacheTtl;
        this.maxSaltParts = maxSaltParts;
        this.cooldown = cooldown;
    }

    /**
     * Share 0.1, 1,000 ops/s, near cache for keys with 90% reads and a 2 s TTL, salting over as many
     * parts as nodes (at most 16), cooldown 5 s.
     *
     * @return the default policy
     */
    public static HotKeyPolicy defaults() {
        return new HotKeyPolicy(0.1, 1_000, 0.9, Duration.ofSeconds(2), 16, Duration.ofSeconds(5));
    }

    /**
     * @param share a key's least share of a node's operations to be hot, in {@code (0, 1]}
     * @return a policy with that threshold
     */
    public HotKeyPolicy withShareThreshold(double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("hot-key shareThreshold must be in (0, 1], was " + share);
        }
        return new HotKeyPolicy(share, minOpsPerSecond, nearCacheReadFraction, nearCacheTtl, maxSaltParts, cooldown);
    }

    /**
     * @param opsPerSecond a key's least rate to be hot, positive
     * @return a policy with that rate
     */
    public HotKeyPolicy withMinOpsPerSecond(double opsPerSecond) {
        if (!(opsPerSecond > 0)) {
            throw new IllegalArgumentException("hot-key minOpsPerSecond must be positive, was " + opsPerSecond);
        }
        return new HotKeyPolicy(shareThreshold, opsPerSecond, nearCacheReadFraction, nearCacheTtl, maxSaltParts, cooldown);
    }

    /**
     * @param fraction the least share of reads for a hot key to be near-cached, in {@code [0, 1]}
     * @return a policy with that fraction
     */
    public HotKeyPolicy withNearCacheReadFraction(double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("hot-key nearCacheReadFraction must be in [0, 1], was " + fraction);
        }
        return new HotKeyPolicy(shareThreshold, minOpsPerSecond, fraction, nearCacheTtl, maxSaltParts, cooldown);
    }

    /**
     * @param ttl the longest a near-cache copy is served, 1 ms to 1 hour
     * @return a policy with that TTL
     */
    public HotKeyPolicy withNearCacheTtl(Duration ttl) {
        Objects.requireNonNull(ttl, "nearCacheTtl must not be null");
        if (ttl.toMillis() < 1 || ttl.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("hot-key nearCacheTtl must be between 1 ms and 1 hour, was " + ttl);
        }
        return new HotKeyPolicy(shareThreshold, minOpsPerSecond, nearCacheReadFraction, ttl, maxSaltParts, cooldown);
    }

    /**
     * @param parts the most parts a salted key is split into, 2 to 256 (and never more than nodes)
     * @return a policy with that cap
     */
    public HotKeyPolicy withMaxSaltParts(int parts) {
        if (parts < 2 || parts > 256) {
            throw new IllegalArgumentException("hot-key maxSaltParts must be between 2 and 256, was " + parts);
        }
        return new HotKeyPolicy(shareThreshold, minOpsPerSecond, nearCacheReadFraction, nearCacheTtl, parts, cooldown);
    }

    /**
     * @param time how long a key stays cool before its near cache or salting ends, 100 ms to 1 hour
     * @return a policy with that cooldown
     */
    public HotKeyPolicy withCooldown(Duration time) {
        Objects.requireNonNull(time, "cooldown must not be null");
        if (time.toMillis() < 100 || time.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("hot-key cooldown must be between 100 ms and 1 hour, was " + time);
        }
        return new HotKeyPolicy(shareThreshold, minOpsPerSecond, nearCacheReadFraction, nearCacheTtl, maxSaltParts, time);
    }

    /** @return the least share of a node's operations for a key to be hot */
    public double shareThreshold() {
        return shareThreshold;
    }

    /** @return the least rate for a key to be hot */
    public double minOpsPerSecond() {
        return minOpsPerSecond;
    }

    /** @return the least read share for a hot key to be near-cached */
    public double nearCacheReadFraction() {
        return nearCacheReadFraction;
    }

    /** @return the near cache's TTL */
    public Duration nearCacheTtl() {
        return nearCacheTtl;
    }

    /** @return the cap on salt parts */
    public int maxSaltParts() {
        return maxSaltParts;
    }

    /** @return the cooldown */
    public Duration cooldown() {
        return cooldown;
    }

    @Override
    public String toString() {
        return "HotKeyPolicy{share>=" + shareThreshold + ", >=" + minOpsPerSecond + " ops/s, nearCache reads>="
                + nearCacheReadFraction + " ttl " + nearCacheTtl + ", salt<=" + maxSaltParts + " parts, cooldown " + cooldown + "}";
    }
}
