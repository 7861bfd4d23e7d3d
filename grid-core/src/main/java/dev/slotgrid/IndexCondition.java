package dev.slotgrid;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * The index part of a query: equality with one of a set of values ({@code eq}, {@code in}) or a
 * range. Immutable. {@link #matches} is the re-check a candidate's current value must pass.
 */
record IndexCondition(List<Object> values, Object from, boolean fromInclusive, Object to, boolean toInclusive) {

    static IndexCondition in(java.util.Collection<?> values) {
        Require.noNulls(values, "values");
        LinkedHashSet<Object> distinct = new LinkedHashSet<>(values);
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("an 'in' condition needs at least one value");
        }
        return new IndexCondition(List.copyOf(distinct), null, false, null, false);
    }

    static IndexCondition range(Object from, boolean fromInclusive, Object to, boolean toInclusive) {
        for (Object bound : new Object[] {from, to}) {
            if (bound != null && !(bound instanceof Comparable)) {
                throw new IllegalArgumentException("range bounds must be Comparable, was " + bound.getClass().getName());
            }
        }
        if (from != null && to != null && from.getClass() != to.getClass()) {
            throw new IllegalArgumentException("range bounds must be of one class, were " + from.getClass().getName()
                    + " and " + to.getClass().getName());
        }
        return new IndexCondition(null, from, fromInclusive, to, toInclusive);
    }

    boolean isRange() {
        return values == null;
    }

    /** Whether one index value satisfies the condition. */
    boolean matches(Object indexValue) {
        if (values != null) {
            return values.contains(indexValue);
        }
        if (from != null) {
            if (from.getClass() != indexValue.getClass()) {
                return false;
            }
            int c = IndexOrder.INSTANCE.compare(indexValue, from);
            if (c < 0 || (c == 0 && !fromInclusive)) {
                return false;
            }
        }
        if (to != null) {
            if (to.getClass() != indexValue.getClass()) {
                return false;
            }
            int c = IndexOrder.INSTANCE.compare(indexValue, to);
            return c < 0 || (c == 0 && toInclusive);
        }
        return true;
    }

    /** Whether any of an entry's index values satisfies the condition. */
    boolean matchesAny(Object[] indexValues) {
        for (Object value : indexValues) {
            if (matches(value)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        if (values != null) {
            return values.size() == 1 ? "= " + values.get(0) : "in " + values;
        }
        return (fromInclusive ? "[" : "(") + (from == null ? "-inf" : from) + ", " + (to == null ? "+inf" : to)
                + (toInclusive ? "]" : ")");
    }
}
