package dev.slotgrid;

/**
 * What a scatter-gather query does when some slots did not answer: within the per-node budget, or
 * at all (a member that cannot be reached, slots whose data died with their owner).
 */
public enum PartialResultPolicy {
    /** Return what answered; {@link QueryResult#isComplete()} is {@code false} and says how much. */
    RETURN_PARTIAL,
    /** Throw {@link PartialResultException}, which says how many slots answered, which nodes did not, and which slots were lost. */
    FAIL
}
