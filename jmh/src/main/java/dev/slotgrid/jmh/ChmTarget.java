package dev.slotgrid.jmh;

import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ConcurrentHashMap}: the ceiling for an in-memory local read. As {@code chm-owner-keys} it
 * holds only the keys {@code slotgrid-local} holds, which sit further apart in memory (a third of
 * the candidate keys), to tell that effect from the grid's.
 */
final class ChmTarget implements MapTarget {

    static final String NAME = "chm";
    static final String OWNER_KEYS = "chm-owner-keys";

    private final ConcurrentHashMap<String, Long> map = new ConcurrentHashMap<>();
    private final boolean ownerKeysOnly;

    ChmTarget(boolean ownerKeysOnly) {
        this.ownerKeysOnly = ownerKeysOnly;
    }

    @Override
    public boolean accepts(String key) {
        return !ownerKeysOnly || OwnerKeys.accepts(key);
    }

    @Override
    public void load(String[] keys, Long[] values) {
        for (int i = 0; i < keys.length; i++) {
            map.put(keys[i], values[i]);
        }
    }

    @Override
    public Long get(String key) {
        return map.get(key);
    }

    @Override
    public Long put(String key, Long value) {
        return map.put(key, value);
    }

    @Override
    public void close() {
        map.clear();
    }
}
