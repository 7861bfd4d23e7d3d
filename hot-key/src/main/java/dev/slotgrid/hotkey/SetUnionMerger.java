package dev.slotgrid.hotkey;

import dev.slotgrid.spi.Merger;
import java.util.HashSet;
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
        if (b.isEmpty() || a.containsAll(b)) {
            return a;
        }
        if (a.isEmpty()) {
            return b;
        }
        Set<Object> union = new HashSet<>(a);
        union.addAll(b);
        return Set.copyOf(union);
    }
}
