package dev.slotgrid.slot;

/**
 * An alternative partitioner, {@code "murmur3"}: MurmurHash3 x86 32-bit (seed 0) of the same bytes
 * {@link Crc16Partitioner} hashes, {@code & 16383}. Hash tags and key types work as there.
 *
 * <p>Not compatible with Redis; offered for workloads whose keys CRC16 spreads poorly and as a
 * reference in the keyslot benchmark. Thread-safe, stateless, allocation-free.
 */
public final class Murmur3Partitioner extends RoutingText {

    /** The name this partitioner is registered under. */
    public static final String NAME = "murmur3";

    /** Creates the partitioner; instances are interchangeable. */
    public Murmur3Partitioner() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    int hash(byte[] bytes, int from, int to) {
        return Murmur3.of(bytes, from, to);
    }
}
