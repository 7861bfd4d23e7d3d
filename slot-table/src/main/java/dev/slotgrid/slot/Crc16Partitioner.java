package dev.slotgrid.slot;

/**
 * The default partitioner, {@code "crc16"}: byte-for-byte Redis {@code CLUSTER KEYSLOT}.
 *
 * <p>The slot is {@code CRC16/XMODEM(bytes) & 16383}, where {@code bytes} is the key's UTF-8
 * encoding, or only the part between the first {@code '{'} and the first {@code '}'} after it when
 * that part is not empty (a hash tag). Keys: {@code String}, {@code byte[]} (hashed as is),
 * {@code Long}/{@code Integer}/{@code Short}/{@code Byte} (hashed as their decimal text, as Redis
 * sees them), {@code UUID} (canonical lower-case text) and {@link dev.slotgrid.spi.RoutingKey}.
 *
 * <p>Thread-safe and stateless. Allocation-free. Cost: one table look-up per byte of the hashed part.
 */
public final class Crc16Partitioner extends RoutingText {

    /** The name this partitioner is registered under. */
    public static final String NAME = "crc16";

    /** Creates the partitioner; instances are interchangeable. */
    public Crc16Partitioner() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    int hash(byte[] bytes, int from, int to) {
        return Crc16.of(bytes, from, to);
    }

    @Override
    int hashAscii(String s, int from, int to) {
        return Crc16.ofAscii(s, from, to);
    }
}
