package dev.slotgrid;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of a {@link GridQuery}. Immutable and thread-safe.
 *
 * <p>Every entry was re-checked against the base entry on its owner when the query read it: it
 * matched the index condition and the filter at that moment (a stale index entry never produces a
 * wrong result). Under concurrent writes the result is weakly consistent: an entry written while
 * the query runs may or may not be in it.
 *
 * @param entries the matching entries: at most the limit, ordered by the query's comparator if it
 *     has one, else in no particular order; empty for {@link GridQuery#count()}
 * @param count the number of matches found (for {@link GridQuery#count()} the total; otherwise the
 *     number of entries)
 * @param slotsAnswered the slots whose answer is included
 * @param slotsQueried the slots the query asked: 16384 for a scatter-gather, 1 for a query that
 *     names its partition key, the distinct index slots for a GLOBAL index lookup
 * @param nodesTimedOut the nodes that did not answer all their slots within the per-node budget, or
 *     could not be reached
 * @param slotsLost the slots the query could not read because their data died with their owner
 *     (see {@link SlotLostException}), ascending; they count as not answered
 * @param plan how the query ran, for operators: for example {@code "LOCAL index 'by-city'
 *     scatter-gather over 3 nodes"} or {@code "GLOBAL index 'by-email': 1 index slot"}
 * @param <K> the key type
 * @param <V> the value type
 */
public record QueryResult<K, V>(List<Map.Entry<K, V>> entries, long count, int slotsAnswered, int slotsQueried,
        List<String> nodesTimedOut, List<Integer> slotsLost, String plan) {

    /**
     * A result with no lost slots.
     *
     * @throws NullPointerException if a list or one of its elements, or the plan, is {@code null}
     */
    public QueryResult(List<Map.Entry<K, V>> entries, long count, int slotsAnswered, int slotsQueried,
            List<String> nodesTimedOut, String plan) {
        this(entries, count, slotsAnswered, slotsQueried, nodesTimedOut, List.of(), plan);
    }

    /**
     * Copies the lists.
     *
     * @throws NullPointerException if a list or one of its elements, or the plan, is {@code null}
     */
    public QueryResult {
        entries = List.copyOf(Require.noNulls(entries, "entries"));
        nodesTimedOut = List.copyOf(Require.noNulls(nodesTimedOut, "nodesTimedOut"));
        slotsLost = List.copyOf(Require.noNulls(slotsLost, "slotsLost"));
        Objects.requireNonNull(plan, "plan must not be null");
    }

    /** @return {@code true} if every slot the query asked answered */
    public boolean isComplete() {
        return slotsAnswered == slotsQueried;
    }

    /** @return the keys of {@link #entries()}, in the same order */
    public List<K> keys() {
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    /** @return the values of {@link #entries()}, in the same order */
    public List<V> values() {
        return entries.stream().map(Map.Entry::getValue).toList();
    }
}
