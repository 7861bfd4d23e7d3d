package dev.slotgrid.jmh;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The data a map benchmark replays: its keys, their values, and a precomputed sequence of key
 * indexes (uniform or scrambled Zipfian) that every thread walks from its own starting point, so
 * that drawing a key costs one array read inside the measured loop.
 */
final class KeySets {

    /** Length of a key sequence: a power of two, so a cursor wraps with a mask. */
    static final int SEQUENCE_LENGTH = 1 << 20;
    static final int SEQUENCE_MASK = SEQUENCE_LENGTH - 1;

    /** Fixed seeds: every run and every implementation replays the same keys in the same order. */
    private static final long SEQUENCE_SEED = 20261121L;
    private static final long MIX_SEED = 4242L;

    /** Looked at at most this many candidates per wanted key before giving up (a predicate that rejects all). */
    private static final int MAX_CANDIDATES_PER_KEY = 64;

    private KeySets() {
    }

    /** The text of candidate key {@code i}: 15 ASCII characters, like a typical service's ids. */
    static String candidate(int i) {
        return String.format("user:%010d", i);
    }

    /**
     * The first {@code size} candidate keys that {@code accepted} takes.
     *
     * @throws IllegalStateException if too few candidates are accepted
     */
    static String[] keys(int size, Predicate<String> accepted) {
        String[] keys = new String[size];
        int found = 0;
        long limit = (long) size * MAX_CANDIDATES_PER_KEY;
        for (int i = 0; found < size && i < limit; i++) {
            String key = candidate(i);
            if (accepted.test(key)) {
                keys[found++] = key;
            }
        }
        if (found < size) {
            throw new IllegalStateException("only " + found + " of " + limit + " candidate keys were accepted; "
                    + size + " wanted");
        }
        return keys;
    }

    /** One distinct {@code Long} per key (no small-value cache sharing), value {@code i} for key {@code i}. */
    static Long[] values(int size) {
        Long[] values = new Long[size];
        for (int i = 0; i < size; i++) {
            values[i] = Long.valueOf(1_000_000L + i);
        }
        return values;
    }

    /**
     * A sequence of {@link #SEQUENCE_LENGTH} key indexes in {@code [0, size)}.
     *
     * @param distribution {@code "uniform"} or {@code "zipfian"} (scrambled, theta 0.99)
     */
    static int[] sequence(String distribution, int size) {
        int[] sequence = new int[SEQUENCE_LENGTH];
        switch (distribution) {
            case "uniform": {
                SplittableRandom random = new SplittableRandom(SEQUENCE_SEED);
                Arrays.setAll(sequence, i -> random.nextInt(size));
                break;
            }
            case "zipfian": {
                ScrambledZipfianGenerator zipfian = new ScrambledZipfianGenerator(size, SEQUENCE_SEED);
                Arrays.setAll(sequence, i -> zipfian.nextInt());
                break;
            }
            default:
                throw new IllegalArgumentException("unknown key distribution '" + distribution
                        + "'; known: uniform, zipfian");
        }
        return sequence;
    }

    /**
     * Which steps of a sequence are writes: {@code writePercent} of them, at random places (so that
     * the branch is as unpredictable as in a real mix).
     */
    static boolean[] writes(int writePercent) {
        SplittableRandom random = new SplittableRandom(MIX_SEED);
        boolean[] writes = new boolean[SEQUENCE_LENGTH];
        for (int i = 0; i < writes.length; i++) {
            writes[i] = random.nextInt(100) < writePercent;
        }
        return writes;
    }
}
