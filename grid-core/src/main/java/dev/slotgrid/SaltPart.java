package dev.slotgrid;

/**
 * The stored key of one part of a salted key: an ordinary entry of the key's map, in the slot the
 * salted key chose for that part, so that it migrates like any other entry.
 *
 * @param key the salted key, as stored
 * @param part the part index
 */
record SaltPart(Object key, int part) {
}
