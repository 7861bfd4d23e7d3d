package dev.slotgrid;

/** How the members of an embedded grid reach each other; see {@link SlotGridBuilder#transport}. */
public enum TransportMode {
    /**
     * The embedded default: the owner's code runs on the caller's thread, keys, values and
     * functions by reference. The fastest a call can be.
     */
    IN_JVM,
    /**
     * Every request and reply is encoded with the grid's codecs and decoded on the other side, and
     * the callee runs on another thread, as across a network: nothing crosses by reference. A
     * caller's {@code compute}/{@code merge} function then runs on the caller against the current
     * value and is applied by a conditional write. For tests and for checking that an
     * application's types travel; a call costs a thread handoff and two copies.
     */
    SERIALIZING,
    /**
     * Every member listens on its own loopback port and members reach each other over SlotGrid's
     * data-plane protocol, as members in separate processes do ({@link SlotGrid#cluster()}): the
     * handshake, the frames, the codecs, the per-call timeout, the callee on a handler thread;
     * every call crosses a socket, a member's call to itself included. Functions travel as under
     * {@link #SERIALIZING}. For tests of the network binding inside one JVM; a call costs a
     * loopback round trip.
     */
    NETWORK
}
