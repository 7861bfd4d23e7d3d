package dev.slotgrid;

import java.util.Arrays;

/**
 * A {@code byte[]} key as the stores hold it: compared by content. Writes store a private copy so
 * that a caller mutating its array later cannot corrupt the map; reads wrap without copying.
 */
final class ByteArrayKey {

    private final byte[] bytes;
    private final int hash;

    private ByteArrayKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** The key as stored: {@code byte[]} wrapped (copied for a write), anything else as is. */
    static Object storedForm(Object key, boolean write) {
        if (key instanceof byte[]) {
            byte[] bytes = (byte[]) key;
            return new ByteArrayKey(write ? bytes.clone() : bytes);
        }
        return key;
    }

    /** A key decoded from the wire: the bytes are this key's own. */
    static ByteArrayKey wrapping(byte[] bytes) {
        return new ByteArrayKey(bytes);
    }

    /** The key's bytes, not copied: for encoding only. */
    byte[] bytes() {
        return bytes;
    }

    /** The key as a caller sees it: a copy of the bytes for a stored {@code byte[]} key, anything else as is. */
    static Object userForm(Object stored) {
        return stored instanceof ByteArrayKey ? ((ByteArrayKey) stored).bytes.clone() : stored;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteArrayKey && Arrays.equals(bytes, ((ByteArrayKey) o).bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "byte[" + bytes.length + "]";
    }
}
