package dev.slotgrid;

/**
 * The key of one entry of a non-unique GLOBAL index: an index value (in its stored form) and a base
 * key that holds it. The entry lives in the slot of the index value, so every key holding a value
 * sits in one slot, and an exact-match query reads that slot alone; the entry's value is the
 * {@link IndexRef} itself. One entry per pair keeps an update O(1) for a value held by millions of
 * keys (a value's key list in one entry would be copied on every change).
 */
record GlobalPair(Object value, IndexRef ref) {
}
