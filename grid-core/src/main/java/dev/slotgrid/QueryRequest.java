package dev.slotgrid;

import java.util.Comparator;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * One member's share of a scatter-gather query: the slots it owned in the table the query started
 * with, a time budget, and what to do in each slot (docs/architecture.md, "Secondary indexes").
 */
sealed interface QueryRequest extends Request permits QueryRequest.ScanFragment, QueryRequest.ScanFragmentWithFunctions {

    QuerySpec spec();

    int[] slots();

    long budgetNanos();

    default BiPredicate<Object, Object> filter() {
        return null;
    }

    default Comparator<Object> order() {
        return null;
    }

    /**
     * What every slot does: scan a map's entries, or a LOCAL index's candidates ({@code indexId} >= 0,
     * each re-checked against its entry) matching {@code condition}; count them or keep up to
     * {@code limit}.
     */
    record QuerySpec(int mapId, int indexId, IndexCondition condition, boolean countOnly, int limit) {
    }

    /** A fragment whose filter and order stay with the caller (or that has none): plain data. */
    record ScanFragment(QuerySpec spec, int[] slots, long budgetNanos) implements QueryRequest {
    }

    /** A fragment with the caller's filter and order pushed down by reference: in-JVM only. */
    record ScanFragmentWithFunctions(QuerySpec spec, int[] slots, long budgetNanos, BiPredicate<Object, Object> filter,
            Comparator<Object> order) implements QueryRequest, Request.InProcess {
    }

    /**
     * A member's answer: matches (keys in stored form), their count, the slots answered, those it no
     * longer serves ({@code moved}), and whether its budget ran out first.
     */
    record Fragment(List<Object> keys, List<Object> values, long count, int answered, int[] moved, boolean outOfTime) {
    }
}
