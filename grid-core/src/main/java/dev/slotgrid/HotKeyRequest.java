package dev.slotgrid;

/**
 * The hot-key policy's messages to every member (docs/architecture.md, "Hot keys and load"): what
 * it reads (each member's top keys and counters) and what it changes (mergers, near-cached keys,
 * salted keys' shapes and folds, invalidations after writes).
 */
sealed interface HotKeyRequest extends Request permits HotKeyRequest.TopKeys, HotKeyRequest.DeclareMerger,
        HotKeyRequest.SetNearCached, HotKeyRequest.InvalidateNear, HotKeyRequest.SaltChange, HotKeyRequest.SaltFold,
        HotKeyRequest.Counters {

    /** Replies the member's {@code n} hottest keys it executed ({@link HotKeys}), newest window. */
    record TopKeys(int n) implements HotKeyRequest {
    }

    /** A member's hottest keys. */
    record HotKeys(java.util.List<dev.slotgrid.hotkey.HotKey> keys) {
    }

    /** A map is mergeable with the named merger from now on. Replies {@code null}. */
    record DeclareMerger(int mapId, String merger) implements HotKeyRequest {
    }

    /** A key (stored form) is near-cached by every member's entry side from now on, or no longer. Replies {@code null}. */
    record SetNearCached(int mapId, Object key, boolean on) implements HotKeyRequest {
    }

    /**
     * A near-cached key was written: the member drops its near-cached copy and the reads of it in
     * flight. Sent to every member before the write returns. Replies {@code null}.
     */
    record InvalidateNear(int mapId, Object key) implements HotKeyRequest {
    }

    /**
     * A salted key's next shape, the same transformation on every member: {@code CREATE} with
     * {@code slots}, {@code WRITE_PARTS} to {@code parts} with {@code slots} added, {@code TRIM} the
     * folded parts, {@code DROP} the key. The member replies once no writer of its older shape is left.
     */
    record SaltChange(int mapId, Object key, int kind, int parts, int[] slots) implements HotKeyRequest {
        static final int CREATE = 0;
        static final int WRITE_PARTS = 1;
        static final int TRIM = 2;
        static final int DROP = 3;
    }

    /** A fold of a salted key's parts begins or ends: the member's readers that overlap it retry. Replies {@code null}. */
    record SaltFold(int mapId, Object key, boolean begin) implements HotKeyRequest {
    }

    /** Replies the member's {@link HotKeyCounts}. */
    record Counters() implements HotKeyRequest {
    }

    /** A member's near-cache, coalescing and batching counters. */
    record HotKeyCounts(long nearCacheHits, long nearCacheMisses, long coalesced, long loads, long batches,
            long batchedRequests) {
    }
}
