package dev.slotgrid.jmh;

import net.openhft.chronicle.map.ChronicleMap;

/**
 * Chronicle Map, off-heap and in-process (not persisted): keys and values are serialized into
 * native memory on {@code put} and deserialized into a new {@code Long} on {@code get}.
 */
final class ChronicleTarget implements MapTarget {

    static final String NAME = "chronicle";

    private final int size;
    private ChronicleMap<String, Long> map;

    ChronicleTarget(int size) {
        this.size = size;
    }

    @Override
    public void load(String[] keys, Long[] values) {
        map = ChronicleMap.of(String.class, Long.class)
                .name("slotgrid-jmh")
                .averageKey(keys[0])
                .entries(Math.max(size, keys.length))
                .create();
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
        if (map != null) {
            map.close();
        }
    }
}
