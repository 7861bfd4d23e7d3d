package dev.slotgrid;

/**
 * The value of one entry of a <em>unique</em> GLOBAL index (its key is the index value): the one
 * base key that holds the value. Immutable: every change is a new value stored by an atomic update
 * of the entry, so entries migrate with their slot like any other value.
 *
 * <p>An entry may be a <em>pending</em> claim: a writer of that key has reserved the value inside
 * its base write and has not confirmed it yet. Another key that wants the value waits for the claim
 * to be confirmed or released (see {@link MemberIndexes#claim}).
 *
 * <p>A non-unique GLOBAL index stores one {@link GlobalPair} per (index value, base key) instead,
 * so that adding or removing a key costs the same however many keys share its value.
 *
 * @param holder the key that holds the value
 * @param pending whether the claim awaits its write's confirmation
 */
record GlobalEntry(IndexRef holder, boolean pending) {

    @Override
    public String toString() {
        return (pending ? "pending " : "") + holder;
    }
}
