package dev.slotgrid;

import java.util.List;

/**
 * A query under {@link PartialResultPolicy#FAIL} whose slots did not all answer: within the
 * per-node time budget, or at all because their data died with their owner
 * ({@link #slotsLost()}). Nothing was changed by the query (queries never write).
 */
public final class PartialResultException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int slotsAnswered;
    private final int slotsQueried;
    private final List<String> nodesTimedOut;
    private final List<Integer> slotsLost;

    PartialResultException(String map, int slotsAnswered, int slotsQueried, List<String> nodesTimedOut,
            List<Integer> slotsLost, long budgetMillis) {
        super("query on map '" + map + "': only " + slotsAnswered + " of " + slotsQueried + " slots answered within the"
                + " per-node budget of " + budgetMillis + " ms; nodes that did not answer in time: " + nodesTimedOut
                + (slotsLost.isEmpty() ? "" : "; " + slotsLost.size() + " slots lost with their owner (no copy survived): "
                        + (slotsLost.size() <= 8 ? slotsLost.toString() : slotsLost.subList(0, 8) + " and more")));
        this.slotsAnswered = slotsAnswered;
        this.slotsQueried = slotsQueried;
        this.nodesTimedOut = List.copyOf(nodesTimedOut);
        this.slotsLost = List.copyOf(slotsLost);
    }

    /** @return the slots that answered in time */
    public int slotsAnswered() {
        return slotsAnswered;
    }

    /** @return the slots the query asked */
    public int slotsQueried() {
        return slotsQueried;
    }

    /** @return the names of the nodes that did not answer all their slots in time */
    public List<String> nodesTimedOut() {
        return nodesTimedOut;
    }

    /** @return the slots not read because their data died with their owner, ascending */
    public List<Integer> slotsLost() {
        return slotsLost;
    }
}
