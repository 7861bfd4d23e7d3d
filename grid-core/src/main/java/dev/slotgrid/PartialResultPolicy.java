package dev.slotgrid;

/** What a scatter-gather query does when some slots did not answer within the per-node budget. */
public enum PartialResultPolicy {
    /** Return what answered; {@link QueryResult#isComplete()} is {@code false} and says how much. */
    RETURN_PARTIAL,
    /** Throw {@link PartialResultException}, which says how many slots answered and which nodes did not. */
    FAIL
}
