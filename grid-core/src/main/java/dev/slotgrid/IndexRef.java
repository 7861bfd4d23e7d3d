package dev.slotgrid;

/**
 * A base key as a GLOBAL index entry names it: the key in its stored form and its own (natural)
 * slot, so that the entry can be re-checked without hashing the key again; routing from the
 * natural slot finds a key that is pinned elsewhere. Equal when the keys are equal.
 *
 * @param key the base key, stored form
 * @param slot its natural slot
 */
record IndexRef(Object key, int slot) {

    @Override
    public boolean equals(Object o) {
        return o instanceof IndexRef other && key.equals(other.key);
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
