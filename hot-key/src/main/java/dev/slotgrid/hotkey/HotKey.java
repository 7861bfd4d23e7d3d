package dev.slotgrid.hotkey;

/**
 * A key found hot by {@link HeavyHitters}: its estimated traffic over the recent window.
 *
 * @param namespace the key's namespace as recorded (SlotGrid records a map's id)
 * @param key the key, as recorded
 * @param opsPerSecond the estimated operations per second on the key
 * @param share the key's estimated share of all operations recorded, in {@code [0, 1]}
 * @param readFraction the share of those operations that were reads, in {@code [0, 1]}
 */
public record HotKey(int namespace, Object key, double opsPerSecond, double share, double readFraction) {

    /** @return {@code true} if at least half of the key's operations are reads */
    public boolean readMostly() {
        return readFraction >= 0.5;
    }
}
