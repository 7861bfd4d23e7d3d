package dev.slotgrid;

import dev.slotgrid.spi.Partitioner;
import dev.slotgrid.spi.StoreProvider;
import java.time.Duration;

/**
 * What every member of one grid is configured with, fixed when the grid starts: the same on every
 * member (across processes too, where each member's builder must agree).
 *
 * @param gridName for thread names, logs and JMX
 * @param partitioner key to slot
 * @param storeProvider the slot stores
 * @param plugins extractors, mergers and entry processors by name
 * @param maxRedirects MOVED redirects one call follows before it fails
 * @param cutoverTimeoutNanos how long a write retries a sealed slot before it fails
 * @param batching whether asynchronous single-key calls travel in per-owner batches
 * @param hotKeyDetection whether each member samples the keys it executes
 * @param nearCacheTtl how long a near-cached copy may be read
 * @param indexOutboxCapacity GLOBAL index updates a member's outbox holds before writers wait
 * @param backups copies of each slot besides its owner's, each write confirmed by all of them
 */
record GridConfig(String gridName, Partitioner partitioner, StoreProvider storeProvider, GridPlugins plugins,
        int maxRedirects, long cutoverTimeoutNanos, boolean batching, boolean hotKeyDetection, Duration nearCacheTtl,
        int indexOutboxCapacity, int backups) {

    int slotOf(Object key) {
        return Partitioner.checkedSlotOf(partitioner, key);
    }
}
