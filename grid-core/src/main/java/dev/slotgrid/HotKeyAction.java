package dev.slotgrid;

/**
 * Something SlotGrid did about a hot key, automatically or on request.
 *
 * @param epochMillis when, wall-clock milliseconds
 * @param type what
 * @param mapName the key's map
 * @param key the key, as stored ({@code byte[]} keys appear wrapped)
 * @param detail numbers behind the decision (rate, share, parts)
 * @param automatic {@code true} if the policy decided, {@code false} if an API call asked
 */
public record HotKeyAction(long epochMillis, Type type, String mapName, Object key, String detail, boolean automatic) {

    /** The kinds of action. */
    public enum Type {
        /** The key became hot (first seen over the threshold). */
        DETECTED,
        /** Every node serves the key from a near-cache copy. */
        NEAR_CACHE_ON,
        /** The near cache of the key ended. */
        NEAR_CACHE_OFF,
        /** The key was split into parts, or its part count changed. */
        SALTED,
        /** The key's parts were folded back into one entry. */
        UNSALTED
    }
}
