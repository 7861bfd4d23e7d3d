package dev.slotgrid;

import dev.slotgrid.spi.Codecs;

/**
 * The bindings the grid's contract tests run over (issues 12 and 13). Each such test class builds
 * its grids through an overridable {@code builder()} that returns {@link #inJvm()}; its
 * {@code ...OverSerializingTransportTest} subclass returns {@link #serializing()}, and so runs every
 * test of the class, with the same assertions, over a transport through which nothing crosses by
 * reference; its {@code ...OverNetworkTest} subclass returns {@link #network()}: the same over
 * loopback sockets and the data-plane protocol of members in separate processes. Every suite runs
 * over the network binding; the serializing twins are kept only where they are cheap, and for the
 * Lincheck migration check (Lincheck over sockets takes many minutes), since the network binding
 * copies everything the serializing one copies.
 */
final class Bindings {

    /**
     * The codecs of the serializing runs: the defaults, plus Java serialization for the tests' own
     * value classes (records of this package, made {@code Serializable}) and the {@code java.util}
     * collections that tests store as values ({@code Set.of(...)}, the set-union merger's sets).
     *
     * <p>{@code java.time} is allowed only because of an issue-12 bug: the grid's own reply to
     * {@code indexStats()} ({@code IndexStats.Node}) carries a {@code java.time.Duration}, which the
     * message codec hands to the user's codecs, and {@link Codecs#defaults()} cannot encode it
     * ({@code SerializingTransportTest#indexStats_travelWithTheDefaultCodecs}). Remove it with the fix.
     */
    static final Codecs TEST_CODECS = Codecs.builder().discover()
            .allowSerializable("dev.slotgrid.*;java.util.*;java.time.*").build();

    private Bindings() {
    }

    /** The embedded default: the callee on the caller's thread, everything by reference. */
    static SlotGridBuilder inJvm() {
        return SlotGrid.builder();
    }

    /** Every request and reply encoded, decoded on the other side, the callee on another thread. */
    static SlotGridBuilder serializing() {
        return SlotGrid.builder().transport(TransportMode.SERIALIZING).codecs(TEST_CODECS);
    }

    /**
     * Every member behind its own loopback socket: the data-plane protocol of members in separate
     * processes, with their default of 8 migrations in flight (a move waits on round trips, not on a CPU).
     */
    static SlotGridBuilder network() {
        return SlotGrid.builder().transport(TransportMode.NETWORK).codecs(TEST_CODECS).maxMigrationsInFlight(8);
    }

    /** The builder of a binding. */
    static SlotGridBuilder of(TransportMode mode) {
        return switch (mode) {
            case SERIALIZING -> serializing();
            case NETWORK -> network();
            case IN_JVM -> inJvm();
        };
    }
}
