package dev.slotgrid;

import java.util.Arrays;

/**
 * The value of one GLOBAL index entry (its key is the index value): the base keys that hold the
 * index value. Immutable: every change is a new object stored by an atomic update of the entry, so
 * entries migrate with their slot like any other value.
 *
 * <p>For a unique index an entry names one key, and may be a <em>pending</em> claim: a writer of
 * that key has reserved the value inside its base write and has not confirmed it yet. Another key
 * that wants the value waits for the claim to be confirmed or released (see {@link IndexManager}).
 */
final class GlobalEntry {

    final IndexRef[] refs;
    final boolean pending;

    private GlobalEntry(IndexRef[] refs, boolean pending) {
        this.refs = refs;
        this.pending = pending;
    }

    static GlobalEntry claim(IndexRef ref, boolean pending) {
        return new GlobalEntry(new IndexRef[] {ref}, pending);
    }

    /** The unique holder (the first key for a non-unique entry). */
    IndexRef holder() {
        return refs[0];
    }

    boolean names(IndexRef ref) {
        for (IndexRef r : refs) {
            if (r.equals(ref)) {
                return true;
            }
        }
        return false;
    }

    /** {@code entry} with {@code ref} added; {@code entry} may be {@code null}. */
    static GlobalEntry with(GlobalEntry entry, IndexRef ref) {
        if (entry == null) {
            return claim(ref, false);
        }
        if (entry.names(ref)) {
            return entry;
        }
        IndexRef[] more = Arrays.copyOf(entry.refs, entry.refs.length + 1);
        more[entry.refs.length] = ref;
        return new GlobalEntry(more, false);
    }

    /** {@code entry} without {@code ref}; {@code null} when nothing is left. */
    static GlobalEntry without(GlobalEntry entry, IndexRef ref) {
        if (entry == null || !entry.names(ref)) {
            return entry;
        }
        if (entry.refs.length == 1) {
            return null;
        }
        IndexRef[] fewer = new IndexRef[entry.refs.length - 1];
        int n = 0;
        for (IndexRef r : entry.refs) {
            if (!r.equals(ref)) {
                fewer[n++] = r;
            }
        }
        return new GlobalEntry(fewer, false);
    }

    @Override
    public String toString() {
        return (pending ? "pending" : "") + Arrays.toString(refs);
    }
}
