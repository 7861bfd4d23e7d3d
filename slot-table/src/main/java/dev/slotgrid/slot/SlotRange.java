package dev.slotgrid.slot;

/**
 * A contiguous, inclusive range of slots, as Redis prints them ({@code 0-5460}).
 *
 * @param first the first slot
 * @param last the last slot, {@code >= first}
 */
public record SlotRange(int first, int last) {

    /**
     * Validates the range.
     *
     * @throws IllegalArgumentException if the bounds are out of order or out of {@code [0, 16384)}
     */
    public SlotRange {
        if (first < 0 || last >= SlotTable.SLOTS || first > last) {
            throw new IllegalArgumentException("bad slot range " + first + "-" + last);
        }
    }

    /**
     * The number of slots in the range.
     *
     * @return {@code last - first + 1}
     */
    public int size() {
        return last - first + 1;
    }

    @Override
    public String toString() {
        return first == last ? Integer.toString(first) : first + "-" + last;
    }
}
