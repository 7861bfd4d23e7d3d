package dev.slotgrid;

import dev.slotgrid.spi.Codecs;

/**
 * The two bindings the grid's contract tests run over (issue 12). Each such test class builds its
 * grids through an overridable {@code builder()} that returns {@link #inJvm()}; its
 * {@code ...OverSerializingTransportTest} subclass returns {@link #serializing()}, and so runs every
 * test of the class, with the same assertions, over a transport through which nothing crosses by
 * reference.
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

    /** The builder of a binding: {@link #inJvm()} or {@link #serializing()}. */
    static SlotGridBuilder of(TransportMode mode) {
        return mode == TransportMode.SERIALIZING ? serializing() : inJvm();
    }
}
