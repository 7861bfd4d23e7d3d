package dev.slotgrid.hotkey;

import dev.slotgrid.spi.Merger;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code "set-union"} merger: sets. {@code merge(a, b)} is a new unmodifiable set holding both;
 * its arguments are never modified. Thread-safe, stateless. Cost: linear in both sizes.
 */
public final class SetUnionMerger implements Merger<Set<?>> {

    /** The name this merger is registered under. */
    public static final String NAME = "set-union";

    /** Creates the merger; instances are interchangeable. */
    public SetUnionMerger() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<?> merge(Set<?> a, Set<?> b) {
        Objects.requireNonNull(a, "set-union: a must not be null");
        Objects.requireNonNull(b, "set-union: b must not be null");
        for (Object element : b) { // before containsAll, which a Set.of set answers with a bare NPE for null
            if (element == null) {
                throw new NullPointerException("set-union: the sets must not contain null");
            }
        }
        if (b.isEmpty() || a.containsAll(b)) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<Object> union = new HashSet<>(a);
        union.addAll(b);
        if (union.contains(null)) { // from a
            throw new NullPointerException("set-union: the sets must not contain null");
        }
        return Set.copyOf(union);
    }
}
