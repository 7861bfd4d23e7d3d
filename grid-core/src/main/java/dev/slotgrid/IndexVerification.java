package dev.slotgrid;

import java.util.List;

/**
 * What {@link SlotGrid#verifyIndex} found when it recomputed an index from the base data.
 * Immutable and thread-safe.
 *
 * @param map the indexed map
 * @param index the index
 * @param kind its kind
 * @param baseEntries base entries read
 * @param expectedPairs (index value, key) pairs the base data implies
 * @param missing pairs the base data implies and the index lacks
 * @param stale pairs the index holds and the base data does not imply
 * @param duplicates for a unique index, index values that more than one key holds
 * @param samples up to 10 descriptions of differences, for a human
 */
public record IndexVerification(String map, String index, IndexKind kind, long baseEntries, long expectedPairs,
        long missing, long stale, long duplicates, List<String> samples) {

    /**
     * Copies the list.
     *
     * @throws NullPointerException if {@code samples} or one of its elements is {@code null}
     */
    public IndexVerification {
        samples = List.copyOf(Require.noNulls(samples, "samples"));
    }

    /** @return {@code true} if the index equals its recomputation */
    public boolean consistent() {
        return missing == 0 && stale == 0 && duplicates == 0;
    }
}
