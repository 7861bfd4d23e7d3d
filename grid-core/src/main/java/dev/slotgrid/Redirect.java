package dev.slotgrid;

/**
 * A node's answer other than {@link Route#LOCAL}. Stackless: it is control flow between nodes
 * (rare: only while slots move or a table is stale), not an error a user sees.
 */
final class Redirect extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final Route route;
    final int slot;
    /** The owner as the answering node knows it, or -1. */
    final int owner;
    /** The epoch of that knowledge. */
    final long epoch;

    Redirect(Route route, int slot, int owner, long epoch) {
        super(null, null, false, false);
        this.route = route;
        this.slot = slot;
        this.owner = owner;
        this.epoch = epoch;
    }

    @Override
    public String getMessage() {
        return route + " slot " + slot + " owner " + owner + " epoch " + epoch;
    }
}
