package dev.slotgrid;

/**
 * A base key as a GLOBAL index entry names it: the key in its stored form and its own (natural)
 * slot, so that the entry can be re-checked without hashing the key again; routing from the
 * natural slot finds a key that is pinned elsewhere. Equal when the keys are equal.
 */
final class IndexRef {

    final Object key;
    final int slot;

    IndexRef(Object key, int slot) {
        this.key = key;
        this.slot = slot;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexRef && key.equals(((IndexRef) o).key);
    }

    @Override
    public int hashCode() {
        return key.hashCode();
    }

    @Override
    public String toString() {
        return String.valueOf(ByteArrayKey.userForm(key));
    }
}
