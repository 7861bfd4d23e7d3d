package dev.slotgrid;

/**
 * Every outcome of routing one operation to one node, as Redis names them. A node executes an
 * operation ({@link #LOCAL}) or answers with one of the others; the caller acts on it.
 */
enum Route {
    /** The node serves the slot: the operation ran. */
    LOCAL,
    /** The node does not serve the slot; the reply names the owner and its epoch. Refresh, go there. */
    MOVED,
    /** The slot is in its cutover window: writers retry shortly; readers never see this. */
    TRYAGAIN,
    /** A write was routed with an epoch older than the slot's last handover: refresh and re-route. */
    FENCED
}
