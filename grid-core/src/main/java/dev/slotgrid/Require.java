package dev.slotgrid;

import java.util.Collection;

/**
 * Argument checks for collections, whose messages name the argument and the position of a bad
 * element ({@code "keys must not contain null (at index 1)"}). Single values are checked in place
 * with {@link java.util.Objects#requireNonNull(Object, String)} and a constant message, which costs
 * no allocation on the hot path; these checks are for batch calls, before anything runs.
 */
final class Require {

    private Require() {
    }

    /**
     * Returns {@code values} after checking that it and every element are non-null.
     *
     * @param name the argument's name, for the message
     * @throws NullPointerException naming {@code name}, and the position of the first {@code null} element
     */
    static <C extends Collection<?>> C noNulls(C values, String name) {
        if (values == null) {
            throw new NullPointerException(name + " must not be null");
        }
        int i = 0;
        for (Object value : values) {
            if (value == null) {
                throw new NullPointerException(name + " must not contain null (at index " + i + ")");
            }
            i++;
        }
        return values;
    }

    /** A key as a message shows it: {@code byte[]} by its length, long text cut at 200 characters. */
    static String describe(Object key) {
        String text = key instanceof byte[] ? "byte[" + ((byte[]) key).length + "]" : String.valueOf(key);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
