package dev.slotgrid.jmh;

/**
 * A started implementation loaded with its keys, and the sequence of key indexes that every thread
 * replays (from its own {@link Cursor}). Built once per trial; read-only afterwards, so safe to
 * share between the benchmark's threads.
 */
final class Workload implements AutoCloseable {

    private final MapTarget target;
    private final String[] keys;
    private final Long[] values;
    private final int[] sequence;

    private Workload(MapTarget target, String[] keys, Long[] values, int[] sequence) {
        this.target = target;
        this.keys = keys;
        this.values = values;
        this.sequence = sequence;
    }

    /**
     * Starts {@code impl}, picks {@code size} keys it accepts, loads them and draws the sequence.
     *
     * @param impl one of {@link MapTarget#NAMES}
     * @param distribution {@code uniform} or {@code zipfian}
     * @param size the number of keys
     * @return the loaded workload; close it to stop the implementation
     */
    static Workload start(String impl, String distribution, int size) {
        MapTarget target = MapTarget.start(impl, size);
        try {
            String[] keys = KeySets.keys(size, target::accepts);
            Long[] values = KeySets.values(size);
            target.load(keys, values);
            return new Workload(target, keys, values, KeySets.sequence(distribution, size));
        } catch (RuntimeException | Error e) {
            target.close();
            throw e;
        }
    }

    MapTarget target() {
        return target;
    }

    /** Reads the key at {@code step} of the sequence. */
    Long get(int step) {
        return target.get(keys[sequence[step]]);
    }

    /** Overwrites the key at {@code step} of the sequence with its (unchanged) value. */
    Long put(int step) {
        int key = sequence[step];
        return target.put(keys[key], values[key]);
    }

    @Override
    public void close() {
        target.close();
    }
}
