package dev.slotgrid.soak;

/**
 * The invariants a soak run checks, each a kind of violation it can report. The closed set: a
 * report lists every one of them with its count, zero or not.
 */
public enum Invariant {
    /** A read returned an older value than the last acknowledged write of its key. */
    STALE_READ("a read returns the last acknowledged value or a later one"),
    /** An acknowledged write is missing: the key reads absent, or the final value is older. */
    LOST_WRITE("every acknowledged write is readable"),
    /** A key read present with a value written before its last acknowledged removal. */
    RESURRECTED_KEY("a removed key does not come back"),
    /** A value that was never written: another key's, a sequence number from the future, or damaged bytes. */
    CORRUPT_VALUE("every value read is one that was written to that key"),
    /** A write returned a previous value other than the one its key's only writer knows it held. */
    WRONG_PREVIOUS_VALUE("put/replace/remove/putIfAbsent return the key's exact previous value"),
    /** A counter read or merge result outside [acknowledged increments, started increments]. */
    COUNTER_MISMATCH("counters equal the sum of acknowledged increments"),
    /** A secondary index answered an entry that does not match, or (at quiescence) not exactly its recomputation. */
    INDEX_MISMATCH("secondary indexes (LOCAL and GLOBAL) equal their recomputation at quiescence"),
    /** An operation threw although the scenario allows no failure. */
    FAILED_OPERATION("no operation fails"),
    /** A membership change or migration was refused or failed although the grid should carry it out. */
    MEMBERSHIP_CHANGE("membership changes and migrations complete"),
    /** At quiescence the slots are not served exactly once, or sizes disagree with the model. */
    QUIESCENT_STATE("at quiescence every slot has one owner and sizes equal the model"),
    /** The harness itself could not finish in time (a thread stuck), so the run proves nothing. */
    HARNESS("the harness finishes within its bounds");

    private final String statement;

    Invariant(String statement) {
        this.statement = statement;
    }

    /** @return the invariant as a sentence, for reports */
    public String statement() {
        return statement;
    }
}
