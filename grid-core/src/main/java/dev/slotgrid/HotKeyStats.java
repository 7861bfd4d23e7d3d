package dev.slotgrid;

import java.util.List;

/**
 * Hot keys, what was done about them, and the counters of the near cache and request coalescing.
 * An immutable snapshot; counters are cumulative since the grid started.
 *
 * @param hotKeys the hottest keys of each node, hottest first per node
 * @param actions the most recent actions, oldest first (at most 256)
 * @param nearCacheHits reads served from a near-cache copy
 * @param nearCacheMisses reads of near-cached keys that went to the owner
 * @param saltedKeys keys salted now
 * @param nearCachedKeys keys near-cached now
 * @param coalescedReads reads that joined an identical read already in flight instead of running
 * @param loads single-flight loads run ({@link GridMap#getOrLoad} loaders and coalesced reads)
 * @param batches batches of requests sent to one node ({@code getAll}, {@code putAll}, async calls)
 * @param batchedRequests requests carried in those batches
 */
public record HotKeyStats(List<HotKeyReport> hotKeys, List<HotKeyAction> actions, long nearCacheHits, long nearCacheMisses,
        int saltedKeys, int nearCachedKeys, long coalescedReads, long loads, long batches, long batchedRequests) {
}
